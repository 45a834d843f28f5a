"""`python -m pactwatch` runs the command line."""

from pactwatch.cli.app import main

main()
