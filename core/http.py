"""Facts about an HTTP request that every room needs and that only Django should supply."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies stand in front.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For,
    so the client as seen by the outermost trusted proxy is TRUSTED_PROXY_COUNT entries from
    the right. Entries further left were written by the client and prove nothing; with no
    trusted proxy the header is ignored altogether.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        # Fewer entries than proxies: the request did not come through them all; trust only the peer.
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
