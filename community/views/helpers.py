"""Bits every forum view shares: numbers from the query string, redirects."""

from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def int_param(value: str | None, default: int | None = None, *, maximum: int = 2**31) -> int | None:
    try:
        number = int(value or "")
    except (TypeError, ValueError):
        return default
    return number if 0 < number <= maximum else default


def back_to(request: HttpRequest, fallback: str):
    """Redirect to the page the form came from when it is ours, else to `fallback`."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)
