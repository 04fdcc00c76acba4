#!/usr/bin/env python
"""Django's command-line utility for Rights Desk."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reads the settings now, so a missing SECRET_KEY is one plain line
    except ImproperlyConfigured as error:
        sys.exit(f"Rights Desk cannot start: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
