"""The submission wizard's demo history, recorded through the deflection services.

Each web ticket of the demo's ninety days was preceded by its wizard attempt: the customer
typed the summary, saw the suggestions, went on to the form and submitted. Beside those,
customers whose question an article answered said "this solved my problem" (the article is
a real one of the knowledge base, in their language), and a few went on to the form and left.
That gives the managers' deflection rate the history a real portal would have. Deterministic
and idempotent: nothing is recorded when there are attempts already.
"""

import random
from datetime import datetime, timedelta

from django.db import transaction

from helpdesk.models import Channel, CustomerProfile, Ticket
from knowledgebase.models import Article, Kind, Visibility
from portal.models import SubmissionAttempt
from portal.services import deflection

DAYS = 90
SEED = 20261202
DEFLECTED_PER_TICKET = 0.3  # about one solved by an article for every three web tickets
LEFT_PER_TICKET = 0.08
LIMIT = 2000


def seed_attempts(*, now: datetime) -> int:
    """Record the wizard's attempts of the last DAYS days; returns how many."""
    if SubmissionAttempt.objects.exists():
        return 0
    rng = random.Random(SEED)
    start = now - timedelta(days=DAYS)
    # The newest LIMIT at most: on a database that also holds `seed_demo --tickets N`'s bulk
    # tickets the demo's history is what matters, not a wizard attempt per generated ticket.
    newest = (
        Ticket.objects.filter(channel=Channel.WEB, created_at__gte=start, merged_into__isnull=True)
        .select_related("requester")
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    tickets = sorted(newest, key=lambda ticket: (ticket.created_at, ticket.pk))
    made = 0
    for ticket in tickets:
        with transaction.atomic():
            began = ticket.created_at - timedelta(seconds=rng.randint(90, 900))
            attempt = deflection.start_submission(user=ticket.requester, summary=ticket.subject, now=began)
            deflection.record_continue(attempt_id=attempt.pk, user=ticket.requester, now=began)
            deflection.link_ticket(
                attempt_id=attempt.pk, user=ticket.requester, ticket=ticket, now=ticket.created_at
            )
        made += 1
    articles = list(
        Article.objects.live(now=now)
        .filter(visibility=Visibility.PUBLIC, kind__in=(Kind.ARTICLE, Kind.FAQ))
        .order_by("pk")
        .values_list("title", "slug")
    )
    english = [a for a in articles if a[0].isascii()]
    chinese = [a for a in articles if not a[0].isascii()]
    customers = list(
        CustomerProfile.objects.select_related("user").filter(user__is_active=True).order_by("pk")
    )
    if not customers or not (english or chinese):
        return made
    for _ in range(round(len(tickets) * (DEFLECTED_PER_TICKET + LEFT_PER_TICKET))):
        profile = rng.choice(customers)
        pool = (english if profile.language == "en" else chinese) or articles
        title, slug = rng.choice(pool)
        began = start + timedelta(seconds=rng.randrange(DAYS * 86400))
        with transaction.atomic():
            attempt = deflection.start_submission(user=profile.user, summary=title, now=began)
            if rng.random() < DEFLECTED_PER_TICKET / (DEFLECTED_PER_TICKET + LEFT_PER_TICKET):
                deflection.record_deflection(
                    attempt_id=attempt.pk,
                    user=profile.user,
                    url=Article(slug=slug).get_absolute_url(),
                    title=title,
                    now=began + timedelta(seconds=rng.randint(40, 400)),
                )
            else:  # on to the form, then gone
                deflection.record_continue(attempt_id=attempt.pk, user=profile.user, now=began)
        made += 1
    return made
