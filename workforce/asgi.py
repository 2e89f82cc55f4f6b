"""ASGI entry point (uvicorn) for pages, the JSON API and the SSE stream."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")

application = get_asgi_application()
