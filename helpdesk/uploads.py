"""Files a form keeps across re-displays: what every form with attachments does first, in the
portal (submission, replies) and in the forum (topics, posts)."""

from dataclasses import dataclass
from typing import Any

from django import forms
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


class StagedFilesForm(forms.Form):
    """A form whose `attachments` (declared by the subclass, with its own label) are kept
    across re-displays by `keep_uploads`: the uploads it refused come in as `upload_errors`
    and show on that field, and `staging` carries the token of the files kept so far."""

    staging = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, upload_errors: list | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.upload_errors = upload_errors or []

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for error in self.upload_errors:
            self.add_error("attachments", error)
        return data
