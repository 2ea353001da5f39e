"""`python -m salesperf` runs the command line."""

import sys

from salesperf._cli import main

sys.exit(main())
