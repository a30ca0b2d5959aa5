"""How people are named in API answers: customers see staff by first name, never their email."""

from django.utils.translation import gettext as _

from helpdesk.models import User


def display_name(person: User | None, *, viewer: User | None) -> str | None:
    """`person` as `viewer` may see them.

    Agents see everyone's full name (or email). Customers see a staff member by the first
    word of the full name (a Chinese name has no space and stays whole) and never a staff
    address; other customers (the viewer, colleagues of an org admin) by full name.
    """
    if person is None:
        return None
    if viewer is not None and viewer.is_authenticated and viewer.is_staff:
        return person.get_full_name()
    if person.is_staff:
        first = (person.full_name or "").split()
        return first[0] if first else _("Support team")
    return person.full_name or person.email.split("@")[0]
