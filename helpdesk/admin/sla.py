"""Admin for SLA plans, targets and business calendars (registered on admin_site here).

Saving a calendar (or its hours and overrides) queues the recompute of the due times of the
open tickets running on it (a background task). The calendar pages warn when China's holidays for this year, or from
December on for next year, are missing.
"""

from datetime import date

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin

from core import clock
from core.admin_site import admin_site
from helpdesk.models import (
    BusinessCalendar,
    BusinessHours,
    CalendarOverride,
    OverrideSource,
    SLAPlan,
    SLATarget,
    Weekday,
)
from helpdesk.services.calendars import calendar_changed
from helpdesk.sla.forms import BusinessHoursForm, BusinessHoursFormSet, CalendarOverrideForm
from helpdesk.sla.grids import format_minute, trim_closed_rows, week_grid, year_sheets
from helpdesk.sla.selectors import missing_holiday_years

from .base import KxModelAdmin

SLA_CSS = {"all": ["css/admin_sla.css"]}
FIRST_YEAR, LAST_YEAR = 1900, 9998  # what the business-time maths supports


def human_minutes(minutes: int | None) -> str:
    """Business minutes in words agents read at a glance: 480 -> "8 h", 90 -> "1 h 30 min"."""
    if minutes is None:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(m)d min") % {"m": rest}
    if not rest:
        return _("%(h)d h") % {"h": hours}
    return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}


def weekly_of(calendar: BusinessCalendar) -> dict[int, list[tuple[int, int]]]:
    """Weekday -> intervals from prefetched or fetched hours rows."""
    weekly: dict[int, list[tuple[int, int]]] = {}
    for hours in calendar.hours.all():
        weekly.setdefault(hours.weekday, []).append((hours.start_minute, hours.end_minute))
    return {day: sorted(ivs) for day, ivs in weekly.items()}


class BusinessHoursInline(admin.TabularInline):
    model = BusinessHours
    form = BusinessHoursForm
    formset = BusinessHoursFormSet
    extra = 0
    ordering = ["weekday", "start_minute"]


class CalendarOverrideInline(admin.TabularInline):
    model = CalendarOverride
    form = CalendarOverrideForm
    extra = 1
    fields = ["date", "name", "is_working", "intervals", "source"]
    readonly_fields = ["source"]
    ordering = ["date"]
    verbose_name_plural = gettext_lazy("date overrides (last year onwards; older ones stay in force)")

    def get_queryset(self, request):
        # Years of holidays pile up; the year view shows any year, the inline the ones in play.
        return super().get_queryset(request).filter(date__year__gte=timezone.localdate(clock.now()).year - 1)


@admin.register(BusinessCalendar, site=admin_site)
class BusinessCalendarAdmin(KxModelAdmin):
    list_display = ["name", "timezone", "weekly_hours", "follows_cn_holidays", "year_view_link", "updated_at"]
    list_filter = ["follows_cn_holidays"]
    search_fields = ["name"]
    fields = ["name", "timezone", "description", "follows_cn_holidays"]
    inlines = [BusinessHoursInline, CalendarOverrideInline]
    change_form_template = "admin/helpdesk/businesscalendar/change_form.html"

    class Media:
        css = SLA_CSS

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("hours")

    @admin.display(description=gettext_lazy("weekly hours"))
    def weekly_hours(self, obj: BusinessCalendar) -> str:
        weekly = weekly_of(obj)
        if not weekly:
            return _("closed all week")
        days = dict(Weekday.choices)
        return format_html_join(
            ", ",
            "{} {}",
            (
                (days[day], " ".join(f"{format_minute(a)}–{format_minute(b)}" for a, b in ivs))
                for day, ivs in sorted(weekly.items())
            ),
        )

    @admin.display(description=gettext_lazy("year view"))
    def year_view_link(self, obj: BusinessCalendar) -> str:
        year = timezone.localdate(clock.now()).year
        url = reverse("admin:helpdesk_businesscalendar_year", args=[obj.pk, year])
        return format_html('<a href="{}">{}</a>', url, year)

    def get_urls(self):
        view = admin_site.admin_view(self.year_view)
        holidays = admin_site.admin_view(self.holidays_view)
        return [
            path("<path:object_id>/year/<int:year>/", view, name="helpdesk_businesscalendar_year"),
            path("<path:object_id>/holidays/", holidays, name="helpdesk_businesscalendar_holidays"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if request.method == "GET":
            warn_missing_holidays(request)
        return super().changelist_view(request, extra_context)

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        calendar = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if calendar is not None:
            if request.method == "GET":
                warn_missing_holidays(request, calendar_id=calendar.pk)
            extra_context.update(week_context(calendar))
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            if formset.model is CalendarOverride:
                # Edited rows become "manual", so a later holiday import leaves them alone.
                for inline_form in formset.forms:
                    if inline_form.has_changed():
                        inline_form.instance.source = OverrideSource.MANUAL
        super().save_related(request, form, formsets, change)
        if change and (form.has_changed() or any(fs.has_changed() for fs in formsets)):
            calendar_changed(calendar_id=form.instance.pk)
            messages.info(
                request,
                _("Due times of open tickets on this calendar are being recomputed in the background."),
            )

    def holidays_view(self, request: HttpRequest, object_id: str):
        from .holidays import holidays_view

        calendar = self.get_object(request, unquote(object_id))
        if calendar is None or not self.has_change_permission(request, calendar):
            raise Http404(_("No such calendar."))
        return holidays_view(self, request, calendar)

    def year_view(self, request: HttpRequest, object_id: str, year: int):
        calendar = self.get_object(request, unquote(object_id))
        if calendar is None or not self.has_view_permission(request, calendar):
            raise Http404(_("No such calendar."))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404(_("Year out of range."))
        if request.method == "GET":
            warn_missing_holidays(request, calendar_id=calendar.pk)
        overrides = {
            o.date: (o.is_working, o.name)
            for o in calendar.overrides.filter(date__year=year).order_by("date")
        }
        context = {
            **admin_site.each_context(request),
            "opts": self.model._meta,
            "original": calendar,
            "title": _("%(calendar)s in %(year)s") % {"calendar": calendar, "year": year},
            "year": year,
            "sheets": year_sheets(year, weekly_of(calendar), overrides),
            "weekday_initials": [label[:3] for _value, label in Weekday.choices],
            "has_overrides": bool(overrides),
            "previous_url": _year_url(calendar.pk, year - 1) if year > FIRST_YEAR else "",
            "next_url": _year_url(calendar.pk, year + 1) if year < LAST_YEAR else "",
            "can_import_holidays": request.user.has_perm(MANAGE_HOLIDAYS),
        }
        return TemplateResponse(request, "admin/helpdesk/businesscalendar/year.html", context)


def _year_url(calendar_id: int, year: int) -> str:
    return reverse("admin:helpdesk_businesscalendar_year", args=[calendar_id, year])


def week_context(calendar: BusinessCalendar) -> dict:
    """Template data for the week grid and the links to year views."""
    this_year = timezone.localdate(clock.now()).year
    return {
        "week_rows": trim_closed_rows(week_grid(weekly_of(calendar))),
        "weekday_labels": [label for _value, label in Weekday.choices],
        "year_links": [
            (year, _year_url(calendar.pk, year)) for year in (this_year - 1, this_year, this_year + 1)
        ],
    }


MANAGE_HOLIDAYS = "helpdesk.change_businesscalendar"
WARNED_KEY = "helpdesk.holiday_warnings_shown"


def warn_missing_holidays(
    request: HttpRequest, *, calendar_id: int | None = None, today: date | None = None, once: bool = False
) -> None:
    """A warning per calendar lacking this (or, in December, next) year's China holidays, for
    those who can fix it (calendar managers) only, with the link to the fix. `once`: each gap
    is mentioned once per session (the admin index), not on every visit."""
    if not request.user.has_perm(MANAGE_HOLIDAYS):
        return
    shown = set(request.session.get(WARNED_KEY, [])) if once else set()
    for gap in missing_holiday_years(today=today):
        key = f"{gap.calendar_id}:{gap.year}"
        if (calendar_id is not None and gap.calendar_id != calendar_id) or key in shown:
            continue
        shown.add(key)
        params = {"calendar": gap.calendar_name, "year": gap.year}
        if gap.package_has_data:
            text = _(
                "“%(calendar)s” has no holidays for %(year)s yet, so they would count as working "
                "days. Run: manage.py import_cn_holidays --year %(year)s, or paste the notice."
            )
        else:
            text = _(
                "“%(calendar)s” has no holidays for %(year)s, so they would count as working days. "
                "Paste the State Council's notice for %(year)s (or upload an .ics file) to add them."
            )
        url = reverse("admin:helpdesk_businesscalendar_holidays", args=[gap.calendar_id])
        messages.warning(
            request, format_html('{} <a href="{}">{}</a>', text % params, url, _("Add the holidays"))
        )
    if once:
        request.session[WARNED_KEY] = sorted(shown)


class SLATargetInline(admin.TabularInline):
    model = SLATarget
    extra = 0
    fields = [
        "priority",
        "complexity",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "warn_at_percent",
        "in_hours",
    ]
    readonly_fields = ["in_hours"]
    ordering = ["priority", "complexity"]

    @admin.display(description=gettext_lazy("in hours (first · next · resolution)"))
    def in_hours(self, obj: SLATarget) -> str:
        if obj.pk is None:
            return ""
        return " · ".join(
            human_minutes(m)
            for m in (obj.first_response_minutes, obj.next_response_minutes, obj.resolution_minutes)
        )


@admin.register(SLAPlan, site=admin_site)
class SLAPlanAdmin(TranslationAdmin, KxModelAdmin):
    list_display = [
        "name",
        "tier",
        "calendar",
        "escalate_on_breach",
        "warnings_in_team_hours_only",
        "position",
    ]
    list_select_related = ["calendar"]
    list_editable = ["position"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name_zh_hans", "name_en"),
                    "tier",
                    "calendar",
                    ("description_zh_hans", "description_en"),
                    "escalate_on_breach",
                    "warnings_in_team_hours_only",
                    "position",
                ],
                "description": gettext_lazy(
                    "Changes apply to tickets created from now on: every ticket keeps the "
                    "targets it was created with. Targets are in business minutes of the "
                    "plan's calendar."
                ),
            },
        )
    ]
    inlines = [SLATargetInline]

    class Media:
        css = SLA_CSS

    def get_readonly_fields(self, request, obj=None):
        # A tier is what customers bought; it is fixed once the plan exists.
        return ["tier"] if obj else []
