"""`manage.py seed_demo` — what `make run` loads — plays its stories through the real doors."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from helpdesk.models import OutboundEmail, Ticket

pytestmark = pytest.mark.django_db


def test_the_demo_loads_through_the_services_and_a_second_run_adds_nothing():
    out = StringIO()
    # A tenth of the history `make run` plays is as good a proof and a tenth of the time.
    call_command("seed_demo", history=60, stdout=out)
    tickets = Ticket.objects.count()
    # And it leaves the planner statistics of what it loaded (ANALYZE), counted right.
    assert planned_ticket_rows() == tickets
    assert "tickets created" in out.getvalue()
    assert tickets >= 9
    # The stories opened by mail and phone (and some of the history's chats) lacked what their
    # category needs: they were accepted, flagged and their requesters asked. The portal and
    # the API refuse vague requests, so none of theirs is flagged.
    flagged = Ticket.objects.filter(needs_details=True)
    channels = {t.channel for t in flagged}
    assert {"email", "phone"} <= channels <= {"email", "phone", "chat", "forum"}
    assert OutboundEmail.objects.filter(kind="details_needed").count() == flagged.count()

    call_command("seed_demo", history=60, stdout=StringIO())
    assert Ticket.objects.count() == tickets


def planned_ticket_rows() -> int:
    """How many tickets the query planner believes there are (0 before any ANALYZE)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Each row's stat starts with the table's row count as ANALYZE found it.
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'helpdesk_ticket'")
            return max((int(stat.split()[0]) for (stat,) in cursor.fetchall()), default=0)
        # reltuples is -1 until a table was first analysed (PostgreSQL 14+); ANALYZE sets it
        # inside this test's transaction.
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'helpdesk_ticket'")
        return int(cursor.fetchone()[0])
