"""Readers' votes and view counts."""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core.clock import resolve_now
from core.db_retry import is_transient_lock_error
from knowledgebase.models import Article, ArticleFeedback
from search.services import set_popularity

from .articles import DOC_TYPE

logger = logging.getLogger(__name__)


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


def record_view(*, article_id: int) -> None:
    """Count one view, durably: a single atomic UPDATE, committed before the page renders.

    Counting in process memory and writing batches lost up to a batch whenever a process
    died or was recycled (gunicorn restarts workers), and every process held its own
    share. One `view_count = view_count + 1` holds SQLite's write lock for well under a
    millisecond and never races another increment. A view that cannot be counted because
    the lock stayed taken for the whole busy timeout is logged and the page still shows.
    """
    try:
        with transaction.atomic():
            Article.objects.filter(pk=article_id).update(view_count=F("view_count") + 1)
    except OperationalError as error:
        if not is_transient_lock_error(error):
            raise
        logger.warning("View of article %s not counted: %s", article_id, error)
