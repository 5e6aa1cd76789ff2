"""``python -m sentinelle``: the same as the ``sentinelle`` command."""

from sentinelle.cli import main

main()
