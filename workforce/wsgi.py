"""WSGI entry point, for tooling that expects one (the product runs on ASGI)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")

application = get_wsgi_application()
