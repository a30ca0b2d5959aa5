"""Input serializers validate; services write; output serializers render."""

from datetime import UTC

from django.db import models
from django.utils import timezone
from rest_framework import serializers

from helpdesk.models import Category, Channel, ErpSystem, PluginVersion, Priority, Ticket, TicketMessage, User
from helpdesk.quality import check_when


class UTCDateTimeField(serializers.DateTimeField):
    """API times are UTC (ISO 8601 with Z-offset), whatever the server's or user's zone."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(*args, **kwargs)


class APIModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: UTCDateTimeField,
    }


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug", "complexity", "needs_environment", "needs_attachment"]


class PluginVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PluginVersion
        fields = ["version", "released_on", "is_supported"]


class MessageSerializer(APIModelSerializer):
    author = serializers.CharField(source="author.get_full_name", default="", allow_null=True, read_only=True)

    class Meta:
        model = TicketMessage
        fields = ["id", "kind", "author", "body", "channel", "created_at"]


class TicketSerializer(APIModelSerializer):
    reference = serializers.CharField(read_only=True)
    requester = serializers.EmailField(source="requester.email", read_only=True)
    organization = serializers.CharField(source="organization.name", read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    team = serializers.CharField(source="team.name", default=None, allow_null=True, read_only=True)
    assignee = serializers.EmailField(source="assignee.email", default=None, allow_null=True, read_only=True)
    sla_plan = serializers.CharField(source="sla_plan.name", default=None, allow_null=True, read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "reference",
            "subject",
            "status",
            "priority",
            "channel",
            "category",
            "requester",
            "organization",
            "team",
            "assignee",
            "symptoms",
            "occurred_at",
            "long_standing",
            "error_message",
            "no_error_shown",
            "steps_to_reproduce",
            "expected_result",
            "actual_result",
            "environment",
            "impact",
            "posting_blocked",
            "affected_users",
            "voucher_numbers",
            "erp_system",
            "erp_version",
            "plugin_version",
            "quality_score",
            "sla_plan",
            "first_response_due_at",
            "first_response_at",
            "first_response_business_seconds",
            "next_response_due_at",
            "resolution_due_at",
            "resolved_at",
            "resolution_business_seconds",
            "first_response_breached",
            "next_response_breached",
            "resolution_breached",
            "agent_reply_count",
            "reopen_count",
            "merged_into",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TicketCreateSerializer(serializers.Serializer):
    """What an integrator sends to open a ticket. Agents may name a requester (on behalf)."""

    requester = serializers.SlugRelatedField(
        slug_field="email", queryset=User.objects.filter(customer_profile__isnull=False), required=False
    )
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.filter(is_active=True)
    )
    subject = serializers.CharField(max_length=200)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.P3)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    symptoms = serializers.CharField()
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    long_standing = serializers.BooleanField(default=False)
    error_message = serializers.CharField(required=False, allow_blank=True, default="")
    no_error_shown = serializers.BooleanField(default=False)
    steps_to_reproduce = serializers.CharField(required=False, allow_blank=True, default="")
    expected_result = serializers.CharField(required=False, allow_blank=True, default="")
    actual_result = serializers.CharField(required=False, allow_blank=True, default="")
    environment = serializers.CharField(required=False, allow_blank=True, default="")
    impact = serializers.CharField(required=False, allow_blank=True, default="")
    erp_system = serializers.ChoiceField(
        choices=ErpSystem.choices, required=False, allow_blank=True, default=""
    )
    erp_version = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    plugin_version = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    voucher_numbers = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)

    def validate(self, attrs):
        # The same rule as the portal form: a real, recent moment, or a long-standing problem.
        problem = check_when(
            {"occurred_at": attrs.get("occurred_at"), "long_standing": attrs.get("long_standing")},
            timezone.now(),
        )
        if problem is not None and attrs.get("occurred_at") is not None:
            raise serializers.ValidationError({"occurred_at": [str(problem.message)]})
        return attrs


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField()
    internal = serializers.BooleanField(default=False, help_text="Agents only: an internal note.")
