"""Background tasks (django.tasks): enqueued from transaction.on_commit, never inline."""

from django.tasks import task

from helpdesk.services import outbox, sla_watch


@task()
def send_outbound_email(*, email_id: int) -> str:
    return outbox.deliver(email_id=email_id)


@task()
def flush_outbox() -> dict[str, int]:
    return outbox.flush_outbox()


@task()
def run_sla_pass_task(*, limit: int = 500) -> dict[str, int]:
    """One SLA watcher pass, for schedulers that enqueue tasks instead of running the loop."""
    return sla_watch.run_sla_pass(limit=limit).as_dict()
