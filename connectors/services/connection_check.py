"""Test a connection before (or after) saving it: one authenticated call through the normal client, answered in
words a person can act on. Never the token, never the source's raw error, never a stack trace."""

import logging
from dataclasses import asdict, dataclass

from django.conf import settings

from connectors.models import ConnectorConfig, Source
from connectors.services.configs import connector_unpause
from connectors.sources.base import REGISTRY, WrongAccount
from core.http import AddressNotAllowed, AuthError, HttpError, TransientError, base_url_check

log = logging.getLogger(__name__)

# A person is waiting: one attempt, short timeouts (connect, read).
CHECK_TIMEOUT = (3.0, 10.0)


class Outcome:
    OK = "ok"
    BAD_TOKEN = "bad_token"  # noqa: S105 (an outcome's name, not a secret)
    WRONG_ACCOUNT = "wrong_account"
    UNREACHABLE = "unreachable"
    UNEXPECTED = "unexpected"


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    outcome: str
    detail: str
    account_name: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def connection_check(*, config: ConnectorConfig) -> ConnectionCheck:
    """Ask the source who the config's token is (saved or not); see `Outcome`."""
    label = Source(config.source).label
    try:
        base_url_check(config.base_url, allow_private=settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES)
    except AddressNotAllowed as exc:
        return _failed(Outcome.UNREACHABLE, f"Not reachable from here: {exc}.")
    connector = REGISTRY[config.source](config=config)
    connector.http.max_attempts = 1
    connector.http.timeout = CHECK_TIMEOUT
    try:
        identity = connector.identify()
    except WrongAccount as exc:
        return _failed(Outcome.WRONG_ACCOUNT, f"{label} took the token, but {exc}: check the account id.")
    except AuthError as exc:
        return _failed(Outcome.BAD_TOKEN, f"{label} refused the token (HTTP {exc.status}): paste a valid one.")
    except AddressNotAllowed as exc:
        return _failed(Outcome.UNREACHABLE, f"Not reachable from here: {exc}.")
    except TransientError as exc:
        if exc.status is None:  # no answer at all: DNS, refused connection, timeout
            return _failed(Outcome.UNREACHABLE, f"No answer from {config.base_url}: check the URL and the network.")
        return _unexpected(label, config, f"it answered HTTP {exc.status}")
    except HttpError as exc:
        return _unexpected(label, config, f"it answered HTTP {exc.status}" if exc.status else "its answer")
    except (KeyError, TypeError, ValueError, AttributeError):
        return _unexpected(label, config, "its answer has another shape")
    finally:
        connector.http.close()
    return ConnectionCheck(True, Outcome.OK, f"Connected to {label}: {identity.account_name}.", identity.account_name)


def connection_check_saved(*, config: ConnectorConfig) -> ConnectionCheck:
    """Check a saved config; success resumes a connector paused for its credentials."""
    result = connection_check(config=config)
    if result.ok:
        connector_unpause(project=config.project, source=config.source)
    return result


def _failed(outcome: str, detail: str) -> ConnectionCheck:
    return ConnectionCheck(False, outcome, detail)


def _unexpected(label: str, config: ConnectorConfig, what: str) -> ConnectionCheck:
    log.info("connection check of %s for project %s: unexpected (%s)", config.source, config.project_id, what)
    return _failed(Outcome.UNEXPECTED, f"{config.base_url} does not answer like {label}: {what}.")
