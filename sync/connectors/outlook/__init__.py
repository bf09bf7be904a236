"""Microsoft 365 / Outlook: free/busy through Graph getSchedule, and the series checkin-sync
books, through an app registration with application permissions."""
