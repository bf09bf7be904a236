"""Value types of the domain: people, series, occurrences, our events' identities, the error
tree, cadences, time formatting and what the planner says. Imports nothing of sync but plumbing."""
