"""`python -m sync` is the same as the `checkin-sync` command."""

from sync.cli.main import main

# guarded: a worker process started with "spawn" imports this module again (as __mp_main__)
if __name__ == "__main__":
    raise SystemExit(main())
