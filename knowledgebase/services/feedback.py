"""Readers' votes and view counts."""

import threading
import time
from collections import Counter
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core.clock import resolve_now
from knowledgebase.models import Article, ArticleFeedback
from search.services import set_popularity

from .articles import DOC_TYPE


@transaction.atomic
def record_vote(
    *,
    article: Article,
    user,
    session_key: str,
    helpful: bool,
    comment: str = "",
    now: datetime | None = None,
) -> ArticleFeedback:
    """One vote per signed-in user, else per session; voting again changes the earlier vote."""
    now = resolve_now(now)
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not session_key:
        raise ValidationError(_("Your browser did not keep a session; please enable cookies to vote."))
    lookup = {"user": user} if signed_in else {"user": None, "session_key": session_key}
    vote, _created = ArticleFeedback.objects.update_or_create(
        article=article,
        **lookup,
        defaults={
            "helpful": helpful,
            "comment": comment.strip()[:2000],
            "session_key": "" if signed_in else session_key,
            "created_at": now,
        },
    )
    set_popularity(
        doc_type=DOC_TYPE, object_id=article.pk, popularity=article.feedback.filter(helpful=True).count()
    )
    return vote


class ViewCounter:
    """Counts page views in memory and writes them in one batch per flush.

    A write per page view would serialise every reader behind SQLite's single writer. Each
    process flushes its own buffer after `max_pending` views or `max_age` seconds, so at
    most that many views are lost if a process dies.
    """

    def __init__(self, *, max_pending: int = 50, max_age: float = 60.0) -> None:
        self.max_pending = max_pending
        self.max_age = max_age
        self._pending: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._since = time.monotonic()

    def record(self, article_id: int) -> None:
        with self._lock:
            self._pending[article_id] += 1
            due = self._pending.total() >= self.max_pending or time.monotonic() - self._since >= self.max_age
        if due:
            self.flush()

    def pending(self) -> int:
        with self._lock:
            return self._pending.total()

    def flush(self) -> int:
        with self._lock:
            batch, self._pending = self._pending, Counter()
            self._since = time.monotonic()
        by_count: dict[int, list[int]] = {}
        for article_id, count in batch.items():
            by_count.setdefault(count, []).append(article_id)
        # One UPDATE per distinct count, not per article.
        with transaction.atomic():
            for count, ids in by_count.items():
                Article.objects.filter(pk__in=ids).update(view_count=F("view_count") + count)
        return batch.total()


view_counter = ViewCounter()


def record_view(*, article_id: int) -> None:
    view_counter.record(article_id)


def flush_view_counts() -> int:
    return view_counter.flush()
