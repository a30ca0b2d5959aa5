"""`manage.py seed_portal` (run by `seed_demo`): the wizard's history behind the demo's web
tickets, and the customers an article helped, so the deflection rate has something to show."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from helpdesk.models import CustomerProfile
from helpdesk.tests.factories import CustomerFactory, submit
from knowledgebase.tests.factories import NOW, article
from portal.demo import DAYS, seed_attempts
from portal.models import SubmissionAttempt
from portal.selectors import deflection_rate

pytestmark = pytest.mark.django_db

Outcome = SubmissionAttempt.Outcome


def test_every_web_ticket_has_its_attempt_and_articles_answer_others_in_their_language():
    chinese, english = CustomerFactory(), CustomerFactory()
    CustomerProfile.objects.filter(user=english).update(language="en")
    zh_article = article(title="凭证生成失败：科目不存在", slug="account-missing", now=NOW)
    en_article = article(title="Voucher rejected: account missing", slug="en-account-missing", now=NOW)
    web = [submit(requester=chinese, now=NOW - timedelta(days=d)) for d in range(1, 80, 8)]
    submit(requester=chinese, now=NOW - timedelta(days=DAYS + 5))  # before the history
    submit(requester=english, channel="phone", now=NOW - timedelta(days=3))  # no wizard on the phone

    made = seed_attempts(now=NOW)

    submitted = SubmissionAttempt.objects.filter(outcome=Outcome.SUBMITTED)
    assert sorted(a.ticket_id for a in submitted) == sorted(t.pk for t in web)
    for attempt in submitted:
        assert attempt.summary == attempt.ticket.subject
        assert attempt.started_at < attempt.finished_at == attempt.ticket.created_at
    others = SubmissionAttempt.objects.exclude(outcome=Outcome.SUBMITTED).select_related("user")
    assert made == len(web) + others.count() and others.count() >= 1
    deflected = SubmissionAttempt.objects.filter(outcome=Outcome.DEFLECTED).select_related("user")
    assert deflected.exists()
    assert set(others.values_list("outcome", "ticket")) <= {
        (Outcome.DEFLECTED, None),
        (Outcome.CONTINUED, None),
    }
    for attempt in deflected:
        wanted = en_article if attempt.user == english else zh_article
        assert (attempt.summary, attempt.solved_by_url) == (wanted.title, wanted.get_absolute_url())
    rate = deflection_rate(start=NOW - timedelta(days=DAYS), end=NOW)
    assert rate["started"] == SubmissionAttempt.objects.count()
    assert rate["deflected"] == SubmissionAttempt.objects.filter(outcome=Outcome.DEFLECTED).count()

    call_command("seed_portal", stdout=(again := StringIO()))
    assert "already present" in again.getvalue()
    assert SubmissionAttempt.objects.count() == made
