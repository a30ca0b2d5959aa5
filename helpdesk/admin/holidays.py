"""A calendar manager's minute-long fix for missing holidays: paste the State Council's notice
(or upload an .ics file), preview the year, apply. Served by BusinessCalendarAdmin.get_urls."""

from datetime import date

from django import forms
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_site import admin_site
from helpdesk.models import BusinessCalendar, OverrideSource, Weekday
from helpdesk.services.calendars import (
    HolidayImportError,
    apply_holiday_schedule,
    schedule_rows,
    workday_intervals,
)
from helpdesk.sla.cn_ical import parse_ics
from helpdesk.sla.cn_notice import NoticeError, NoticeSchedule, parse_notice
from helpdesk.sla.grids import year_sheets

SALT = "helpdesk.holiday-schedule"
ICS_MAX_BYTES = 512 * 1024
MANAGE_PERMISSION = "helpdesk.change_businesscalendar"


class HolidayNoticeForm(forms.Form):
    notice = forms.CharField(
        label=gettext_lazy("Text of the State Council's notice"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
        help_text=gettext_lazy(
            "Paste the notice (国务院办公厅关于XXXX年部分节假日安排的通知) from its title to its last holiday."
        ),
    )
    ics = forms.FileField(label=gettext_lazy("or an iCalendar file (.ics)"), required=False)
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=2000, max_value=2200,
        help_text=gettext_lazy("Only needed when the pasted text has no title."),
    )  # fmt: skip
    also_others = forms.BooleanField(
        label=gettext_lazy("Also apply to the other calendars that follow China's holidays"),
        required=False,
        initial=True,
    )

    def clean(self):
        data = super().clean()
        text, upload = (data.get("notice") or "").strip(), data.get("ics")
        if bool(text) == bool(upload):
            raise forms.ValidationError(_("Paste the notice or choose an .ics file (one of the two)."))
        try:
            if upload:
                if upload.size > ICS_MAX_BYTES:
                    raise NoticeError("the file is too large for a holiday calendar")
                data["schedule"] = parse_ics(upload.read(), year=data.get("year"))
            else:
                data["schedule"] = parse_notice(text, year=data.get("year"))
        except NoticeError as error:
            where = _(" (line %(n)s)") % {"n": error.line} if error.line else ""
            raise forms.ValidationError(
                _("The holidays could not be read%(where)s: %(reason)s. Check the pasted text and try again.")
                % {"where": where, "reason": error}
            ) from None
        return data


def _dump(schedule: NoticeSchedule) -> str:
    return signing.dumps(
        {
            "year": schedule.year,
            "off": {d.isoformat(): n for d, n in schedule.days_off.items()},
            "work": {d.isoformat(): n for d, n in schedule.workdays.items()},
        },
        salt=SALT,
    )


def _load(token: str) -> NoticeSchedule:
    data = signing.loads(token, salt=SALT, max_age=3600)
    return NoticeSchedule(
        year=int(data["year"]),
        days_off={date.fromisoformat(d): n for d, n in data["off"].items()},
        workdays={date.fromisoformat(d): n for d, n in data["work"].items()},
    )


def preview_overrides(calendar: BusinessCalendar, schedule: NoticeSchedule) -> tuple[dict, int]:
    """The year's overrides as they would be after applying, and how many days change."""
    kept = {
        o.date: (o.is_working, o.name)
        for o in calendar.overrides.filter(date__year=schedule.year)
        if o.source != OverrideSource.NOTICE
    }
    merged, changed = dict(kept), 0
    for day, row in schedule_rows(schedule, workday_intervals=workday_intervals(calendar)).items():
        if day not in kept:
            merged[day] = (row["is_working"], row["name"])
            changed += 1
    return merged, changed


def holidays_view(model_admin, request: HttpRequest, calendar: BusinessCalendar) -> HttpResponse:
    if not request.user.has_perm(MANAGE_PERMISSION):
        raise Http404
    if request.method == "POST" and request.POST.get("step") == "apply":
        return _apply(request, calendar)
    form = HolidayNoticeForm(request.POST or None, request.FILES or None)
    context = {
        **admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": calendar,
        "form": form,
        "title": _("Holidays for “%(calendar)s” from the State Council's notice") % {"calendar": calendar},
    }
    if request.method == "POST" and form.is_valid():
        schedule = form.cleaned_data["schedule"]
        from .sla import weekly_of

        overrides, changed = preview_overrides(calendar, schedule)
        context.update(
            year=schedule.year,
            sheets=year_sheets(schedule.year, weekly_of(calendar), overrides),
            weekday_initials=[label[:3] for _value, label in Weekday.choices],
            has_overrides=bool(overrides),
            preview={
                "token": _dump(schedule),
                "days_off": len(schedule.days_off),
                "workdays": len(schedule.workdays),
                "holidays": schedule.holidays,
                "changed": changed,
                "also_others": form.cleaned_data["also_others"],
            },
        )
        return TemplateResponse(request, "admin/helpdesk/businesscalendar/year.html", context)
    return TemplateResponse(request, "admin/helpdesk/businesscalendar/holidays.html", context)


def _apply(request: HttpRequest, calendar: BusinessCalendar) -> HttpResponse:
    try:
        schedule = _load(request.POST.get("schedule", ""))
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        messages.error(request, _("The preview expired or was altered; paste the notice again."))
        return redirect("admin:helpdesk_businesscalendar_holidays", calendar.pk)
    calendars = [calendar]
    if request.POST.get("also_others") and calendar.follows_cn_holidays:
        calendars += list(
            BusinessCalendar.objects.filter(follows_cn_holidays=True)
            .exclude(pk=calendar.pk)
            .prefetch_related("hours")
        )
    try:
        results = apply_holiday_schedule(schedule=schedule, calendars=calendars)
    except HolidayImportError as error:
        messages.error(request, str(error))
        return redirect("admin:helpdesk_businesscalendar_holidays", calendar.pk)
    for result in results:
        messages.success(
            request,
            _("“%(calendar)s”: %(created)s dates added, %(updated)s changed, %(removed)s removed, "
              "%(kept)s kept as entered. Due times of its open tickets are being recomputed.")
            % {"calendar": result.calendar, "created": result.created, "updated": result.updated,
               "removed": result.removed, "kept": result.kept_manual},
        )  # fmt: skip
    return redirect("admin:helpdesk_businesscalendar_year", calendar.pk, schedule.year)
