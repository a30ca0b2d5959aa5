"""SLA targets are one enum; where each lives on a ticket is one explicit table."""

from datetime import timedelta

import pytest
from django.db import models

from helpdesk.models import SLATarget, SlaTarget, Ticket, TicketEvent
from helpdesk.services.sla_watch import record_late_breach
from helpdesk.sla.clock import TARGET_FIELDS
from helpdesk.sla.status import badges_for
from helpdesk.tests.factories import submit

pytestmark = pytest.mark.django_db


def test_every_target_names_real_ticket_columns_and_snapshot_keys(monday_9am):
    assert set(TARGET_FIELDS) == set(SlaTarget)
    snapshot = submit(now=monday_9am).sla_snapshot
    for target, fields in TARGET_FIELDS.items():
        assert isinstance(Ticket._meta.get_field(fields.due_field), models.DateTimeField), target
        assert isinstance(Ticket._meta.get_field(fields.warned_field), models.BooleanField), target
        assert isinstance(Ticket._meta.get_field(fields.breached_field), models.BooleanField), target
        assert fields.minutes_key in snapshot, target
        SLATarget._meta.get_field(fields.minutes_key)  # the snapshot copies the plan's column


def test_targets_read_as_translated_labels():
    assert [str(target.label) for target in SlaTarget] == ["first response", "next response", "resolution"]


def test_a_late_reply_records_the_breach_of_its_target_once(monday_9am):
    ticket = submit(now=monday_9am)
    late = ticket.first_response_due_at + timedelta(minutes=5)

    record_late_breach(ticket, target=SlaTarget.FIRST_RESPONSE, due_at=ticket.first_response_due_at, now=late)
    record_late_breach(ticket, target=SlaTarget.FIRST_RESPONSE, due_at=ticket.first_response_due_at, now=late)

    assert ticket.first_response_breached
    assert not (ticket.next_response_breached or ticket.resolution_breached)
    [event] = ticket.events.filter(kind=TicketEvent.Kind.SLA_BREACHED)
    assert event.new_value == SlaTarget.FIRST_RESPONSE
    assert event.data["target"] == "first_response"
    assert event.new_display == "first response"


def test_a_late_breach_of_something_that_is_not_a_target_is_refused(monday_9am):
    ticket = submit(now=monday_9am)

    with pytest.raises(ValueError, match="'first_reply' is not a valid SlaTarget"):
        record_late_breach(ticket, target="first_reply", due_at=ticket.first_response_due_at, now=monday_9am)
    assert not ticket.events.filter(kind=TicketEvent.Kind.SLA_BREACHED).exists()


def test_the_badge_names_its_target_by_the_enum_and_its_label(monday_9am):
    ticket = submit(now=monday_9am)

    shown = badges_for([ticket], now=monday_9am + timedelta(hours=1))[ticket.pk]

    assert shown.target is SlaTarget.FIRST_RESPONSE
    assert shown.target_label == "first response"
