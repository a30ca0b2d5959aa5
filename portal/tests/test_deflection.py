"""Deflection: the wizard's attempts, "this solved my problem" and the rate."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpdesk.tests.factories import CustomerFactory, submit
from knowledgebase.tests.factories import NOW, article
from portal.models import SubmissionAttempt
from portal.selectors import deflection_rate
from portal.services.deflection import link_ticket, record_continue, record_deflection, start_submission

pytestmark = pytest.mark.django_db

UNKNOWN = re.escape("Unknown submission.")


def test_deflection_is_recorded_with_what_solved_it():
    user = CustomerFactory()
    attempt = start_submission(user=user, summary="凭证生成失败", now=NOW)
    record_deflection(attempt_id=attempt.pk, user=user, url="/kb/a/x/", title="科目不存在", now=NOW)
    attempt.refresh_from_db()
    assert (attempt.outcome, attempt.solved_by_url, attempt.finished_at) == ("deflected", "/kb/a/x/", NOW)


def test_continuing_is_recorded():
    user = CustomerFactory()
    attempt = start_submission(user=user, summary="过账失败", now=NOW)
    record_continue(attempt_id=attempt.pk, user=user, now=NOW)
    attempt.refresh_from_db()
    assert attempt.outcome == SubmissionAttempt.Outcome.CONTINUED


def test_another_users_attempt_cannot_be_touched():
    attempt = start_submission(user=CustomerFactory(), summary="x", now=NOW)
    stranger = CustomerFactory()
    with pytest.raises(ValidationError, match=UNKNOWN):
        record_deflection(attempt_id=attempt.pk, user=stranger, url="/", title="", now=NOW)
    with pytest.raises(ValidationError, match=UNKNOWN):
        record_continue(attempt_id="not-a-uuid", user=stranger, now=NOW)
    attempt.refresh_from_db()
    assert attempt.outcome == "started"


def test_linking_a_ticket_marks_the_attempt_submitted():
    ticket = submit(now=NOW)
    attempt = start_submission(user=ticket.requester, summary="x", now=NOW)
    link_ticket(attempt_id=attempt.pk, user=ticket.requester, ticket=ticket, now=NOW)
    attempt.refresh_from_db()
    assert (attempt.outcome, attempt.ticket) == ("submitted", ticket)


def test_deflection_rate_is_deflected_over_started_and_none_when_empty():
    user = CustomerFactory()
    assert deflection_rate(start=NOW, end=NOW + timedelta(days=1))["rate"] is None
    for i in range(4):
        attempt = start_submission(user=user, summary=f"s{i}", now=NOW + timedelta(minutes=i))
        if i == 0:
            record_deflection(attempt_id=attempt.pk, user=user, url="/kb/", title="t", now=NOW)
    start_submission(user=user, summary="outside", now=NOW + timedelta(days=2))
    assert deflection_rate(start=NOW, end=NOW + timedelta(days=1)) == {
        "started": 4,
        "deflected": 1,
        "rate": 0.25,
    }


def test_deflect_records_and_redirects_to_the_article_with_thanks(client):
    user = CustomerFactory()
    item = article()
    attempt = start_submission(user=user, summary="凭证生成失败")
    client.force_login(user)
    response = client.post(
        reverse("portal:submit_deflect"),
        {"attempt": attempt.pk, "url": item.get_absolute_url(), "title": item.title},
    )
    assert response.status_code == 302 and response.url == item.get_absolute_url()
    attempt.refresh_from_db()
    assert attempt.outcome == "deflected"


def test_deflect_ignores_foreign_urls_and_unknown_attempts(client):
    user = CustomerFactory()
    attempt = start_submission(user=user, summary="x")
    client.force_login(user)
    response = client.post(
        reverse("portal:submit_deflect"), {"attempt": attempt.pk, "url": "https://evil.example/"}
    )
    assert response.url == reverse("knowledgebase:home")
    response = client.post(reverse("portal:submit_deflect"), {"attempt": uuid.uuid4(), "url": "/kb/"})
    assert response.status_code == 302


def test_deflect_requires_sign_in(client):
    response = client.post(reverse("portal:submit_deflect"), {"attempt": uuid.uuid4(), "url": "/kb/"})
    assert response.status_code == 302 and "login" in response.url
