"""Who is signing in, from where, and how often: the django-axes wiring and the attempt gate.

Settings point here (`# --- Login lockout (django-axes) ---` in config/settings/base.py):
`AXES_USERNAME_CALLABLE`, `AXES_CLIENT_IP_CALLABLE`, `AXES_LOCKOUT_CALLABLE`, and
`LoginAttemptGate` in AUTHENTICATION_BACKENDS. They serve every path that calls
`django.contrib.auth.authenticate` with a request: the portal sign-in and `/admin/login/`.

Why a gate next to axes: axes checks the failure count before the password is checked and
records the failure afterwards, so N requests sent at once all pass the check
(jazzband/django-axes#592, closed as "won't fix"). The gate takes one of FAILURE_LIMIT slots
per username and per client address *before* the password is checked, with an atomic cache
add, so at most FAILURE_LIMIT passwords are tried per cool-off however many requests arrive
together. Axes still keeps the records, answers later attempts and renders the lockout.
"""

import logging

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.http import client_ip as core_client_ip
from portal.services import limits

logger = logging.getLogger(__name__)

# AccessAttempt.username is a varchar(255); PostgreSQL refuses a longer value with an error.
USERNAME_MAX_LENGTH = 255


def normalise_username(value: str) -> str:
    """Emails are matched case-insensitively (EmailBackend), so every spelling shares one counter."""
    return value.strip().lower()[:USERNAME_MAX_LENGTH]


def client_ip(request: HttpRequest) -> str | None:
    """The client's address (core.http.client_ip); kept here because settings name this path."""
    return core_client_ip(request)


def login_username(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """The username axes counts for a request: the email typed, normalised."""
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if value is None and request is not None:
        value = request.POST.get("username")
    return normalise_username(value) if isinstance(value, str) and value.strip() else None


def cooloff_minutes(request: HttpRequest | None = None) -> int:
    cool_off = get_cool_off(request)
    return max(int(cool_off.total_seconds() // 60), 1) if cool_off else 0


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page for a locked-out sign-in, on the portal and the admin alike."""
    context = {"cooloff_minutes": cooloff_minutes(request)}
    return render(request, "portal/account/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def _username_bucket(username: str) -> str:
    return f"login:username:{username}"


def _ip_bucket(ip: str) -> str:
    return f"login:ip:{ip}"


class LoginAttemptGate:
    """Authentication backend that counts an attempt before the password is checked.

    Placed after AxesStandaloneBackend and before the backend that checks passwords. It never
    authenticates anyone: it returns None to let the next backend try, or raises
    PermissionDenied, which makes `authenticate` give up and send `user_login_failed` (axes
    records the failure) and flags the request so AxesMiddleware answers with the lockout page.
    """

    def authenticate(self, request, username=None, password=None, **credentials):
        if request is None or not settings.AXES_ENABLED:
            return None
        name = normalise_username(username or credentials.get("email") or "")
        limit = get_failure_limit(request, credentials)
        window = get_cool_off(request)
        buckets = [_username_bucket(name)] if name else []
        ip = client_ip(request)
        if ip:
            buckets.append(_ip_bucket(ip))
        for bucket in buckets:
            if limits.take_slot(bucket=bucket, limit=limit, window=window, label=name) is None:
                logger.warning("sign-in refused before the password check: %s is out of attempts", bucket)
                request.axes_locked_out = True
                raise PermissionDenied
        # No get_user(): Django's test client and session code take the first backend that
        # has one as the backend that signs users in.
        return None


def forget_failures(*, username: str, ip: str | None) -> None:
    """Clear one account's failed sign-ins (after it signed in, or reset its password).

    Only that account's: axes's own AXES_RESET_ON_SUCCESS would also wipe the address's
    failures against every other account, so an attacker could guess four passwords on a
    victim, sign in to an account of their own, and start again.
    """
    username = normalise_username(username)
    AxesProxyHandler.reset_attempts(username=username)
    limit = get_failure_limit(None, None)
    limits.clear_bucket(bucket=_username_bucket(username), limit=limit)
    if ip:
        limits.release_labelled(bucket=_ip_bucket(ip), limit=limit, label=username)


# Connected on import: this module is imported with the portal's URLconf (portal.views.auth),
# which every request loads before any sign-in can happen.
@receiver(user_logged_in, dispatch_uid="portal.security.reset_on_success")
def _reset_on_success(sender, request, user, **kwargs) -> None:
    if request is None or not settings.AXES_ENABLED:
        return
    forget_failures(username=user.get_username(), ip=client_ip(request))
