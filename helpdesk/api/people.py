"""How people are named in API answers: customers see staff by first name, never their email."""

from helpdesk.models import User


def display_name(person: User | None, *, viewer: User | None) -> str | None:
    """`person` as `viewer` may see them.

    Agents see everyone's full name (or email); customers see staff by first name, never a
    staff address (`User.name_shown_to`).
    """
    if person is None:
        return None
    return person.name_shown_to(staff=viewer is not None and viewer.is_authenticated and viewer.is_staff)
