"""Signed reply addresses: support+KX-000123.<signature>@example.com.

The plus tag names the ticket, the signature proves we wrote it: a customer can reply to
the address we gave them, and nobody can guess the address of somebody else's ticket.
A subject tag ("[KX-000123]") is easy to type, so it never attaches mail to a ticket.

The signature is an HMAC keyed with SECRET_KEY (changing it makes old reply addresses
unknown; their mail is then held for review, never lost). Lower-case hex, because some
mail systems lower-case the local part.
"""

import hmac
import re
from email.utils import parseaddr

from django.conf import settings
from django.utils.crypto import salted_hmac

from helpdesk.models import Ticket

SALT = "kuaixiang.mail.reply-address"
SIGNATURE_LENGTH = 16  # 64 bits: guessing is hopeless at any rate a mail server accepts
_TAG = re.compile(r"^(?P<ref>[a-z]{2}-\d{1,12})\.(?P<sig>[0-9a-f]+)$", re.IGNORECASE)


def _signature(reference: str) -> str:
    return salted_hmac(SALT, reference.upper(), algorithm="sha256").hexdigest()[:SIGNATURE_LENGTH]


def base_address() -> str:
    """The address replies go to: MAIL_REPLY_ADDRESS, else DEFAULT_FROM_EMAIL's address."""
    return settings.MAIL_REPLY_ADDRESS or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def reply_address(ticket: Ticket, *, base: str | None = None) -> str:
    """The signed address a reply about `ticket` should go to."""
    local, _, domain = (base or base_address()).partition("@")
    local = local.partition("+")[0]
    return f"{local}+{ticket.reference}.{_signature(ticket.reference)}@{domain}".lower()


def ticket_pk_from_address(address: str) -> int | None:
    """The ticket a signed reply address names, or None when unsigned or tampered with."""
    local = parseaddr(address)[1].partition("@")[0]
    tag = local.partition("+")[2]
    match = _TAG.match(tag)
    if not match:
        return None
    reference = match.group("ref").upper()
    if not hmac.compare_digest(match.group("sig").lower(), _signature(reference)):
        return None
    return Ticket.pk_from_reference(reference)


def ticket_pk_from_recipients(recipients: list[str]) -> tuple[int | None, bool]:
    """(the ticket a signed recipient names, whether any recipient carried a tag at all)."""
    tagged = False
    for address in recipients:
        local = parseaddr(address)[1].partition("@")[0]
        if "+" in local:
            tagged = tagged or bool(_TAG.match(local.partition("+")[2]))
            pk = ticket_pk_from_address(address)
            if pk is not None:
                return pk, True
    return None, tagged
