"""What the operator and employees configure: settings, the roster and its schema, purpose texts,
holiday calendars, paths and a trial's development secret. May import model and plumbing."""
