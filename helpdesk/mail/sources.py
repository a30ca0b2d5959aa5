"""Reading a mailbox: IMAP over TLS, a local Maildir or an mbox file (stdlib imaplib, mailbox).

Each source hands over raw messages and forgets one only after it was recorded
(`inbound.receive` returned): a crash in between fetches it again, and the Message-ID makes
that second time a no-op.
"""

import imaplib
import logging
import mailbox as stdlib_mailbox
import ssl
from datetime import datetime

from core.clock import resolve_now
from helpdesk.models import Mailbox

from .inbound import receive

logger = logging.getLogger(__name__)
BATCH = 100


def fetch(mailbox: Mailbox, *, now: datetime | None = None, limit: int = BATCH) -> int:
    """Read up to `limit` new messages from `mailbox`; how many were handed to `receive`.

    A source that cannot be read records its error on the mailbox (shown in admin) and
    raises nothing, so one broken mailbox does not stop the others.
    """
    readers = {Mailbox.Source.MAILDIR: _maildir, Mailbox.Source.MBOX: _mbox, Mailbox.Source.IMAP: _imap}
    reader = readers.get(mailbox.source)
    if reader is None:  # the relay posts to the endpoint; nothing to fetch
        return 0
    try:
        count = reader(mailbox, limit=limit)
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
        logger.warning("mailbox %s could not be read: %s", mailbox, exc)
        Mailbox.objects.filter(pk=mailbox.pk).update(last_error=f"{type(exc).__name__}: {exc}"[:2000])
        return 0
    Mailbox.objects.filter(pk=mailbox.pk).update(last_fetched_at=resolve_now(now), last_error="")
    return count


def _receive(mailbox: Mailbox, raw: bytes) -> None:
    receive(mailbox=mailbox, raw=raw)


def _maildir(mailbox: Mailbox, *, limit: int) -> int:
    """New messages are in new/; each goes to cur/ (seen) once recorded."""
    folder = stdlib_mailbox.Maildir(mailbox.path, factory=None, create=True)
    count = 0
    for key in sorted(folder.iterkeys()):
        if count >= limit:
            break
        message = folder.get_message(key)
        if message.get_subdir() == "cur" and "S" in message.get_flags():
            continue
        with folder.get_file(key) as handle:
            raw = handle.read()
        _receive(mailbox, raw)
        message.set_subdir("cur")
        message.add_flag("S")
        folder[key] = message
        count += 1
    return count


def _mbox(mailbox: Mailbox, *, limit: int) -> int:
    """Each message read is removed from the file (under its lock) once recorded."""
    box = stdlib_mailbox.mbox(mailbox.path, create=True)
    box.lock()
    count = 0
    try:
        for key in list(box.iterkeys())[:limit]:
            _receive(mailbox, box.get_bytes(key))
            box.remove(key)
            count += 1
        box.flush()
    finally:
        box.unlock()
        box.close()
    return count


def _imap(mailbox: Mailbox, *, limit: int) -> int:
    """Unseen messages, over TLS with the system's certificate checks; each is flagged
    \\Seen once recorded (BODY.PEEK leaves it unseen until then)."""
    context = ssl.create_default_context()
    count = 0
    with imaplib.IMAP4_SSL(mailbox.imap_host, mailbox.imap_port, ssl_context=context, timeout=30) as client:
        client.login(mailbox.imap_username, mailbox.imap_password)
        client.select(mailbox.imap_folder)
        status, data = client.uid("SEARCH", None, "UNSEEN")
        if status != "OK":
            raise imaplib.IMAP4.error(f"SEARCH failed: {data!r}")
        for uid in (data[0] or b"").split()[:limit]:
            status, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in parts if isinstance(part, tuple)), None)
            if status != "OK" or raw is None:
                continue
            _receive(mailbox, raw)
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            count += 1
        client.logout()
    return count
