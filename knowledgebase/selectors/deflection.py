"""The deflection rate (DESIGN.md): submissions abandoned after "this solved it" ÷ submissions started."""

from datetime import datetime

from django.db.models import Count, Q

from helpdesk.models import SubmissionAttempt


def deflection_rate(*, start: datetime, end: datetime) -> dict:
    """Over attempts started in [start, end): {"started", "deflected", "rate"} — rate None if none started."""
    counts = SubmissionAttempt.objects.filter(started_at__gte=start, started_at__lt=end).aggregate(
        started=Count("pk"),
        deflected=Count("pk", filter=Q(outcome=SubmissionAttempt.Outcome.DEFLECTED)),
    )
    started, deflected = counts["started"], counts["deflected"]
    return {"started": started, "deflected": deflected, "rate": deflected / started if started else None}
