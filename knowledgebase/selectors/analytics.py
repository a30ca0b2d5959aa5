"""Search analytics for editors: what people look for, what finds nothing, what ends in a ticket."""

from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, Exists, ExpressionWrapper, F, Max, OuterRef, Q

from helpdesk.models import Ticket
from knowledgebase.models import SearchQuery

# A ticket within this time after a search counts as "the search did not help".
TICKET_WINDOW = timedelta(hours=2)


def top_queries(*, start: datetime, end: datetime, limit: int = 20) -> list[dict]:
    return list(
        SearchQuery.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("query")
        .annotate(searches=Count("pk"), last=Max("created_at"))
        .order_by("-searches", "query")[:limit]
    )


def zero_result_queries(*, start: datetime, end: datetime, limit: int = 20) -> list[dict]:
    return list(
        SearchQuery.objects.filter(created_at__gte=start, created_at__lt=end, results=0)
        .values("query")
        .annotate(searches=Count("pk"), last=Max("created_at"))
        .order_by("-searches", "query")[:limit]
    )


def queries_followed_by_ticket(*, start: datetime, end: datetime, limit: int = 20) -> list[dict]:
    """Queries after which the same person opened a ticket within TICKET_WINDOW."""
    window_end = ExpressionWrapper(F("created_at") + TICKET_WINDOW, output_field=DateTimeField())
    ticket_after = Ticket.objects.filter(
        requester=OuterRef("user"),
        created_at__gte=OuterRef("created_at"),
        created_at__lt=OuterRef("window_end"),
    )
    return list(
        SearchQuery.objects.filter(created_at__gte=start, created_at__lt=end, user__isnull=False)
        .annotate(window_end=window_end)
        .filter(Exists(ticket_after))
        .values("query")
        .annotate(searches=Count("pk"), last=Max("created_at"))
        .order_by("-searches", "query")[:limit]
    )


def search_summary(*, start: datetime, end: datetime) -> dict:
    return SearchQuery.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        searches=Count("pk"), empty=Count("pk", filter=Q(results=0))
    )
