"""Value types of the domain: people, series, occurrences, our events' identities, the error
tree, cadences and time formatting. Imports nothing of sync but plumbing."""
