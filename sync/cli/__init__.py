"""The command-line face: commands grouped by what they are about, doctor and `config check`.
May import every part below it; nothing imports the CLI."""
