"""How people are named in API answers: customers see staff by first name, never their email."""

from django.utils.translation import gettext as _

from helpdesk.models import User


def display_name(person: User | None, *, viewer: User | None) -> str | None:
    """`person` as `viewer` may see them.

    Agents see everyone's full name (or email); customers see `User.name_for_customers`
    (staff by first name, never a staff address).
    """
    if person is None:
        return None
    if viewer is not None and viewer.is_authenticated and viewer.is_staff:
        return person.get_full_name()
    return person.name_for_customers() or _("Support team")
