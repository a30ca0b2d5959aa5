import time
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from helpdesk.services.sla_watch import run_sla_pass
from helpdesk.tests.sla.helpers import sh, team_with_lead, ticket_on
from helpdesk.models import Ticket

@pytest.mark.django_db
def test_perf():
    team = team_with_lead()
    t = ticket_on("advanced", now=sh(2025,11,3,9), team=team)
    for _ in range(299):
        t.pk = None; t.submission_key = None; t.save()
    Ticket.objects.filter(id__gt=0).update(sla_next_check_at=sh(2025,11,3,16))
    n = Ticket.objects.count()
    run_sla_pass(now=sh(2025,11,3,9))
    with CaptureQueriesContext(connection) as q:
        began = time.perf_counter(); r = run_sla_pass(now=sh(2025,11,3,16,1)); el = time.perf_counter()-began
    print("\nWARN", n, r, f"{el:.2f}s", len(q), "queries", len(q)/n)
    with CaptureQueriesContext(connection) as q:
        began = time.perf_counter(); r = run_sla_pass(now=sh(2025,11,3,18,1)); el = time.perf_counter()-began
    print("BREACH+ESCALATE", r, f"{el:.2f}s", len(q), "queries", len(q)/n)
    with CaptureQueriesContext(connection) as q:
        r = run_sla_pass(now=sh(2025,11,3,18,1))
    print("AGAIN", r, len(q))
