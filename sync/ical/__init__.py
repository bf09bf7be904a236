"""The iCalendar form of our series: writing them (with their time zones), iTIP messages, and
reading our own events back. Imports only the model."""
