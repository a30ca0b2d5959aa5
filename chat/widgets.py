"""The chat button on every portal page (registered in core.registry.page_widgets)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.registry import PageWidget

from .selectors import Availability


def websocket_url(request) -> str:
    """Where the page opens its websocket: CHAT_WEBSOCKET_URL, else this host on CHAT_PORT
    (the daphne process of `make run`), else this host and port (daphne serving it all)."""
    if settings.CHAT_WEBSOCKET_URL:
        return settings.CHAT_WEBSOCKET_URL.rstrip("/")
    scheme = "wss" if request.is_secure() else "ws"
    host = request.get_host()
    if settings.CHAT_PORT:
        host = f"{host.rsplit(':', 1)[0] if ':' in host and not host.endswith(']') else host}:{settings.CHAT_PORT}"
    return f"{scheme}://{host}"


def _wait_label(wait: timedelta | None) -> str:
    if wait is None:
        return _("No recent chats to estimate the wait from.")
    minutes = int(wait.total_seconds() // 60)
    if minutes < 1:
        return _("An agent should answer within a minute.")
    return ngettext("About %(n)s minute.", "About %(n)s minutes.", minutes) % {"n": minutes}


def availability_payload(availability: Availability) -> dict:
    """The customer-facing summary, with the opening time in the customer's time zone."""
    opens = ""
    if availability.opens_at is not None:
        local = availability.opens_at.astimezone(ZoneInfo(availability.timezone))
        opens = _("Support opens %(when)s (%(tz)s).") % {
            "when": formats.date_format(local, "DATETIME_FORMAT"),
            "tz": availability.timezone,
        }
    if not availability.is_open:
        headline = _("Support is closed now.")
    elif availability.agents_free:
        headline = _("Agents are available now.")
    else:
        headline = _("All agents are busy.")
    return {
        "is_open": availability.is_open,
        "headline": headline,
        "agents_free": availability.agents_free,
        "place": availability.place,
        "place_label": (_("You are number %(n)s in the queue.") % {"n": availability.place})
        if availability.place
        else "",
        "wait_label": _wait_label(availability.expected_wait),
        "opens_label": opens,
        "offer_form": availability.offer_form,
    }


def chat_context(request) -> dict | None:
    # Error pages may render before the authentication middleware ran: no user, no button.
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or user.is_staff
        or getattr(user, "customer_profile", None) is None
    ):
        return None
    if request.resolver_match and request.resolver_match.namespace == "chat":
        return None
    return widget_context(request, embedded=False)


def widget_context(request, *, embedded: bool) -> dict:
    return {
        "embedded": embedded,
        "ws_url": websocket_url(request) + "/ws/chat/",
        "categories_url": reverse("chat:categories"),
        "suggest_url": reverse("chat:suggest"),
        "solved_url": reverse("chat:solved"),
        "upload_url": reverse("chat:upload"),
        "form_url": reverse("portal:submit"),
        "max_chars": settings.CHAT_MAX_MESSAGE_CHARS,
    }


CHAT_BUTTON = PageWidget(key="chat", template="chat/widget.html", context=chat_context)
