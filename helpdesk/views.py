"""The only way to download an attachment: access checked, never rendered inline."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from helpdesk.models import Attachment
from helpdesk.selectors.tickets import access_attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file as a download that no browser renders or sniffs; the caller checked access
    (`access_attachment`). The site's page and the API's download both answer with this."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        # The row outlived its file (a restore without media): a 404, not a 500.
        raise Http404("The file is no longer stored.") from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    return attachment_response(access_attachment(request.user, pk))
