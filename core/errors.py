"""Domain exceptions that carry their HTTP meaning, so the API maps them in one place.

Services raise subclasses of these (`jobs.services.QueueUnavailable`, `connectors.services.state.AlreadyRunning`
…); the DRF exception handler in `core/api/errors.py` turns any of them into the API's error shape
(`{"error": code, "detail": …}` with `status`). Services stay free of HTTP.
"""


class DomainError(Exception):
    """A refusal a caller can act on; its detail is the message raised with, else the class's `message`."""

    code = "invalid"
    status = 400
    message = "Invalid request."

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.message)
        self.detail = message or self.message


class Forbidden(DomainError):
    code, status, message = "forbidden", 403, "You may not do this."


class NotFound(DomainError):
    code, status, message = "not_found", 404, "Not found."


class Conflict(DomainError):
    code, status, message = "conflict", 409, "The current state does not allow this."


class Unavailable(DomainError):
    code, status, message = "unavailable", 503, "A service this request needs is unavailable; try again shortly."
