"""Report rollups: counters the dashboards read instead of scanning tickets.

A ticket contributes a handful of facts (created, first response met or breached, resolved,
rated …), each on a reporting day, to one row per dimension value (its plan, team, agent …)
and once more under its own team, so a team-scoped dashboard sums the same rows. The
ticket's last contribution is kept in TicketReportState, so a change is folded in as a
difference (helpdesk.services.rollups).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The dimensions a breakdown groups by (query-parameter values, never translated); each has a
# column on the backlog table and the rollups' `dimension` names them.
BREAKDOWN_DIMENSIONS: tuple[str, ...] = (
    "plan",
    "team",
    "agent",
    "category",
    "complexity",
    "channel",
    "organization",
    "priority",
    "hours",
    "timezone",
)

# `team` column of rollup rows that count every ticket, whatever its team.
ALL_TEAMS = 0


class ReportRollup(models.Model):
    """One counter: `count` of `measure` (in histogram `bucket`) on `day` for a dimension value."""

    day = models.DateField(_("day"))
    team = models.IntegerField(_("team scope"), default=ALL_TEAMS)
    dimension = models.CharField(_("dimension"), max_length=16)
    value = models.CharField(_("value"), max_length=64, blank=True)
    measure = models.CharField(_("measure"), max_length=16)
    bucket = models.SmallIntegerField(_("bucket"), default=0)
    count = models.BigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("report rollup")
        verbose_name_plural = _("report rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "team", "day", "measure", "value", "bucket"], name="report_rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value} {self.measure}[{self.bucket}]={self.count}"


class TicketReportState(models.Model):
    """What a ticket last contributed to the rollups, and the report facts that need a
    calendar to compute (arrival inside the team's hours, the customer's time zone)."""

    ticket = models.OneToOneField(
        "helpdesk.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="report_state"
    )
    in_hours = models.BooleanField(_("arrived inside the team's hours"), default=True)
    timezone = models.CharField(_("customer time zone"), max_length=64, blank=True)
    dims = models.JSONField(default=dict)
    facts = models.JSONField(default=list)

    class Meta:
        verbose_name = _("ticket report state")
        verbose_name_plural = _("ticket report states")

    def __str__(self) -> str:
        return f"report state of ticket {self.ticket_id}"


class RollupCursor(models.Model):
    """The last ticket event folded into the rollups (the watcher's sweep resumes after it)."""

    key = models.CharField(max_length=32, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("rollup cursor")
        verbose_name_plural = _("rollup cursors")

    def __str__(self) -> str:
        return f"{self.key}: {self.last_event_id}"


class ReportBacklog(models.Model):
    """An open, unmerged ticket as the dashboards count it: what depends on `now` (the backlog
    by age, open tickets past a due time) is read from these narrow rows, one per ticket in
    the backlog, instead of from the wide ticket table. Kept by the same fold as the rollups;
    the row is deleted when the ticket leaves the backlog.

    The dimension columns hold the rollups' values (helpdesk.services.rollups_facts.ticket_dims).
    """

    ticket = models.OneToOneField(
        "helpdesk.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="report_backlog"
    )
    created_at = models.DateTimeField(_("created"))
    # Set only while the clock can still be missed: no first response yet …
    first_response_due_at = models.DateTimeField(_("first response due"), null=True)
    # … and resolution running (new or open, not waiting on the customer).
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True)
    plan = models.CharField(max_length=16, blank=True)
    team = models.CharField(max_length=16, blank=True)
    agent = models.CharField(max_length=16, blank=True)
    category = models.CharField(max_length=16, blank=True)
    complexity = models.CharField(max_length=16, blank=True)
    channel = models.CharField(max_length=16, blank=True)
    organization = models.CharField(max_length=16, blank=True)
    priority = models.CharField(max_length=16, blank=True)
    hours = models.CharField(max_length=8, blank=True)
    timezone = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("report backlog entry")
        verbose_name_plural = _("report backlog entries")
        # The attention list walks the first two from the oldest due time (few rows: open
        # tickets only). The others cover the grouped count of each breakdown: SQLite reads
        # the index alone, already in group order (half the time of a table scan and sort).
        indexes = [
            models.Index(fields=["first_response_due_at"], name="report_backlog_fr_due"),
            models.Index(fields=["resolution_due_at"], name="report_backlog_res_due"),
            *(
                models.Index(
                    fields=[name, "created_at", "first_response_due_at", "resolution_due_at"],
                    name=f"report_backlog_{name}",
                )
                for name in BREAKDOWN_DIMENSIONS
            ),
        ]

    def __str__(self) -> str:
        return f"backlog: ticket {self.ticket_id}"
