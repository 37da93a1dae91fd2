#!/usr/bin/env python
"""Django's command-line utility; `kuaiban` (kuaiban.cli) is the same with a shorter name."""

import sys

from kuaiban.cli import main

if __name__ == "__main__":
    sys.exit(main())
