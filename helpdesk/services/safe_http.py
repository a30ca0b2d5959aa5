"""Outgoing HTTP that reaches only public addresses, checked when the request leaves.

An endpoint's address is checked when it is saved (`validate_outbound_url`: https, no literal
private IP), but a public host name can resolve to a private, loopback or link-local address,
today or after a DNS change, and would make the worker call into our own network. So at each
attempt:

1. `checked_address(host, port)` resolves the host and checks **every** address it has; one
   that is not public refuses the request (`UnsafeAddress`, kept on the row as its reason).
2. The connection goes to that checked address (`PinnedHTTPConnection`), never to the name
   again, so a second lookup cannot answer with another address (DNS rebinding). TLS still
   sends the host name (SNI) and verifies the certificate against it.

No proxy is used: a proxy would make the connection, and the check would be about the proxy.
`OUTBOUND_HTTP_ALLOW_LOOPBACK` (or DEBUG), the one switch that lets tests and local
development use http://127.0.0.1, lets loopback addresses through here too; nothing else.
"""

import functools
import http.client
import ipaddress
import socket
import ssl
import urllib.request
from urllib.parse import urlsplit

from helpdesk.models.integrations import loopback_allowed


class UnsafeAddress(Exception):
    """The target resolves to an address we must not call; retrying cannot help."""


def refusal(address: str) -> str:
    """Why `address` (an IP literal) may not be called, or "" when it may."""
    ip = ipaddress.ip_address(address.partition("%")[0])  # drop an IPv6 zone (fe80::1%eth0)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    if ip.is_loopback:
        return "" if loopback_allowed() else "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private:
        return "private"
    if not ip.is_global or ip.is_multicast:
        return "not public"
    return ""


def checked_address(host: str, port: int) -> str:
    """The address to connect to for `host`, after checking every address it resolves to.

    socket.gaierror when the name does not resolve (worth retrying); UnsafeAddress when any
    address is not public.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    refused = [(address, why) for address in addresses if (why := refusal(address))]
    if refused:
        listed = ", ".join(f"{address} ({why})" for address, why in refused)
        raise UnsafeAddress(f"{host} is not a public address: {listed}; not sent")
    return addresses[0]


class _PinnedSocket(http.client.HTTPConnection):
    # Placed after HTTPSConnection in the MRO, so HTTPSConnection.connect wraps this socket
    # in TLS with server_hostname=self.host: SNI and certificate checks use the name.
    pinned_address: str

    def connect(self) -> None:
        self.sock = socket.create_connection(
            (self.pinned_address, self.port), self.timeout, self.source_address
        )
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class PinnedHTTPConnection(_PinnedSocket):
    """An HTTP connection to `pinned_address`, whatever the host name resolves to now."""


class PinnedHTTPSConnection(http.client.HTTPSConnection, _PinnedSocket):
    """An HTTPS connection to `pinned_address`, verified against the host name."""


def _pinned(connection_class, request: urllib.request.Request):
    address = getattr(request, "pinned_address", None)
    if not address:  # never connect to a name nobody checked
        raise UnsafeAddress(f"{request.host}: the address was not checked; not sent")

    def make(host, **kwargs):
        connection = connection_class(host, **kwargs)
        connection.pinned_address = address
        return connection

    return make


class PinnedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_pinned(PinnedHTTPConnection, req), req)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The verifying TLS context (system CAs, host name checked), made once per process on
    first use: making one reads the whole CA bundle (about 60 ms here)."""
    return ssl.create_default_context()


class PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_pinned(PinnedHTTPSConnection, req), req, context=tls_context())


def pin(request: urllib.request.Request) -> urllib.request.Request:
    """Check the request's host (UnsafeAddress, socket.gaierror) and pin it to the address."""
    parts = urlsplit(request.full_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    request.pinned_address = checked_address(parts.hostname or "", port)
    return request
