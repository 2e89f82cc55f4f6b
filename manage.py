#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

A development machine gets its environment (embedded PostgreSQL, Redis, secret key) from
`workforce.devservices`. Under the test suite (`WORKFORCE_ENV=test`) the harness has already set everything.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
    if os.environ.get("WORKFORCE_ENV", "development") not in ("production", "test"):
        from workforce.devservices import dev_environment

        dev_environment(os.environ)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
