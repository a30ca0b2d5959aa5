"""Access helpers shared by the portal views."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def customer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in and linked to an organization; agents are sent to their workspace."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(request.user, "customer_profile", None) is None:
            messages.warning(
                request,
                _("Only customers of a registered organization can submit and follow requests here."),
            )
            return redirect("admin:index" if request.user.is_staff else "portal:home")
        return view(request, *args, **kwargs)

    return wrapper
