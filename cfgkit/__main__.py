"""``python -m cfgkit``: the ``cfgkit`` command."""

from cfgkit.cli import main_entry

main_entry()
