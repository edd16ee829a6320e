"""Headless subcommands of the ``tingxie`` command line, one module each."""
