"""The mail relay's door: POST a raw RFC 822 message, authenticated by the mailbox's secret.

    POST /helpdesk/mail/relay/<mailbox id>/
    Authorization: Bearer <relay secret>
    Content-Type: message/rfc822

202 with what became of it (`outcome`), 401 for a wrong secret or unknown mailbox (the same
answer, compared in constant time), 413 over MAIL_MAX_BYTES (refused before the body is
read), 400 for an empty body. Posting the same message twice is harmless (Message-ID).
"""

import hmac

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from helpdesk.models import Mailbox

from .inbound import receive

# Compared against when the mailbox does not exist, so its absence takes as long as a
# wrong secret and answers the same.
_NO_SECRET = "x" * 48


def _bearer(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@csrf_exempt
@require_POST
def relay(request: HttpRequest, mailbox_id: int) -> JsonResponse:
    mailbox = Mailbox.objects.filter(pk=mailbox_id, source=Mailbox.Source.RELAY, is_active=True).first()
    expected = mailbox.relay_secret if mailbox and mailbox.relay_secret else _NO_SECRET
    if not hmac.compare_digest(_bearer(request).encode(), expected.encode()) or mailbox is None:
        return JsonResponse({"detail": "Authentication failed."}, status=401)
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    limit = settings.MAIL_MAX_BYTES
    if declared > limit:
        return JsonResponse({"detail": f"The message is larger than {limit} bytes."}, status=413)
    raw = request.read(limit + 1)  # the stream, not request.body: DATA_UPLOAD_MAX_MEMORY_SIZE is for forms
    if len(raw) > limit:
        return JsonResponse({"detail": f"The message is larger than {limit} bytes."}, status=413)
    if not raw.strip():
        return JsonResponse({"detail": "The body must be a raw RFC 822 message."}, status=400)
    record = receive(mailbox=mailbox, raw=raw)
    return JsonResponse(
        {
            "id": record.pk,
            "message_id": record.message_id,
            "outcome": record.outcome,
            "reason": record.reason,
        },
        status=202,
    )
