"""Background tasks (django.tasks): enqueued from transaction.on_commit, never inline."""

from django.tasks import task

from core import db_stats
from helpdesk import search
from helpdesk.models import BusinessCalendar
from helpdesk.services import calendars, http_outbox, intake, outbox, sla_watch, staging


@task()
def send_outbound_email(*, email_id: int) -> str:
    return outbox.deliver(email_id=email_id)


@task()
def announce_new_ticket(*, ticket_id: int, missing: list[str]) -> bool:
    """A new ticket's search indexing and mails, off the submitting request (queued by
    services.intake.open_ticket in the ticket's own transaction)."""
    return intake.announce_new_ticket(ticket_id=ticket_id, missing=missing)


def announce_new_tickets(calls: list[dict]) -> list[bool]:
    """Several `announce_new_ticket` tasks claimed together: one transaction and one delivery
    of their mails for all (services.task_batches runs them so)."""
    return intake.announce_new_tickets(tickets=[(call["ticket_id"], call["missing"]) for call in calls])


@task()
def optimize_database() -> bool:
    """Refresh stale planner statistics (`PRAGMA optimize` on SQLite; PostgreSQL's
    autovacuum does it by itself). The task worker runs it on a schedule."""
    return db_stats.optimize()


@task()
def flush_outbox() -> dict[str, int]:
    return outbox.flush_outbox()


@task()
def run_sla_pass_task(*, limit: int = 500) -> dict[str, int]:
    """One SLA watcher pass, for schedulers that enqueue tasks instead of running the loop."""
    return sla_watch.run_sla_pass(limit=limit).as_dict()


@task()
def recompute_due_times(*, calendar_id: int) -> int:
    """Move the due times of the open tickets on a calendar that changed (queued by
    services.calendars.calendar_changed); returns how many tickets' due times moved."""
    if not BusinessCalendar.objects.filter(pk=calendar_id).exists():  # deleted meanwhile
        return 0
    return calendars.recompute_open_tickets(calendar_id=calendar_id)


@task()
def reindex_ticket(*, ticket_id: int) -> bool:
    """Rewrite a ticket's search document with its whole conversation (queued by
    helpdesk.search.schedule_reindex); False when the ticket left the index instead."""
    return search.reindex_ticket_by_id(ticket_id)


@task()
def purge_staging() -> int:
    """Remove upload staging folders abandoned for a day; returns how many went."""
    return staging.purge_stale()


@task()
def send_maintenance_notices() -> int:
    """Mail subscribers about maintenance windows starting soon (scheduled when one is saved)."""
    from helpdesk.services import maintenance

    return maintenance.send_maintenance_notices()


@task()
def deliver_outbound_request(*, request_id: int) -> str:
    """Deliver one webhook or chat alert (queued by http_outbox.queue_request after commit)."""
    return http_outbox.deliver_request(request_id=request_id)


@task()
def flush_http_outbox() -> dict[str, int]:
    return http_outbox.flush_http_outbox()


# Tasks the worker runs together when one claim holds several (services/task_batches.py).
GROUP_RUNNERS = {announce_new_ticket.module_path: announce_new_tickets}
