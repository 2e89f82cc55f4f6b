"""The client's IP address, the one the throttles, the login lockouts and the audit trail key on.

`TRUSTED_PROXY_COUNT` says how many reverse proxies stand in front of the web process. With 0 (the default)
`X-Forwarded-For` is ignored: anyone can write it. With N, each of the N proxies appended the address it was
called from, so the Nth address from the right is the one the outermost trusted proxy saw; addresses further
left were written by the client and are never trusted.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def forwarded_addresses(request) -> list[str]:
    """The addresses of `X-Forwarded-For` (several headers arrive joined by commas), left to right."""
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return [item.strip() for item in header.split(",") if item.strip()]


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or with N trusted proxies the Nth `X-Forwarded-For` address from the right.

    A request that passed fewer proxies than configured (a health check from the host) or whose header holds
    garbage at that position is keyed on REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    addresses = forwarded_addresses(request)
    if len(addresses) < count:
        return remote
    return _valid(addresses[-count]) or remote
