import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import Status, TicketMessage
from helpdesk.tests.factories import AgentFactory, CustomerFactory, submit
from knowledgebase.models import Article, ArticleFeedback, ArticleStatus
from knowledgebase.services import articles as svc
from knowledgebase.services.feedback import record_view, record_vote
from knowledgebase.services.training import cancel_signup, sign_up
from search.selectors import search

from .factories import NOW, TrainingSessionFactory, article

pytestmark = pytest.mark.django_db


# --- revisions -----------------------------------------------------------------------------
def test_every_published_edit_is_kept_as_a_revision():
    item = article(title="v1", body_md="第一版")
    item.body_md = "第二版"
    svc.save_article(article=item, now=NOW)
    assert list(item.revisions.values_list("number", "body_md")) == [(2, "第二版"), (1, "第一版")]


def test_draft_edits_are_not_revisions_and_saving_unchanged_text_adds_none():
    item = article(status=ArticleStatus.DRAFT)
    item.body_md = "改了草稿"
    svc.save_article(article=item, now=NOW)
    assert item.revisions.count() == 0
    svc.publish_article(article=item, now=NOW)
    svc.save_article(article=item, now=NOW)
    assert item.revisions.count() == 1


def test_restoring_a_revision_brings_back_its_text_as_a_new_revision():
    item = article(title="原标题", body_md="原文")
    item.title, item.body_md = "新标题", "新文"
    svc.save_article(article=item, now=NOW)
    svc.restore_revision(revision=item.revisions.get(number=1), now=NOW)
    item.refresh_from_db()
    assert (item.title, item.body_md) == ("原标题", "原文")
    assert item.revisions.first().number == 3
    assert "原文" in item.body_html


def test_body_is_rendered_and_sanitised_on_save():
    item = article(body_md="**加粗** <script>alert(1)</script>")
    assert "<strong>加粗</strong>" in item.body_html
    assert "script" not in item.body_html


def test_scheduled_publication_is_invisible_until_its_time():
    item = article(status=ArticleStatus.DRAFT)
    svc.publish_article(article=item, at=NOW + timedelta(hours=2), now=NOW)
    anon = AnonymousUser()
    assert not Article.objects.live(now=NOW).filter(pk=item.pk).exists()
    assert search(query="凭证", user=anon, now=NOW).hits == []
    assert search(query="凭证", user=anon, now=NOW + timedelta(hours=3)).hits


def test_draft_from_a_resolved_ticket_uses_its_problem_and_last_agent_reply():
    ticket = submit(now=NOW)
    agent = AgentFactory()
    TicketMessage.objects.create(ticket=ticket, kind=TicketMessage.Kind.PUBLIC_REPLY, author=agent,
                                 body="请在凭证规则中重新选择科目 1122。", created_at=NOW)  # fmt: skip
    ticket.status = Status.RESOLVED
    ticket.save(update_fields=["status"])
    draft = svc.draft_article_from_ticket(ticket=ticket, editor=agent, now=NOW)
    assert draft.status == ArticleStatus.DRAFT
    assert draft.title == ticket.subject
    assert "ERR-4012" in draft.body_md and "重新选择科目 1122" in draft.body_md
    assert draft.source_ticket == ticket


def test_an_open_ticket_cannot_become_an_article():
    ticket = submit(now=NOW)
    with pytest.raises(
        ValidationError, match=re.escape("Only a resolved or closed ticket can become an article.")
    ):
        svc.draft_article_from_ticket(ticket=ticket, now=NOW)


# --- votes and views -----------------------------------------------------------------------
def test_a_user_has_one_vote_per_article_and_can_change_it():
    item, user = article(), CustomerFactory()
    record_vote(article=item, user=user, session_key="", helpful=True, now=NOW)
    record_vote(article=item, user=user, session_key="", helpful=False, comment="步骤少了一步", now=NOW)
    vote = ArticleFeedback.objects.get()
    assert (vote.helpful, vote.comment) == (False, "步骤少了一步")


def test_anonymous_votes_are_one_per_session():
    item, anon = article(), AnonymousUser()
    record_vote(article=item, user=anon, session_key="s1", helpful=True, now=NOW)
    record_vote(article=item, user=anon, session_key="s1", helpful=True, now=NOW)
    record_vote(article=item, user=anon, session_key="s2", helpful=False, now=NOW)
    assert ArticleFeedback.objects.count() == 2


def test_anonymous_vote_without_a_session_is_refused():
    item = article()
    no_session = "Your browser did not keep a session; please enable cookies to vote."
    with pytest.raises(ValidationError, match=re.escape(no_session)):
        record_vote(article=item, user=AnonymousUser(), session_key="", helpful=True, now=NOW)
    assert ArticleFeedback.objects.count() == 0


def test_a_view_is_one_atomic_increment_in_the_database_when_it_returns():
    item, other = article(), article()
    with CaptureQueriesContext(connection) as queries:
        record_view(article_id=item.pk)
    updates = [q["sql"] for q in queries if "knowledgebase_article" in q["sql"]]
    assert len(updates) == 1 and updates[0].startswith("UPDATE")
    assert '"view_count" = ("knowledgebase_article"."view_count" + 1)' in updates[0]
    record_view(article_id=item.pk)
    # Nothing waits in a process's memory: the count is in the table already.
    assert dict(Article.objects.filter(pk__in=[item.pk, other.pk]).values_list("pk", "view_count")) == {
        item.pk: 2,
        other.pk: 0,
    }


def test_a_view_that_cannot_get_the_write_lock_is_logged_not_an_error(monkeypatch, caplog):
    from django.db import OperationalError
    from django.db.models.query import QuerySet

    item = article()

    def locked(self, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(QuerySet, "update", locked)
    record_view(article_id=item.pk)
    assert "not counted" in caplog.text


def test_other_database_errors_while_counting_are_not_swallowed(monkeypatch):
    from django.db import OperationalError
    from django.db.models.query import QuerySet

    item = article()

    def broken(self, **kwargs):
        raise OperationalError("no such column: view_count")

    monkeypatch.setattr(QuerySet, "update", broken)
    with pytest.raises(OperationalError):
        record_view(article_id=item.pk)


# --- training ------------------------------------------------------------------------------
def test_sign_up_refuses_when_the_session_is_full():
    session = TrainingSessionFactory(capacity=2)
    sign_up(session=session, user=CustomerFactory(), now=NOW)
    sign_up(session=session, user=CustomerFactory(), now=NOW)
    third = CustomerFactory()
    with pytest.raises(ValidationError, match=re.escape("This session is full.")):
        sign_up(session=session, user=third, now=NOW)
    assert session.signups.count() == 2


def test_signing_up_twice_takes_one_seat():
    session, user = TrainingSessionFactory(capacity=1), CustomerFactory()
    sign_up(session=session, user=user, now=NOW)
    sign_up(session=session, user=user, now=NOW)
    assert session.signups.count() == 1


def test_cancelling_frees_the_seat():
    session, first, second = TrainingSessionFactory(capacity=1), CustomerFactory(), CustomerFactory()
    sign_up(session=session, user=first, now=NOW)
    assert cancel_signup(session=session, user=first, now=NOW) is True
    sign_up(session=session, user=second, now=NOW)
    assert list(session.signups.values_list("user", flat=True)) == [second.pk]


def test_no_sign_up_after_the_session_started_or_when_cancelled():
    started = TrainingSessionFactory(starts_at=NOW - timedelta(minutes=1))
    cancelled = TrainingSessionFactory(is_cancelled=True)
    user = CustomerFactory()
    with pytest.raises(ValidationError, match=re.escape("This session has already started.")):
        sign_up(session=started, user=user, now=NOW)
    with pytest.raises(ValidationError, match=re.escape("This session has been cancelled.")):
        sign_up(session=cancelled, user=user, now=NOW)
    assert not started.signups.exists() and not cancelled.signups.exists()
