"""Webhooks and alerts reach only public addresses, checked when each attempt leaves."""

import datetime as dt
import socket
import ssl
from unittest import mock

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from helpdesk.models import OutboundRequest
from helpdesk.services import http_outbox, safe_http, webhooks
from helpdesk.tests.receiver import Receiver, free_port

pytestmark = pytest.mark.django_db

HOST = "hooks.example.com"
REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def receiver():
    server = Receiver(port=free_port()).start()
    yield server
    server.stop()


def resolving(*answers: list[str]):
    """A getaddrinfo whose successive calls for HOST answer `answers` (the last one repeats);
    `calls` lists every lookup, connecting to an address included."""
    calls = []

    def getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        if host != HOST:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        addresses = answers[min(len(calls) - 1, len(answers) - 1)]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    return mock.patch.object(safe_http.socket, "getaddrinfo", side_effect=getaddrinfo), calls


def queued(url: str) -> OutboundRequest:
    # Straight into the outbox, past the save-time URL check, as a row written before a DNS
    # change would be.
    endpoint, _secret = webhooks.create_endpoint(
        name="CRM", url="https://erp.example.com/hook", events=["ticket.created"], actor=None
    )
    return http_outbox.queue_request(kind="webhook", event="ping", url=url, body={"n": 1}, endpoint=endpoint)


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("10.0.0.5", "private"),
        ("192.168.1.20", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("::ffff:10.0.0.1", "private"),
        ("fd00::1", "private"),
        ("100.64.0.1", "not public"),
        ("8.8.8.8", ""),
        ("2001:4860:4860::8888", ""),
    ],
)
def test_only_public_addresses_may_be_called(address, why):
    assert safe_http.refusal(address) == why


def test_loopback_is_refused_unless_the_loopback_switch_is_on(settings):
    settings.OUTBOUND_HTTP_ALLOW_LOOPBACK, settings.DEBUG = False, False
    assert safe_http.refusal("127.0.0.1") == safe_http.refusal("::1") == "loopback"
    settings.OUTBOUND_HTTP_ALLOW_LOOPBACK = True
    assert safe_http.refusal("127.0.0.1") == ""
    assert safe_http.refusal("10.0.0.5") == "private"  # the switch opens loopback, nothing else


def test_a_public_name_that_resolves_to_a_private_address_is_refused_with_the_reason(receiver):
    row = queued(f"https://{HOST}/hook")
    patch, _calls = resolving(["10.0.0.5"])
    with patch:
        assert http_outbox.deliver_request(request_id=row.pk) == "failed"
    row.refresh_from_db()
    assert row.attempts == 1 and row.delivered_at is None
    assert row.last_error == f"UnsafeAddress: {HOST} is not a public address: 10.0.0.5 (private); not sent"


def test_every_address_of_the_name_is_checked_not_only_the_first(receiver):
    row = queued(receiver.url(host=HOST))
    patch, _calls = resolving(["127.0.0.1", "169.254.169.254"])
    with patch:
        assert http_outbox.deliver_request(request_id=row.pk) == "failed"
    row.refresh_from_db()
    assert "169.254.169.254 (link-local)" in row.last_error
    assert receiver.received == []


def test_the_connection_goes_to_the_checked_address_so_a_second_lookup_cannot_swap_it(receiver):
    row = queued(receiver.url(host=HOST))
    # A rebinding DNS server: first the allowed address, then an internal one.
    patch, calls = resolving(["127.0.0.1"], ["10.255.255.1"])
    with patch:
        assert http_outbox.deliver_request(request_id=row.pk) == "delivered"
    assert calls == [HOST, "127.0.0.1"]  # one lookup; the connection went to the address
    (request,) = receiver.received
    assert request.headers["Host"] == f"{HOST}:{receiver.port}"


def test_a_loopback_receiver_is_refused_when_the_switch_is_off(receiver, settings):
    row = queued(receiver.url())
    settings.OUTBOUND_HTTP_ALLOW_LOOPBACK, settings.DEBUG = False, False
    assert http_outbox.deliver_request(request_id=row.pk) == "failed"
    row.refresh_from_db()
    assert "127.0.0.1 (loopback)" in row.last_error
    assert receiver.received == []


def test_a_name_that_does_not_resolve_is_tried_again_later():
    row = queued(f"https://{HOST}/hook")
    with mock.patch.object(safe_http.socket, "getaddrinfo", side_effect=socket.gaierror(-2, "Name unknown")):
        assert http_outbox.deliver_request(request_id=row.pk) == "pending"
    row.refresh_from_db()
    assert "gaierror" in row.last_error


# --- TLS to a pinned address still verifies the certificate against the host name ------------


def _certificate(name: str, *, issuer_key, issuer_name, key, ca: bool = False) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)  # noqa: TID251 -- certificate validity is checked against the real clock
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(issuer_name or x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls_files(tmp_path, monkeypatch):
    """A test CA the client trusts (SSL_CERT_FILE) and a function making server contexts."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Kuaixiang test CA", issuer_key=ca_key, issuer_name=None, key=ca_key, ca=True)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    safe_http.tls_context.cache_clear()

    def server_context(name: str) -> ssl.SSLContext:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate(name, issuer_key=ca_key, issuer_name=ca.subject, key=key)
        pem = tmp_path / f"{name}.pem"
        pem.write_bytes(
            cert.public_bytes(serialization.Encoding.PEM)
            + key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pem)
        return context

    yield server_context
    safe_http.tls_context.cache_clear()  # the next test trusts the system's CAs again


@pytest.mark.parametrize(("certified", "state"), [(HOST, "delivered"), ("elsewhere.example.com", "pending")])
def test_https_to_the_pinned_address_verifies_the_certificate_against_the_host_name(
    tls_files, certified, state
):
    server = Receiver(port=free_port(), tls=tls_files(certified)).start()
    try:
        row = queued(server.url(host=HOST))
        patch, _calls = resolving(["127.0.0.1"])
        with patch:
            assert http_outbox.deliver_request(request_id=row.pk) == state
    finally:
        server.stop()
    row.refresh_from_db()
    if state == "delivered":
        assert len(server.received) == 1
    else:
        assert "CERTIFICATE_VERIFY_FAILED" in row.last_error and server.received == []
