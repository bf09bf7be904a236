"""Small helpers every part uses: logs, progress, cache files, fault points, deadlines,
translations. May be imported from anywhere; imports only config.paths of sync."""
