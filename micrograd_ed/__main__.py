"""`python -m micrograd_ed` runs the command line."""

import sys

from micrograd_ed.cli.commands import main

sys.exit(main())
