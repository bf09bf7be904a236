"""A small organisation lived through many nights: roster edits, calendar changes and
managers' decisions drawn from one seed, judged after every night from what the calendars and
the exported .ics files show."""
