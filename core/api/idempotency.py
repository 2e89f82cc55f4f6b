"""`Idempotency-Key` for POST endpoints that create objects: a replay returns the stored response,
the same key with a different request is 409 `conflict`.

A key is scoped to (caller, project, method + path): the same key sent by another caller, for another project
or to another endpoint is a fresh request, neither a replay nor a conflict.
"""

import functools
import hashlib
import json
import re

from django.db import IntegrityError, transaction
from rest_framework.response import Response

from core.api.errors import conflict, invalid_input
from core.models import ApiKey, IdempotencyRecord

HEADER = "Idempotency-Key"
SAFE_KEY_PATTERN = r"^[A-Za-z0-9._:-]{1,200}$"
_SAFE_KEY = re.compile(SAFE_KEY_PATTERN)


def _caller(request) -> str:
    if isinstance(request.auth, ApiKey):
        return f"key:{request.auth.pk}"
    return f"user:{request.user.pk}"


def _scope(request) -> dict:
    """The fields that, with the key itself, identify a stored request."""
    return {
        "caller": _caller(request),
        "project": getattr(request, "project", None),  # set by the project permissions; None outside a project
        "method_path": f"{request.method} {request.path}"[:300],
    }


def _request_hash(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        raise conflict("conflict", {HEADER: "This key was already used with a different request."})
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view_method):
    """Decorate an APIView `post`: honour the Idempotency-Key header when the client sends one.

    The key is claimed (row inserted) in the same transaction as the work, so a concurrent twin waits on
    the unique index and then replays the first answer instead of doing the work twice.
    """

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view_method(self, request, *args, **kwargs)
        if not _SAFE_KEY.match(key):
            raise invalid_input({HEADER: "1-200 characters: letters, digits, '.', '_', ':' or '-'."})
        scope, request_hash = _scope(request), _request_hash(request)
        stored = IdempotencyRecord.objects.filter(**scope, key=key).first()
        if stored is not None:
            return _replay(stored, request_hash)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        **scope, key=key, request_hash=request_hash, status_code=0, response_body={}
                    )
            except IntegrityError:
                return _replay(IdempotencyRecord.objects.get(**scope, key=key), request_hash)
            response = view_method(self, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.status_code, record.response_body = response.status_code, response.data
                record.save(update_fields=["status_code", "response_body"])
            else:
                record.delete()
        return response

    wrapper.idempotent = True  # the OpenAPI schema documents the header and its 409 (core.api.schema)
    return wrapper
