"""Input serializers validate; services write; output serializers render."""

from datetime import UTC

from django.db import models
from rest_framework import serializers

from helpdesk.models import (
    Category,
    Channel,
    PluginVersion,
    Priority,
    Status,
    Team,
    Ticket,
    TicketMessage,
    User,
)
from helpdesk.services.intake import TICKET_FIELDS
from helpdesk.services.versions import version_of


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
    version = serializers.SerializerMethodField(
        help_text="Send it back (body `version` or `If-Match`) when changing the ticket."
    )

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
            "needs_details",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def get_version(self, ticket: Ticket) -> str:
        return version_of(ticket)


class TicketCreateSerializer(APIModelSerializer):
    """What an integrator sends to open a ticket: the portal form's fields, from one list.

    Only types are checked here; whether the description is good enough is the intake
    service's decision, with the portal's messages. Agents may name the requester (a ticket
    on a customer's behalf), a priority and the channel it came through.
    """

    requester = serializers.SlugRelatedField(
        slug_field="email",
        queryset=User.objects.filter(customer_profile__isnull=False, is_active=True),
        required=False,
        help_text="Agents only: the customer the ticket is for (email).",
    )
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.filter(is_active=True)
    )
    priority = serializers.ChoiceField(
        choices=Priority.choices,
        required=False,
        help_text="Agents only. Customers get the priority policy (blocked posting → P2).",
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices, default=Channel.API, help_text="Agents only; customers always `api`."
    )

    class Meta:
        model = Ticket
        fields = ["requester", "priority", "channel", *TICKET_FIELDS]
        extra_kwargs = {name: {"required": False} for name in TICKET_FIELDS if name != "category"}


class TicketUpdateSerializer(serializers.Serializer):
    """Agents change a ticket's properties; `version` is the one they read (a stale one is a 409)."""

    version = serializers.CharField(required=False, help_text="The ticket's `version` as read (or If-Match).")
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    assignee = serializers.SlugRelatedField(
        slug_field="email",
        queryset=User.objects.filter(is_staff=True, is_active=True),
        required=False,
        allow_null=True,
    )
    team = serializers.SlugRelatedField(
        slug_field="name", queryset=Team.objects.all(), required=False, allow_null=True
    )
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.filter(is_active=True), required=False
    )


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField()
    internal = serializers.BooleanField(default=False, help_text="Agents only: an internal note.")
    status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text="Agents only: move the ticket with a public reply (e.g. pending_customer).",
    )
