"""WSGI entry point, for tooling that expects one (the product runs on ASGI)."""

import os

from django.core.wsgi import get_wsgi_application

from workforce.preflight import preflight

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
preflight()  # production without its database or broker: one line on stderr, exit 2

application = get_wsgi_application()
