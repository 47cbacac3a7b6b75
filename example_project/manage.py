#!/usr/bin/env python
"""Django's command-line utility for the wagtail-clinic example site."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings.dev")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Is wagtail-clinic installed in the active "
            "virtual environment (pip install -e .. from this directory)?"
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
