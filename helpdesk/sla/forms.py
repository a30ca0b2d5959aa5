"""Admin form fields for calendars: times as HH:MM ("24:00" is the end of the day) instead
of raw minute numbers, and a day's intervals as "09:00-12:00, 13:00-18:00"."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from helpdesk.models import BusinessHours, CalendarOverride

from .grids import format_minute

TIME_RE = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*$")
RANGE_SPLIT_RE = re.compile(r"\s*[-–~至]\s*")


def parse_minute(text: str) -> int:
    """ "9:30" -> 570, "24:00" -> 1440; ValidationError for anything else."""
    match = TIME_RE.match(text or "")
    if not match:
        raise ValidationError(_("Enter a time as HH:MM, e.g. 09:00 or 24:00."), code="invalid")
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise ValidationError(_("Enter a time between 00:00 and 24:00."), code="invalid")
    return hours * 60 + minutes


class MinuteOfDayField(forms.CharField):
    """A minute of the day (0..1440) shown and typed as HH:MM."""

    def __init__(self, **kwargs):
        # No max_length: its validator would run on the converted int.
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"size": 5, "maxlength": 5, "placeholder": "09:00"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_minute(value) if isinstance(value, int) else value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return parse_minute(value)


class IntervalsField(forms.CharField):
    """A list of [start, end] minute pairs shown and typed as "09:00-12:00, 13:00-18:00"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        # [] like the model default, so an untouched extra row does not count as changed.
        kwargs.setdefault("initial", list)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"size": 24, "placeholder": "09:00-12:00, 13:00-18:00"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(f"{format_minute(a)}-{format_minute(b)}" for a, b in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        pairs = []
        for part in filter(None, (p.strip() for p in re.split(r"[,，;；]", text or ""))):
            bounds = RANGE_SPLIT_RE.split(part)
            if len(bounds) != 2:
                raise ValidationError(
                    _("Write each interval as start-end, e.g. 09:00-12:00."), code="invalid"
                )
            pairs.append([parse_minute(bounds[0]), parse_minute(bounds[1])])
        return pairs


class BusinessHoursForm(forms.ModelForm):
    start_minute = MinuteOfDayField(label=_("from"))
    end_minute = MinuteOfDayField(label=_("to"), help_text=_("24:00 is midnight at the end of the day."))

    class Meta:
        model = BusinessHours
        fields = ["weekday", "start_minute", "end_minute"]


class CalendarOverrideForm(forms.ModelForm):
    intervals = IntervalsField(
        label=_("working hours"), help_text=_("Only for working days, e.g. 09:00-12:00, 13:00-18:00.")
    )

    class Meta:
        model = CalendarOverride
        fields = ["date", "name", "is_working", "intervals"]


class BusinessHoursFormSet(forms.BaseInlineFormSet):
    """Refuses overlapping intervals on one weekday: the SLA maths needs disjoint ones."""

    def clean(self):
        super().clean()
        by_day: dict[int, list[tuple[int, int]]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("weekday") is None:
                continue
            if data.get("start_minute") is None or data.get("end_minute") is None:
                continue
            by_day.setdefault(int(data["weekday"]), []).append((data["start_minute"], data["end_minute"]))
        for intervals in by_day.values():
            intervals.sort()
            for (_a, end), (start, _b) in zip(intervals, intervals[1:], strict=False):
                if start < end:
                    raise ValidationError(_("Working hours of one weekday must not overlap."))
