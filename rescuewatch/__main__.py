"""``python -m rescuewatch`` runs the command line."""

from rescuewatch.cli import main

main()
