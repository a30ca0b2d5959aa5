"""Tickets, their conversation, files and audit trail."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    STATUS_TRANSITIONS,
    Channel,
    ErpSystem,
    Priority,
    Status,
)

REFERENCE_PREFIX = "KX-"
# The structured problem description, in the order forms show it. One list for the portal
# form, the agents' add form, the API serializer and the intake service.
DESCRIPTION_FIELDS: tuple[str, ...] = (
    "symptoms",
    "occurred_at",
    "long_standing",
    "error_message",
    "no_error_shown",
    "steps_to_reproduce",
    "expected_result",
    "actual_result",
    "erp_system",
    "erp_version",
    "plugin_version",
    "environment",
    "impact",
    "posting_blocked",
    "affected_users",
    "voucher_numbers",
)
REFERENCE_RE = re.compile(r"^\s*(?:KX-?)?0*(\d{1,12})\s*$", re.IGNORECASE)


class InvalidTransition(ValidationError):
    """Raised when a status change is not one the workflow allows."""


class TicketQuerySet(models.QuerySet):
    def open(self) -> "TicketQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def live(self) -> "TicketQuerySet":
        """Tickets that were not merged into another one."""
        return self.filter(merged_into__isnull=True)


class Ticket(models.Model):
    """A support request with its structured description and denormalised SLA state."""

    Status = Status
    Priority = Priority
    Channel = Channel

    subject = models.CharField(_("summary"), max_length=200)
    # Structured description: support is fast only when the first message says all of this.
    symptoms = models.TextField(_("what happened"), blank=True)
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    long_standing = models.BooleanField(_("long-standing problem"), default=False)
    error_message = models.TextField(_("exact error message"), blank=True)
    no_error_shown = models.BooleanField(_("no error message was shown"), default=False)
    steps_to_reproduce = models.TextField(_("steps to reproduce"), blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    actual_result = models.TextField(_("actual result"), blank=True)
    environment = models.TextField(_("environment details"), blank=True)
    impact = models.TextField(_("impact"), blank=True)
    posting_blocked = models.BooleanField(_("voucher posting is blocked"), default=False)
    affected_users = models.PositiveIntegerField(_("affected users"), null=True, blank=True)
    voucher_numbers = models.CharField(_("voucher numbers"), max_length=500, blank=True)
    erp_system = models.CharField(_("ERP system"), max_length=20, choices=ErpSystem.choices, blank=True)
    erp_version = models.CharField(_("ERP version"), max_length=60, blank=True)
    plugin_version = models.CharField(_("plugin version"), max_length=30, blank=True)
    quality_score = models.PositiveSmallIntegerField(_("description quality"), default=0)
    # Accepted although vague (phone, mail, forum): the requester was asked for the rest.
    needs_details = models.BooleanField(
        _("needs details"),
        default=False,
        help_text=_("The description was incomplete; the requester was asked to complete it."),
    )

    category = models.ForeignKey(
        "helpdesk.Category",
        db_index=False,  # led by a composite index in Meta.indexes
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("category"),
    )
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices, default=Priority.P3)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requested_tickets",
        db_index=False,  # led by a composite index in Meta.indexes
        verbose_name=_("requester"),
    )
    organization = models.ForeignKey(
        "helpdesk.Organization",
        db_index=False,  # led by a composite index in Meta.indexes
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("organization"),
    )
    team = models.ForeignKey(
        "helpdesk.Team",
        db_index=False,  # led by a composite index in Meta.indexes
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        db_index=False,  # led by a composite index in Meta.indexes
        limit_choices_to={"is_staff": True},
        verbose_name=_("assignee"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("The agent who opened it on the customer's behalf, if any."),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_tickets",
        verbose_name=_("merged into"),
    )
    submission_key = models.UUIDField(_("submission key"), null=True, blank=True, unique=True, editable=False)

    # SLA snapshot: the plan and targets applied at creation. Later plan edits do not
    # rewrite history.
    sla_plan = models.ForeignKey(
        "helpdesk.SLAPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("SLA plan"),
    )
    sla_calendar = models.ForeignKey(
        "helpdesk.BusinessCalendar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("SLA calendar"),
    )
    sla_snapshot = models.JSONField(_("SLA targets applied"), default=dict, blank=True)

    # Denormalised SLA state, read by lists, reports and the watcher.
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    first_response_business_seconds = models.PositiveIntegerField(
        _("first response (business seconds)"), null=True, blank=True
    )
    first_response_seconds = models.PositiveIntegerField(
        _("first response (calendar seconds)"), null=True, blank=True
    )
    # The moment the current next-response cycle started (last agent or customer contact).
    next_response_started_at = models.DateTimeField(_("next response clock started"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_business_seconds = models.PositiveIntegerField(
        _("resolution (business seconds)"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    sla_paused_since = models.DateTimeField(_("SLA paused since"), null=True, blank=True)
    first_response_breached = models.BooleanField(_("first response breached"), default=False)
    next_response_breached = models.BooleanField(_("next response breached"), default=False)
    resolution_breached = models.BooleanField(_("resolution breached"), default=False)
    first_response_warned = models.BooleanField(_("first response warned"), default=False)
    next_response_warned = models.BooleanField(_("next response warned"), default=False)
    resolution_warned = models.BooleanField(_("resolution warned"), default=False)
    # The earliest moment the watcher has something to do for this ticket (a warning or a
    # due time not yet flagged). One indexed column keeps the watcher from scanning.
    sla_next_check_at = models.DateTimeField(null=True, blank=True, editable=False)

    agent_reply_count = models.PositiveIntegerField(_("agent replies"), default=0)
    last_agent_reply_at = models.DateTimeField(_("last agent reply"), null=True, blank=True)
    last_customer_reply_at = models.DateTimeField(_("last customer reply"), null=True, blank=True)
    reopen_count = models.PositiveIntegerField(_("reopened"), default=0)
    last_reopened_at = models.DateTimeField(_("last reopened"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    updated_at = models.DateTimeField(_("updated"))  # indexed by ticket_recent (Meta.indexes)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-updated_at"]
        permissions = [("view_reports", _("Can view SLA reports"))]
        # Each list the agents' queue offers (a filter, newest update first) has an index led
        # by the filtered column and ending in (updated_at, id): read backwards it yields the
        # list's exact order (-updated_at, -pk), so a page is read in order and stops after
        # its rows, on SQLite and PostgreSQL alike. The foreign keys have no single-column
        # index of their own, since these lead with them. helpdesk/tests/admin/
        # test_query_plans.py checks each.
        indexes = [
            models.Index(fields=["updated_at", "id"], name="ticket_recent"),
            models.Index(fields=["status", "updated_at", "id"], name="ticket_status_recent"),
            models.Index(fields=["priority", "updated_at", "id"], name="ticket_priority_recent"),
            models.Index(fields=["channel", "updated_at", "id"], name="ticket_channel_recent"),
            models.Index(fields=["team", "status"], name="ticket_team_status"),
            models.Index(fields=["team", "updated_at", "id"], name="ticket_team_recent"),
            # The agent's index (helpdesk/selectors/workspace.py): one status at a time, by
            # first-response due time (mine, unassigned) or by update (waiting on the customer).
            models.Index(
                fields=["assignee", "status", "first_response_due_at"], name="ticket_assignee_status_due"
            ),
            models.Index(
                fields=["assignee", "status", "updated_at", "id"], name="ticket_assignee_status_recent"
            ),
            # "Unassigned" on the agent's index, in its exact order. PostgreSQL cannot take an
            # order from the index above under "assignee IS NULL" (no equality), and walked
            # the due-time index instead: 3.4 s at a million tickets. Partial, so it holds only
            # the unassigned tickets.
            models.Index(
                fields=["status", "first_response_due_at", "created_at", "id"],
                name="ticket_unassigned_due",
                condition=models.Q(assignee__isnull=True, merged_into__isnull=True),
            ),
            models.Index(fields=["assignee", "updated_at", "id"], name="ticket_assignee_recent"),
            models.Index(fields=["organization", "status"], name="ticket_org_status"),
            models.Index(fields=["organization", "updated_at", "id"], name="ticket_org_recent"),
            models.Index(fields=["category", "updated_at", "id"], name="ticket_category_recent"),
            models.Index(fields=["needs_details", "updated_at", "id"], name="ticket_needs_details_recent"),
            models.Index(fields=["requester", "updated_at", "id"], name="ticket_requester_recent"),
            models.Index(fields=["sla_next_check_at"], name="ticket_sla_next_check"),
            models.Index(fields=["resolved_at"], name="ticket_resolved_at"),
            models.Index(fields=["first_response_due_at"], name="ticket_fr_due"),
            models.Index(fields=["resolution_due_at"], name="ticket_res_due"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("portal:ticket_detail", kwargs={"reference": self.reference})

    @property
    def reference(self) -> str:
        return f"{REFERENCE_PREFIX}{self.pk:06d}" if self.pk else ""

    @staticmethod
    def pk_from_reference(reference: str) -> int | None:
        """KX-000123, kx123 and 123 all name ticket 123; anything else names none."""
        match = REFERENCE_RE.match(reference or "")
        return int(match.group(1)) if match else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status in PAUSED_STATUSES

    def check_transition(self, new_status: str) -> None:
        """Raise InvalidTransition unless the workflow allows moving to new_status."""
        if new_status not in Status.values:
            raise InvalidTransition(_("Unknown status “%(status)s”."), params={"status": new_status})
        if new_status not in STATUS_TRANSITIONS[self.status]:
            raise InvalidTransition(
                _("A ticket cannot go from “%(old)s” to “%(new)s”."),
                params={"old": self.get_status_display(), "new": Status(new_status).label},
            )
