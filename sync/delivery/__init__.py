"""What reaches people: .ics export, feeds, invitations, email, the digest and the run report.
May import connectors, store, config, model and plumbing; never night or the faces."""
