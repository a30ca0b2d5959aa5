"""The demo history: distinct stories, searchable error codes, something true in every chart."""

import re

import pytest
from django.db import transaction
from django.test import TestCase

from core import clock
from helpdesk.demo.seed import seed_people, seed_reference_data
from helpdesk.demo.stories import seed_history
from helpdesk.models import Ticket
from helpdesk.search import matching_ticket_ids

# On one worker: the history is seeded once for the module (see `history`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-history")]
CODE = re.compile(r"\b(ERR-\d{4}|LIC-\d{3}|F5 \d{3}|EF04|HTTP 401)\b")


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    """Sixty stories played once for the module (~5 s), in a transaction rolled back after its
    last test; each test runs in a savepoint inside it, as it would in its own transaction."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = seed_reference_data()
            people = seed_people(world)
            with TestCase.captureOnCommitCallbacks(execute=True):
                made = seed_history(world, people, now=clock.now(), count=60)
            yield made, people
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_every_ticket_tells_its_own_story(history):
    made, _people = history
    tickets = list(Ticket.objects.values("subject", "symptoms", "error_message", "organization__timezone"))
    assert made == len(tickets) >= 50
    assert len({t["subject"] for t in tickets}) == len(tickets)
    assert len({t["symptoms"] for t in tickets}) == len(tickets)
    english = [t for t in tickets if t["organization__timezone"].startswith(("Europe/", "America/"))]
    assert english and all(not re.search(r"[\u4e00-\u9fff]", t["symptoms"]) for t in english)


def test_searching_an_error_code_finds_exactly_the_tickets_that_have_it(history):
    """Every ticket whose error message has the code, or for a duplicate merged away (it leaves
    the index) the ticket it was merged into; never the merged ticket itself."""
    _made, people = history
    agent = people["agent@example.com"]
    by_code: dict[str, set[int]] = {}
    merged: set[int] = set()
    for pk, error, into in Ticket.objects.values_list("pk", "error_message", "merged_into_id"):
        for code in CODE.findall(error):
            by_code.setdefault(code, set()).add(into or pk)
        if into:
            merged.add(pk)
    assert len(by_code) >= 4
    for code, pks in by_code.items():
        assert len(pks) < Ticket.objects.count() / 2, code
        found = set(matching_ticket_ids(query=code, user=agent))
        assert pks <= found and not found & merged, code


def test_the_history_has_breaches_pauses_reopenings_merges_and_ratings(history):
    tickets = Ticket.objects.all()
    assert tickets.filter(first_response_breached=True).exists()
    assert tickets.filter(first_response_breached=False, first_response_at__isnull=False).exists()
    assert tickets.filter(events__kind="sla_paused").exists()
    assert tickets.filter(ratings__score__isnull=False).values("ratings__score").distinct().count() >= 3
    assert tickets.filter(channel="email").exists() and tickets.filter(channel="web").exists()


def test_seeding_twice_adds_nothing(history, django_capture_on_commit_callbacks):
    made, people = history
    world = seed_reference_data()
    with django_capture_on_commit_callbacks(execute=True):
        assert seed_history(world, seed_people(world), now=clock.now(), count=60) == 0
    assert Ticket.objects.count() == made
