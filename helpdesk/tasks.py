"""Background tasks (django.tasks): enqueued from transaction.on_commit, never inline."""

from django.tasks import task

from helpdesk.services import outbox


@task()
def send_outbound_email(*, email_id: int) -> str:
    return outbox.deliver(email_id=email_id)


@task()
def flush_outbox() -> dict[str, int]:
    return outbox.flush_outbox()
