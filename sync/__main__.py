"""`python -m sync` is the same as the `checkin-sync` command."""

from sync.cli.main import main

raise SystemExit(main())
