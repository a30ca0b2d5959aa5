"""The IMAP reader's protocol steps, and mail too broken to read that still loses nothing."""

import imaplib

import pytest

from helpdesk.mail import inbound, sources
from helpdesk.models import InboundMessage, Mailbox, Ticket

from .conftest import eml

pytestmark = pytest.mark.django_db


class FakeImap:
    """Speaks the part of IMAP4_SSL the reader uses, over a dict of uid → raw message."""

    def __init__(self, messages, *, fail_fetch_of=None):
        self.messages, self.seen, self.calls = messages, set(), []
        self.fail_fetch_of = fail_fetch_of

    def __call__(self, host, port, *, ssl_context, timeout):
        self.calls.append(("connect", host, port, ssl_context.verify_mode.name))
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def login(self, user, password):
        self.calls.append(("login", user))

    def select(self, folder):
        self.calls.append(("select", folder))

    def uid(self, command, *args):
        if command == "SEARCH":
            unseen = [uid for uid in self.messages if uid not in self.seen]
            return "OK", [b" ".join(unseen)]
        if command == "FETCH":
            uid, what = args
            assert what == "(BODY.PEEK[])"  # reading must not mark it seen
            if uid == self.fail_fetch_of:
                raise imaplib.IMAP4.abort("connection lost")
            return "OK", [(b"1 (UID " + uid + b" BODY[] {n}", self.messages[uid]), b")"]
        if command == "STORE":
            self.seen.add(args[0])
            return "OK", []
        raise AssertionError(command)

    def logout(self):
        self.calls.append(("logout",))


@pytest.fixture
def imap_box(mailbox):
    mailbox.source = Mailbox.Source.IMAP
    mailbox.imap_host, mailbox.imap_username, mailbox.imap_password = "imap.example.com", "support", "pw"
    mailbox.save()
    return mailbox


def test_imap_reads_unseen_mail_over_verified_tls_and_flags_it_seen_once_recorded(
    imap_box, li_na, monkeypatch
):
    server = FakeImap({b"7": eml("new_request_gbk"), b"8": eml("forwarded")})
    monkeypatch.setattr(sources.imaplib, "IMAP4_SSL", server)

    assert sources.fetch(imap_box) == 2
    assert sources.fetch(imap_box) == 0

    assert server.calls[0] == ("connect", "imap.example.com", 993, "CERT_REQUIRED")
    assert server.seen == {b"7", b"8"}
    assert Ticket.objects.count() == 2


def test_a_connection_lost_mid_fetch_leaves_the_rest_unseen_for_the_next_round(imap_box, li_na, monkeypatch):
    server = FakeImap({b"7": eml("new_request_gbk"), b"8": eml("forwarded")}, fail_fetch_of=b"8")
    monkeypatch.setattr(sources.imaplib, "IMAP4_SSL", server)

    assert sources.fetch(imap_box) == 0  # the round failed …
    imap_box.refresh_from_db()
    assert "connection lost" in imap_box.last_error
    assert server.seen == {b"7"}  # … but what was recorded is flagged, the rest comes again
    server.fail_fetch_of = None
    assert sources.fetch(imap_box) == 1
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not a mail at all",
        b"From: li.na@huadong.example\r\nSubject: =?utf-8?B?!!!broken?=\r\n\r\nbody",
        b"From: li.na@huadong.example\r\nSubject: \xb9\xfd\xd5\xcb raw 8-bit\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\n\xb9\xfd",
        b"From: li.na@huadong.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nbroken",
        b"From: <>\r\nSubject: nobody\r\n\r\nbody",
    ],
)
def test_malformed_mail_is_recorded_never_raised(mailbox, li_na, monday_9am, raw):
    record = inbound.receive(mailbox=mailbox, raw=raw, now=monday_9am)

    assert record.pk is not None
    assert record.outcome in {InboundMessage.Outcome.TICKET, InboundMessage.Outcome.REFUSED}
