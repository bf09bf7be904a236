"""What the operator and employees configure: settings, the roster and its schema, purpose texts,
holiday calendars and paths. May import model and plumbing."""
