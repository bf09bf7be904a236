"""CalDAV calendars (RFC 4791): free/busy and events read, series written with PUT."""
