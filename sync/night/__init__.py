"""One nightly run, step by step: the orchestrator and its steps (read, reconcile, propose,
book, keep up, rebuild, health). May import every part except the faces (cli, web)."""
