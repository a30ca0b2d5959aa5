"""Reports for managers as JSON: the same selector as the admin's SLA report page."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.clock import resolve_now
from helpdesk.models import ApiScope
from helpdesk.selectors.reports import GROUPINGS, Period, sla_report

from ..base import ApiViewSetMixin
from ..filtering import RejectUnknownParameters
from ..serializers import UTCDateTimeField

PERMISSION = "helpdesk.view_reports"
MAX_DAYS = 366


class ReportQuery(serializers.Serializer):
    """Whole days in the caller's time zone, `end` included; the last 30 days by default."""

    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    group_by = serializers.ChoiceField(choices=list(GROUPINGS), default="tier")

    def validate(self, data):
        today = timezone.localdate(resolve_now(None))
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=29)
        if end < start:
            raise serializers.ValidationError({"end": [_("The end date must not be before the start date.")]})
        if (end - start).days >= MAX_DAYS:
            raise serializers.ValidationError(
                {"start": [_("Choose a period of at most %(days)d days.") % {"days": MAX_DAYS}]}
            )
        zone = timezone.get_current_timezone()
        data["period"] = Period(
            start=datetime.combine(start, time.min, tzinfo=zone),
            end=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
        )
        return data


class RatioSerializer(serializers.Serializer):
    part = serializers.IntegerField()
    whole = serializers.IntegerField()
    rate = serializers.FloatField(
        allow_null=True, help_text="null when the whole is empty (no value, not 0)."
    )


class DurationsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    median = serializers.IntegerField(allow_null=True, help_text="Business seconds, nearest rank.")
    p90 = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)


class BacklogSerializer(serializers.Serializer):
    buckets = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class ReportRowSerializer(serializers.Serializer):
    group = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    first_response = RatioSerializer()
    resolution = RatioSerializer()
    first_response_merged = serializers.IntegerField()
    resolution_merged = serializers.IntegerField()
    first_response_times = DurationsSerializer()
    resolution_times = DurationsSerializer()
    fcr = RatioSerializer()
    csat = RatioSerializer()
    survey_response = RatioSerializer()
    reopens = RatioSerializer()
    backlog = BacklogSerializer()


class OverdueSerializer(serializers.Serializer):
    reference = serializers.CharField()
    subject = serializers.CharField()
    priority = serializers.CharField()


class SlaReportSerializer(serializers.Serializer):
    start = UTCDateTimeField(source="period.start")
    end = UTCDateTimeField(source="period.end")
    group_by = serializers.CharField()
    rows = ReportRowSerializer(many=True)
    total = ReportRowSerializer()
    deflection = serializers.DictField(help_text="started, deflected and rate, measured by the portal.")
    overdue = OverdueSerializer(many=True)


class SlaReportView(ApiViewSetMixin, APIView):
    """SLA compliance, response and resolution times, FCR, CSAT, reopens, backlog per group."""

    read_scope = ApiScope.REPORTS_READ.value
    filter_backends = [RejectUnknownParameters]
    extra_query_params = ("start", "end", "group_by")

    @extend_schema(parameters=[ReportQuery], responses=SlaReportSerializer, summary="The SLA report")
    def get(self, request, format=None):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied(_("Reports are for managers."))
        RejectUnknownParameters().filter_queryset(request, None, self)
        query = ReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = sla_report(
            period=query.validated_data["period"],
            group_by=query.validated_data["group_by"],
            now=resolve_now(None),
        )
        return Response(SlaReportSerializer(report).data)
