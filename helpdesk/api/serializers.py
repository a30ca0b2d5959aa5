"""Input serializers validate; services write; output serializers render.

Input serializers refuse fields they do not declare (`StrictInput`), so a customer who sends
`status`, `assignee`, `organization` or a timestamp is told so instead of being silently
ignored; agent-only inputs (requester, priority, channel, internal) are refused for
customers by name.
"""

from datetime import UTC

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.clock import now
from helpdesk.models import (
    Attachment,
    Category,
    Channel,
    MaintenanceWindow,
    PluginVersion,
    Priority,
    Status,
    Team,
    Ticket,
    TicketMessage,
    User,
)
from helpdesk.services.attachments import validate_upload
from helpdesk.services.intake import TICKET_FIELDS
from helpdesk.services.versions import version_of

from .people import display_name


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


def _viewer(serializer) -> User | None:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def is_agent(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


class StrictInput:
    """Refuse undeclared fields, and agent-only fields (`agent_only`) from customers."""

    agent_only: tuple[str, ...] = ()

    def to_internal_value(self, data):
        errors = {}
        if hasattr(data, "keys"):
            declared = set(self.fields)
            for name in data:
                if name not in declared:
                    errors[name] = [_("This field cannot be set here.")]
            if not is_agent(_viewer(self)):
                for name in self.agent_only:
                    if name in data:
                        errors[name] = [_("Only agents can set this field.")]
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class UploadsField(serializers.ListField):
    """Files sent as multipart (`files` repeated), checked as the portal checks them."""

    def __init__(self, **kwargs):
        # Empty files too: the attachment service refuses them in the portal's words.
        kwargs.setdefault("child", serializers.FileField(allow_empty_file=True))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", settings.ATTACHMENT_MAX_PER_MESSAGE)
        kwargs.setdefault(
            "help_text",
            "Multipart only: up to 5 files (images, PDF, text or log files, Excel, ZIP), 10 MB each.",
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        files = super().to_internal_value(data)
        problems = []
        for upload in files:
            try:
                validate_upload(upload)
            except DjangoValidationError as exc:
                problems.extend(exc.messages)
        if problems:
            raise serializers.ValidationError(problems)
        return files


# --- Reference data --------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug", "complexity", "needs_environment", "needs_attachment"]


class PluginVersionSerializer(serializers.ModelSerializer):
    support_status = serializers.SerializerMethodField(
        help_text="supported, maintenance (security and critical fixes only) or end_of_life, today."
    )

    class Meta:
        model = PluginVersion
        fields = [
            "version",
            "released_on",
            "is_supported",
            "support_status",
            "full_support_until",
            "end_of_life_on",
        ]

    def get_support_status(self, version: PluginVersion) -> str:
        return version.support_status(timezone.localdate(now()))


class MaintenanceWindowSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, help_text="In the caller's language.")
    services = serializers.CharField(read_only=True, help_text="Affected services, in the caller's language.")
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = MaintenanceWindow
        fields = [
            "id",
            "title",
            "services",
            "starts_at",
            "ends_at",
            "is_current",
            "title_zh_hans",
            "title_en",
            "services_zh_hans",
            "services_en",
        ]

    def get_is_current(self, window: MaintenanceWindow) -> bool:
        return window.is_current(now())


# --- Output ----------------------------------------------------------------------------------


class AttachmentSerializer(APIModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "sha256", "message", "created_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        path = reverse("api:attachment-download", kwargs={"pk": attachment.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class MessageSerializer(APIModelSerializer):
    author = serializers.SerializerMethodField(help_text="Staff appear by first name to customers.")
    from_staff = serializers.SerializerMethodField()
    files = AttachmentSerializer(source="attachments", many=True, read_only=True)

    class Meta:
        model = TicketMessage
        fields = ["id", "kind", "author", "from_staff", "body", "channel", "created_at", "files"]
        read_only_fields = fields

    def get_author(self, message: TicketMessage) -> str | None:
        return display_name(message.author, viewer=_viewer(self))

    def get_from_staff(self, message: TicketMessage) -> bool:
        return bool(message.author is not None and message.author.is_staff)


class TicketSerializer(APIModelSerializer):
    """A ticket as its reader may see it: agents get the staff emails and internal figures,
    customers get staff by first name only, and null for what is the support team's business."""

    reference = serializers.CharField(read_only=True)
    requester = serializers.EmailField(source="requester.email", read_only=True)
    organization = serializers.CharField(source="organization.name", read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    team = serializers.CharField(source="team.name", default=None, allow_null=True, read_only=True)
    assignee = serializers.SerializerMethodField(help_text="Agents only (null for customers): the email.")
    assignee_name = serializers.SerializerMethodField(help_text="First name for customers.")
    sla_plan = serializers.CharField(source="sla_plan.name", default=None, allow_null=True, read_only=True)
    quality_score = serializers.SerializerMethodField(help_text="Agents only (null for customers).")
    merged_into = serializers.SerializerMethodField(
        help_text="The reference of the ticket it was merged into."
    )
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
            "assignee_name",
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

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_assignee(self, ticket: Ticket) -> str | None:
        if ticket.assignee is None or not is_agent(_viewer(self)):
            return None
        return ticket.assignee.email

    def get_assignee_name(self, ticket: Ticket) -> str | None:
        return display_name(ticket.assignee, viewer=_viewer(self))

    def get_quality_score(self, ticket: Ticket) -> int | None:
        return ticket.quality_score if is_agent(_viewer(self)) else None

    def get_merged_into(self, ticket: Ticket) -> str | None:
        return f"KX-{ticket.merged_into_id:06d}" if ticket.merged_into_id else None

    def get_version(self, ticket: Ticket) -> str:
        return version_of(ticket)


# --- Input -----------------------------------------------------------------------------------


class TicketCreateSerializer(StrictInput, APIModelSerializer):
    """What an integrator sends to open a ticket: the portal form's fields, from one list.

    Only types are checked here; whether the description is good enough is the intake
    service's decision, with the portal's messages. Agents may name the requester (a ticket
    on a customer's behalf), a priority and the channel it came through.
    """

    agent_only = ("requester", "priority", "channel")

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
    files = UploadsField()

    class Meta:
        model = Ticket
        fields = ["requester", "priority", "channel", *TICKET_FIELDS, "files"]
        extra_kwargs = {name: {"required": False} for name in TICKET_FIELDS if name != "category"}


class TicketUpdateSerializer(StrictInput, serializers.Serializer):
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


class ReplySerializer(StrictInput, serializers.Serializer):
    agent_only = ("internal", "status")

    body = serializers.CharField(max_length=100_000)
    internal = serializers.BooleanField(default=False, help_text="Agents only: an internal note.")
    status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text="Agents only: move the ticket with a public reply (e.g. pending_customer).",
    )
    files = UploadsField()


class ReopenSerializer(StrictInput, serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class RateSerializer(StrictInput, serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class RatingSerializer(serializers.Serializer):
    score = serializers.IntegerField(read_only=True)
    comment = serializers.CharField(read_only=True)
    rated_at = UTCDateTimeField(read_only=True)


class MergeSerializer(StrictInput, serializers.Serializer):
    into = serializers.CharField(
        help_text="The ticket to merge this one into: its reference (KX-000123) or id."
    )


class EmptySerializer(StrictInput, serializers.Serializer):
    """An action that takes no fields."""
