"""`python -m nomina.cli` runs the `nomina` command."""

from nomina.cli import main

main()
