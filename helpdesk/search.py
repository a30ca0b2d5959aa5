"""Tickets in the shared search index (`search`), for the agents' ticket search.

The index is the project's one ranked engine (jieba words on SQLite FTS5 or PostgreSQL);
tickets are fed to it as agents-only documents of their own kind, in a collection of their
own (`Collection.TICKETS`: its own FTS5 table, its own partial GIN index), so no customer
search and no knowledge-base query ever reads, counts or ranks them. The agents' search is a
filter on the ticket queue: it asks for the ids of tickets that satisfy every term of the
query (synonyms and everyday phrasing count), by relevance and then recency, without
building a snippet for each.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from helpdesk.models import Ticket, TicketMessage
from search.models import Collection, SearchDocument
from search.selectors import matching_ids
from search.services import DocumentData, analyse_documents, index_documents, remove_document

logger = logging.getLogger(__name__)

DOC_TYPE = "ticket"
KIND = "ticket"
AGENTS_ONLY = "agents"
# Enough for a page of a changelist and then some; a search matching more than this is too
# broad to be read anyway (the admin says so).
MAX_MATCHES = 500

# The free-text parts of the description (the rest are flags, numbers and choices).
SEARCHED_FIELDS = (
    "symptoms",
    "error_message",
    "steps_to_reproduce",
    "expected_result",
    "actual_result",
    "environment",
    "impact",
    "voucher_numbers",
    "erp_version",
    "plugin_version",
)


def ticket_document(ticket: Ticket, messages: Iterable[str] = (), *, url: str | None = None) -> DocumentData:
    """The ticket's document; `url` (its admin change URL) when the caller already has it."""
    body = "\n".join([*(getattr(ticket, name) for name in SEARCHED_FIELDS), *messages])
    return DocumentData(
        doc_type=DOC_TYPE,
        object_id=str(ticket.pk),
        title=f"{ticket.reference} {ticket.subject}",
        url=url or reverse("admin:helpdesk_ticket_change", args=[ticket.pk]),
        kind=KIND,
        kind_label="Ticket",
        visibility=AGENTS_ONLY,
        body=body,
        tags=[ticket.organization.name, ticket.get_erp_system_display()],
        changed_at=ticket.updated_at,
        erp_systems=[ticket.erp_system] if ticket.erp_system else (),
        collection=Collection.TICKETS,
    )


def index_ticket(ticket: Ticket) -> None:
    """(Re)index one ticket with its whole conversation; call inside the writing transaction."""
    messages = TicketMessage.objects.filter(ticket=ticket).values_list("body", flat=True)
    index_documents([ticket_document(ticket, messages)])


def analyse_tickets(tickets: Iterable[Ticket]) -> list[SearchDocument]:
    """These tickets' index rows with their whole conversations (one read of their messages),
    analysed but not stored: call it before the write transaction and store the rows with
    `search.services.write_documents` inside it (the tokenizer is the slow part of indexing)."""
    tickets = list(tickets)
    messages: dict[int, list[str]] = {ticket.pk: [] for ticket in tickets}
    for ticket_id, body in TicketMessage.objects.filter(ticket__in=tickets).values_list("ticket_id", "body"):
        messages[ticket_id].append(body)
    return analyse_documents([ticket_document(ticket, messages[ticket.pk]) for ticket in tickets])


def schedule_reindex(ticket: Ticket) -> None:
    """Reindex the ticket with its whole conversation in the background, after commit.

    Reading every message of a long conversation is not the request's job: the task
    `reindex_ticket` does it once the writing transaction commits (at once outside one).
    Several calls for one ticket in one transaction queue one task; a rollback queues none.
    """
    callback = _ReindexAfterCommit(ticket.pk)
    connection = transaction.get_connection()
    # Django keeps the callbacks still due at commit here (those of a rolled-back savepoint
    # are dropped), so an equal one found means this ticket is already taken care of.
    if connection.in_atomic_block and any(func == callback for _, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(callback)


@dataclass(frozen=True)
class _ReindexAfterCommit:
    """The on_commit callback of schedule_reindex; equal per ticket, which deduplicates it."""

    ticket_id: int

    def __call__(self) -> None:
        from helpdesk.tasks import reindex_ticket

        try:
            reindex_ticket.enqueue(ticket_id=self.ticket_id)
        except Exception:  # the ticket is saved; `manage.py index_tickets` catches up
            logger.exception("could not enqueue the reindex of ticket %s", self.ticket_id)


@transaction.atomic
def reindex_ticket_by_id(ticket_id: int) -> bool:
    """The `reindex_ticket` task: index the ticket as it is now; True if it is in the index.

    A ticket merged (or deleted) since the task was queued leaves the index instead.
    """
    ticket = Ticket.objects.select_related("organization").filter(pk=ticket_id).first()
    if ticket is None or ticket.merged_into_id is not None:
        remove_document(doc_type=DOC_TYPE, object_id=ticket_id)
        return False
    index_ticket(ticket)
    return True


def index_tickets(tickets: Iterable[Ticket]) -> int:
    """Bulk variant for imports and generated data: description only, no conversations."""
    return index_documents(ticket_document(ticket) for ticket in tickets)


def unindex_ticket(ticket: Ticket) -> None:
    remove_document(doc_type=DOC_TYPE, object_id=ticket.pk)


def matching_ticket_ids(*, query: str, user) -> list[int]:
    """Ids of tickets that satisfy every term of `query`, most relevant then most recent first.

    Agents only: the documents are agents-only, so anyone else gets no ids.
    """
    ids = matching_ids(query=query, user=user, collection=Collection.TICKETS, kinds=[KIND], limit=MAX_MATCHES)
    return [int(object_id) for object_id in ids]
