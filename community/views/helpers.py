"""Bits every forum view shares: kept uploads, numbers from the query string, redirects."""

from dataclasses import dataclass

from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from helpdesk.services import staging
from helpdesk.services.staging import StagedFile, StagedUploads


@dataclass(frozen=True)
class KeptUploads:
    """The form's data with its staging token, the files kept so far and refused uploads."""

    data: QueryDict
    staged: StagedUploads
    kept: list[StagedFile]
    errors: list


def keep_uploads(request: HttpRequest) -> KeptUploads:
    """Keep valid uploads across a re-display (a refused post never loses its files)."""
    token = staging.valid_token(request.POST.get("staging")) or staging.new_token()
    user_id = request.user.pk
    staging.remove_staged(user_id=user_id, token=token, keys=request.POST.getlist("remove_files"))
    kept, errors = staging.stage_uploads(
        user_id=user_id, token=token, uploads=request.FILES.getlist("attachments")
    )
    data = request.POST.copy()
    data["staging"] = token
    return KeptUploads(
        data=data, staged=StagedUploads(user_id=user_id, token=token), kept=kept, errors=errors
    )


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
