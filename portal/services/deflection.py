"""Recording what happens in the portal's submission wizard, for the deflection rate.

The wizard calls `start_submission` when the user has typed a summary and seen suggestions;
then exactly one of `record_deflection` ("this solved my problem"), `record_continue` (on to
the form) and later `link_ticket` (the ticket was submitted). Attempts belong to their user:
another user's or an unknown id raises ValidationError and changes nothing.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.clock import resolve_now
from portal.models import SubmissionAttempt

Outcome = SubmissionAttempt.Outcome


def _own_attempt(*, attempt_id, user) -> SubmissionAttempt:
    if user is None or not user.is_authenticated:
        raise ValidationError(_("Unknown submission."))
    try:
        return SubmissionAttempt.objects.select_for_update().get(pk=attempt_id, user=user)
    except (SubmissionAttempt.DoesNotExist, ValueError, ValidationError):
        raise ValidationError(_("Unknown submission.")) from None


@transaction.atomic
def start_submission(*, user, summary: str, now: datetime | None = None) -> SubmissionAttempt:
    return SubmissionAttempt.objects.create(
        user=user, summary=(summary or "").strip()[:200], started_at=resolve_now(now)
    )


@transaction.atomic
def record_deflection(
    *, attempt_id, user, url: str, title: str, now: datetime | None = None
) -> SubmissionAttempt:
    """The user said a suggestion solved the problem; a submitted attempt stays submitted."""
    attempt = _own_attempt(attempt_id=attempt_id, user=user)
    if attempt.outcome == Outcome.SUBMITTED:
        return attempt
    attempt.outcome = Outcome.DEFLECTED
    attempt.solved_by_url = (url or "")[:300]
    attempt.solved_by_title = (title or "")[:200]
    attempt.finished_at = resolve_now(now)
    attempt.save(update_fields=["outcome", "solved_by_url", "solved_by_title", "finished_at"])
    return attempt


@transaction.atomic
def record_continue(*, attempt_id, user, now: datetime | None = None) -> SubmissionAttempt:
    """The user went past the suggestions to the full form."""
    attempt = _own_attempt(attempt_id=attempt_id, user=user)
    if attempt.outcome == Outcome.STARTED:
        attempt.outcome = Outcome.CONTINUED
        attempt.save(update_fields=["outcome"])
    return attempt


@transaction.atomic
def link_ticket(*, attempt_id, user, ticket, now: datetime | None = None) -> SubmissionAttempt:
    """The attempt ended in a ticket (even after an earlier "solved it": the ticket wins)."""
    attempt = _own_attempt(attempt_id=attempt_id, user=user)
    if ticket.requester_id != user.pk:
        raise ValidationError(_("Unknown submission."))
    attempt.outcome = Outcome.SUBMITTED
    attempt.ticket = ticket
    attempt.finished_at = resolve_now(now)
    attempt.save(update_fields=["outcome", "ticket", "finished_at"])
    return attempt
