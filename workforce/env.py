"""Typed readers for environment variables that fail loudly on bad values."""

import os
import re

from django.core.exceptions import ImproperlyConfigured

# Every variable name a helper was asked for, so tests can compare settings with docs and compose.
READ_VARIABLES: set[str] = set()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    """Return the variable as a string, or `default` when it is unset."""
    READ_VARIABLES.add(name)
    return os.environ.get(name, default)


def env_required(name: str, *, hint: str = "") -> str:
    """Return the variable or stop start-up with a clear message (`hint`: where to get it)."""
    READ_VARIABLES.add(name)
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(hint or f"Environment variable {name} is required in this environment.")
    return value


def env_bool(name: str, default: bool) -> bool:
    """Return the variable as a boolean (1/0, true/false, yes/no, on/off)."""
    READ_VARIABLES.add(name)
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Return the variable as an integer, refusing values below `minimum`."""
    READ_VARIABLES.add(name)
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}.") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}.")
    return value


def env_float(name: str, default: float) -> float:
    """Return the variable as a float."""
    READ_VARIABLES.add(name)
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of non-empty items."""
    READ_VARIABLES.add(name)
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*$")


def env_rate(name: str, default: str) -> str:
    """Return a DRF rate (`<requests>/<s|min|hour|day>`, e.g. `120/min`), refusing anything else."""
    READ_VARIABLES.add(name)
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    match = _RATE.match(raw)
    if not match or int(match.group(1)) < 1:
        raise ImproperlyConfigured(f"{name} must be a rate such as 120/min (per s, min, hour or day), got {raw!r}.")
    return f"{int(match.group(1))}/{match.group(2)}"
