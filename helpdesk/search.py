"""Tickets in the shared search index (knowledgebase.search), for the agents' ticket search.

The index is the project's one full-text engine (CJK bigrams on SQLite FTS5 or PostgreSQL);
tickets are fed to it as agents-only documents of their own kind, so no customer search and
no knowledge-base page ever shows them.
"""

from collections.abc import Iterable

from django.urls import reverse

from helpdesk.models import Ticket, TicketMessage
from search.selectors import search
from search.services import DocumentData, index_documents, remove_document

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


def ticket_document(ticket: Ticket, messages: Iterable[str] = ()) -> DocumentData:
    body = "\n".join([*(getattr(ticket, name) for name in SEARCHED_FIELDS), *messages])
    return DocumentData(
        doc_type=DOC_TYPE,
        object_id=str(ticket.pk),
        title=f"{ticket.reference} {ticket.subject}",
        url=reverse("admin:helpdesk_ticket_change", args=[ticket.pk]),
        kind=KIND,
        kind_label="Ticket",
        visibility=AGENTS_ONLY,
        body=body,
        tags=[ticket.organization.name, ticket.get_erp_system_display()],
    )


def index_ticket(ticket: Ticket) -> None:
    """(Re)index one ticket with its whole conversation; call inside the writing transaction."""
    messages = TicketMessage.objects.filter(ticket=ticket).values_list("body", flat=True)
    index_documents([ticket_document(ticket, messages)])


def index_tickets(tickets: Iterable[Ticket]) -> int:
    """Bulk variant for imports and generated data: description only, no conversations."""
    return index_documents(ticket_document(ticket) for ticket in tickets)


def unindex_ticket(ticket: Ticket) -> None:
    remove_document(doc_type=DOC_TYPE, object_id=ticket.pk)


def matching_ticket_ids(*, query: str, user) -> list[int]:
    """Ids of tickets whose text matches `query` (agents only: the index says so)."""
    results = search(query=query, user=user, kinds=[KIND], limit=MAX_MATCHES, count=False)
    return [int(hit.object_id) for hit in results.hits if hit.doc_type == DOC_TYPE]
