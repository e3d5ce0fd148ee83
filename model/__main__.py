"""`python -m model` is the `birthbudget` command."""

from model.cli import main

main()
