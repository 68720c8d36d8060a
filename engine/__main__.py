"""`python -m engine`: the same command line as `main.py` and `pointe-edge`."""

import sys

from engine.cli import main

sys.exit(main())
