"""Background tasks (django.tasks): enqueued from transaction.on_commit, never inline."""

from django.tasks import task

from .services import digests


@task()
def send_forum_digests() -> int:
    """Queue the digests that are due (scheduled for when a burst's first line is due)."""
    return digests.send_due_digests()
