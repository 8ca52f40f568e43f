"""`python -m micrograd_ed` runs the command line."""

import sys

from micrograd_ed.cli import main

sys.exit(main())
