"""REST API v1: reads are filtered viewsets over selectors; writes go through services."""

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from helpdesk.models import Category, Channel, PluginVersion, TicketMessage
from helpdesk.selectors.tickets import visible_tickets
from helpdesk.services import intake
from helpdesk.services.conversation import Visibility, add_reply
from helpdesk.services.versions import StaleTicket, change_properties, describe

from .filters import TicketFilter
from .permissions import TICKETS_READ, TICKETS_WRITE
from .serializers import (
    CategorySerializer,
    MessageSerializer,
    PluginVersionSerializer,
    ReplySerializer,
    TicketCreateSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
)


def _service_errors(exc: DjangoValidationError) -> ValidationError:
    """A service's refusal in the API's error shape: per field when the service named fields."""
    if hasattr(exc, "error_dict"):
        return ValidationError(
            {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
        )
    return ValidationError({"detail": exc.messages})


# Keys are scoped to the user who sends them: two integrations using the same key never
# see each other's tickets.
IDEMPOTENCY_NAMESPACE = uuid.UUID("5b0f7c1e-8a3d-4b7e-9c55-2f0d8e4a6b13")


def idempotency_key(request) -> uuid.UUID | None:
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        return None
    if len(key) > 200:
        raise ValidationError({"Idempotency-Key": [_("At most 200 characters.")]})
    return uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{request.user.pk}:{key}")


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.filter(is_active=True)
    serializer_class = CategorySerializer
    lookup_field = "slug"


class PluginVersionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = PluginVersion.objects.all()
    serializer_class = PluginVersionSerializer
    lookup_field = "version"
    lookup_value_regex = r"[\w.\-]+"


class TicketViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Checked by HasKeyScope for requests made with an API key; categories and plugin
    # versions name none, so any valid key (or a session) reads them.
    read_scope = TICKETS_READ
    write_scope = TICKETS_WRITE
    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    ordering_fields = ["created_at", "updated_at", "priority", "first_response_due_at"]
    search_fields = ["subject"]

    def get_queryset(self):
        return (
            visible_tickets(self.request.user)
            .select_related("requester", "organization", "category", "team", "assignee", "sla_plan")
            .order_by("-updated_at", "-pk")
        )

    @extend_schema(
        request=TicketCreateSerializer,
        responses={201: TicketSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Retry-safe creation: the same key (per user) returns the first ticket.",
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        data = TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user = request.user
        requester = values.pop("requester", None) if user.is_staff else user
        if requester is None:
            raise ValidationError({"requester": [_("Agents must name the customer the ticket is for.")]})
        try:
            ticket = intake.open_ticket(
                requester=requester,
                channel=values.pop("channel") if user.is_staff else Channel.API,
                fields={name: values[name] for name in intake.TICKET_FIELDS if name in values},
                priority=values.get("priority") if user.is_staff else None,
                created_by=user if user.is_staff else None,
                idempotency_key=idempotency_key(request),
            )
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TicketUpdateSerializer,
        responses={200: TicketSerializer, 409: None},
        parameters=[
            OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, description="The version read.")
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        """Agents: change status, priority, assignee, team or category. Send the version you
        read; if the ticket changed since, nothing is saved and the answer is 409 with the
        changes and the current version."""
        if not request.user.is_staff:
            raise PermissionDenied(_("Only agents can change a ticket's properties."))
        ticket = self.get_object()
        data = TicketUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        expected = values.pop("version", None) or request.headers.get("If-Match", "").strip('"') or None
        if expected is None:
            raise ValidationError({"version": [_("Send the version you read (the ticket's `version`).")]})
        try:
            ticket = change_properties(
                ticket=ticket, changes=values, actor=request.user, expected_version=expected
            )
        except StaleTicket as stale:
            return Response(
                {
                    "detail": stale.messages[0],
                    "version": stale.current_version,
                    "changes": [describe(event) for event in stale.changes],
                },
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        return Response(TicketSerializer(ticket).data)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    # The ticket list's filters and paging do not apply to one ticket's conversation.
    @extend_schema(responses=MessageSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def messages(self, request, pk=None, format=None):
        ticket = self.get_object()
        messages = ticket.messages.select_related("author")
        if not request.user.is_staff:
            messages = messages.filter(~Q(kind=TicketMessage.Kind.INTERNAL_NOTE))
        return Response(MessageSerializer(messages, many=True).data)

    @extend_schema(request=ReplySerializer, responses={201: MessageSerializer}, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reply(self, request, pk=None, format=None):
        ticket = self.get_object()
        data = ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["internal"] and not request.user.is_staff:
            raise PermissionDenied(_("Only agents can write internal notes."))
        try:
            message = add_reply(
                ticket=ticket,
                author=request.user,
                body=values["body"],
                channel=Channel.API,
                visibility=Visibility.INTERNAL if values["internal"] else Visibility.PUBLIC,
                status=values.get("status") if request.user.is_staff else None,
            )
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
