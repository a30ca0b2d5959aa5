"""Signed links in mail: the details form of a "needs details" ticket, for its requester.

The token names the ticket and expires; it proves the reader got our mail about it. A
requester without a password (a customer created from their first mail) is signed in by
it; anyone else signs in as usual and lands on the form.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from helpdesk.models import Ticket

SALT = "kuaixiang.details-link"
DETAILS_LINK_MAX_AGE = 14 * 24 * 3600


def details_token(ticket: Ticket) -> str:
    return signing.TimestampSigner(salt=SALT).sign(ticket.reference)


def details_url(ticket: Ticket) -> str:
    path = reverse("portal:ticket_complete", kwargs={"reference": ticket.reference})
    return f"{settings.PORTAL_BASE_URL}{path}?k={details_token(ticket)}"


def ticket_for_details_token(*, reference: str, token: str) -> Ticket | None:
    """The ticket the token was made for, if it names `reference` and has not expired."""
    try:
        signed = signing.TimestampSigner(salt=SALT).unsign(token or "", max_age=DETAILS_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if signed.upper() != (reference or "").upper():
        return None
    pk = Ticket.pk_from_reference(signed)
    return Ticket.objects.select_related("requester").filter(pk=pk).first() if pk else None
