"""Files a form keeps across re-displays: what every form with attachments does first, in the
portal (submission, replies) and in the forum (topics, posts)."""

from dataclasses import dataclass

from django.http import HttpRequest, QueryDict

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
    """Drop the files the user unticked, keep the new valid uploads, and say which were refused."""
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
