"""Google Calendar: free/busy, out-of-office, and the series checkin-sync books."""
