"""`python -m engine`: the same command line as `main.py` and `pointe-edge`."""

import sys

from engine.cli import main

if __name__ == "__main__":  # importing it (pkgutil, an audit over every module) runs nothing
    sys.exit(main())
