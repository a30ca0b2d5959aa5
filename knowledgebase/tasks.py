"""Background tasks of the knowledge base (django.tasks), enqueued after commit."""

from django.tasks import task

from knowledgebase.services import releases


@task()
def send_release_digests() -> int:
    """Mail the subscribers on older versions about the release notes published since."""
    return releases.send_release_digests()
