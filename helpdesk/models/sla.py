"""SLA configuration: business calendars, plans and their per-priority targets.

Rows, not settings: admins edit hours, holidays and targets. The maths lives in
helpdesk/sla/business_time.py, which knows nothing of these models.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Complexity, Priority, validate_timezone


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


class BusinessCalendar(models.Model):
    """Working hours in one time zone, with per-date overrides (holidays, adjusted workdays)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_timezone]
    )
    description = models.TextField(_("description"), blank=True)
    follows_cn_holidays = models.BooleanField(
        _("follows China's statutory holidays"),
        default=True,
        help_text=_("import_cn_holidays fills holidays and adjusted working days for it."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IntervalMixin(models.Model):
    start_minute = models.PositiveSmallIntegerField(
        _("start (minute of day)"), validators=[MaxValueValidator(1439)]
    )
    end_minute = models.PositiveSmallIntegerField(
        _("end (minute of day)"),
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
        help_text=_("1440 means midnight at the end of the day."),
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if (
            self.start_minute is not None
            and self.end_minute is not None
            and self.start_minute >= self.end_minute
        ):
            raise ValidationError(_("An interval must end after it starts."))

    @property
    def label(self) -> str:
        return f"{format_minute(self.start_minute)}–{format_minute(self.end_minute)}"


class BusinessHours(IntervalMixin):
    """One working interval on a weekday; a day may have several (e.g. a lunch break)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="hours", verbose_name=_("calendar")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["weekday", "start_minute"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.label}"


class OverrideSource(models.TextChoices):
    """Where a date override came from; a holiday import only touches its own rows."""

    MANUAL = "manual", _("Entered in the admin")
    CHINESECALENDAR = "chinesecalendar", _("Imported China holidays (chinesecalendar)")
    NOTICE = "notice", _("Imported from the State Council's notice or an iCalendar file")


class CalendarOverride(models.Model):
    """A date that differs from the week: closed (holiday) or working with its own hours (调休)."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="overrides",
        verbose_name=_("calendar"),
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    is_working = models.BooleanField(
        _("working day"), default=False, help_text=_("Unticked: closed all day (a holiday).")
    )
    intervals = models.JSONField(
        _("intervals"),
        default=list,
        blank=True,
        help_text=_("For working days: [[start_minute, end_minute], …]."),
    )
    source = models.CharField(_("source"), max_length=30, choices=OverrideSource.choices, blank=True)

    class Meta:
        verbose_name = _("date override")
        verbose_name_plural = _("date overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="override_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

    def clean(self) -> None:
        super().clean()
        if not self.is_working:
            self.intervals = []
            return
        if not self.intervals:
            raise ValidationError({"intervals": _("A working day needs at least one interval.")})
        previous_end = -1
        for pair in self.intervals:
            ok = (
                isinstance(pair, list | tuple)
                and len(pair) == 2
                and all(isinstance(v, int) for v in pair)
                and 0 <= pair[0] < pair[1] <= 1440
                and pair[0] >= previous_end
            )
            if not ok:
                raise ValidationError({"intervals": _("Intervals must be sorted [start, end] minute pairs.")})
            previous_end = pair[1]


class SLAPlan(models.Model):
    """A support tier sold to customers, with the calendar its clocks run on."""

    class Tier(models.TextChoices):
        STANDARD = "standard", _("Standard")
        ADVANCED = "advanced", _("Advanced")
        URGENT = "urgent", _("Urgent")

    name = models.CharField(_("name"), max_length=120, unique=True)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, unique=True)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="plans", verbose_name=_("calendar")
    )
    description = models.TextField(_("description shown to customers"), blank=True)
    escalate_on_breach = models.BooleanField(
        _("escalate on breach"),
        default=True,
        help_text=_("Raise the priority and assign the team lead when a target is breached."),
    )
    warnings_in_team_hours_only = models.BooleanField(
        _("warn agents only in team hours"),
        default=True,
        help_text=_("Warnings outside the team's hours wait until the team is back."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("SLA plan")
        verbose_name_plural = _("SLA plans")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class SLATarget(models.Model):
    """Targets for one priority (optionally one complexity) on a plan, in business minutes."""

    plan = models.ForeignKey(
        SLAPlan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("plan")
    )
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    complexity = models.CharField(
        _("complexity"),
        max_length=10,
        choices=Complexity.choices,
        blank=True,
        help_text=_("Blank: applies to every complexity without its own row."),
    )
    first_response_minutes = models.PositiveIntegerField(_("first response (business minutes)"))
    next_response_minutes = models.PositiveIntegerField(_("next response (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (business minutes)"))
    warn_at_percent = models.PositiveSmallIntegerField(
        _("warning threshold (percent of the target)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["plan", "priority", "complexity"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "priority", "complexity"], name="sla_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_priority_display()}"
