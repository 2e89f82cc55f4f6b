#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

Production (`WORKFORCE_ENV=production`) checks its database and broker first and refuses to start in one
line; a development machine gets its environment (embedded PostgreSQL, Redis, secret key) from
`workforce.devservices`. Under the test suite (`WORKFORCE_ENV=test`) the harness has already set everything.
"""

import os
import sys

# Commands that diagnose a broken install must still run when the broker is down: they report it themselves.
DIAGNOSTIC_COMMANDS = {"doctor"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
    from workforce.preflight import preflight

    command = sys.argv[1] if len(sys.argv) > 1 else ""
    preflight(ping_broker=command not in DIAGNOSTIC_COMMANDS)
    if os.environ.get("WORKFORCE_ENV", "development") not in ("production", "test"):
        from workforce.devservices import dev_environment

        dev_environment(os.environ)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
