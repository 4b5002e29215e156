#!/usr/bin/env python3
"""The dossier's command line, run from this checkout: `python build.py build | serve | ingest | …`.

The commands live in dossier/cli.py (installed, they are the `dossier` command); here they work on
the dossier beside this file, whatever the current folder.
"""

import sys
from pathlib import Path

from dossier.cli import main

if __name__ == "__main__":
    sys.exit(main(root=Path(__file__).resolve().parent, prog="build.py"))
