"""ASGI entry point (uvicorn) for pages, the JSON API and the SSE stream."""

import os

from django.core.asgi import get_asgi_application

from core.body_limit import BodyLimitASGIMiddleware
from workforce.preflight import preflight

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
preflight()  # production without its database or broker: one line on stderr, exit 2

# Bodies over MAX_REQUEST_BODY_BYTES are refused while they stream in, before Django spools them to disk.
application = BodyLimitASGIMiddleware(get_asgi_application())
