"""Secrets out of what is shown: URLs are printed without their password."""

from urllib.parse import urlsplit, urlunsplit


def safe_url(url: str | None) -> str:
    """The URL without its password (`redis://:***@host:6379/0`)."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))
