#!/usr/bin/env python
"""Django's manage.py; ``buddynet`` (the console command) does the same."""

from buddynet.__main__ import main

if __name__ == "__main__":
    main()
