"""Small helpers every part uses: logs, progress, cache files, fault points, deadlines,
translations, the HTTP stack. May be imported from anywhere; imports only config.paths."""
