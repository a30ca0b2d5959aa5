"""REST API v1: reads are filtered viewsets over selectors; writes go through services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from helpdesk.models import Category, PluginVersion, TicketMessage
from helpdesk.models.tickets import DESCRIPTION_FIELDS
from helpdesk.selectors.tickets import visible_tickets
from helpdesk.services.conversation import add_internal_note, record_agent_reply, record_customer_reply
from helpdesk.services.tickets import submit_ticket

from .filters import TicketFilter
from .serializers import (
    CategorySerializer,
    MessageSerializer,
    PluginVersionSerializer,
    ReplySerializer,
    TicketCreateSerializer,
    TicketSerializer,
)


def _service_errors(exc: DjangoValidationError) -> ValidationError:
    return ValidationError({"detail": exc.messages})


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

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer})
    def create(self, request, *args, **kwargs):
        data = TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        requester = values.get("requester") if request.user.is_staff else request.user
        if requester is None:
            raise ValidationError({"requester": ["Agents must name the customer the ticket is for."]})
        try:
            ticket = submit_ticket(
                requester=requester,
                category=values["category"],
                subject=values["subject"],
                details={k: values[k] for k in DESCRIPTION_FIELDS if k in values},
                priority=values["priority"] if request.user.is_staff else "p3",
                channel=values["channel"],
                created_by=request.user if request.user.is_staff else None,
            )
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)

    # The ticket list's filters and paging do not apply to one ticket's conversation.
    @extend_schema(responses=MessageSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def messages(self, request, pk=None):
        ticket = self.get_object()
        messages = ticket.messages.select_related("author")
        if not request.user.is_staff:
            messages = messages.filter(~Q(kind=TicketMessage.Kind.INTERNAL_NOTE))
        return Response(MessageSerializer(messages, many=True).data)

    @extend_schema(request=ReplySerializer, responses={201: MessageSerializer}, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reply(self, request, pk=None):
        ticket = self.get_object()
        data = ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body, internal = data.validated_data["body"], data.validated_data["internal"]
        if internal and not request.user.is_staff:
            raise PermissionDenied("Only agents can write internal notes.")
        try:
            if not request.user.is_staff:
                message = record_customer_reply(ticket=ticket, author=request.user, body=body, channel="api")
            elif internal:
                message = add_internal_note(ticket=ticket, author=request.user, body=body)
            else:
                message = record_agent_reply(ticket=ticket, author=request.user, body=body, channel="api")
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
