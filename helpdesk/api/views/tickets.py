"""Tickets: customers open, follow, answer, resolve, reopen and rate their own (an org admin
their organization's); agents list, read and work them through the services the admin uses."""

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from helpdesk.models import Channel, InvalidTransition, Status, TicketMessage
from helpdesk.selectors.tickets import access_ticket, conversation, visible_tickets
from helpdesk.services import intake
from helpdesk.services.conversation import Visibility, add_reply, reopen_with_reason
from helpdesk.services.tickets import merge_tickets
from helpdesk.services.versions import StaleTicket, change_properties, describe
from helpdesk.services.workflow import rate_ticket, set_status

from ..base import ApiViewSetMixin, agents_only
from ..errors import ErrorSerializer, service_errors
from ..filters import TicketFilter
from ..idempotency import IDEMPOTENCY_PARAMETER
from ..pagination import KeysetPagination
from ..permissions import TICKETS_READ, TICKETS_WRITE
from ..serializers import (
    AttachmentSerializer,
    EmptySerializer,
    MergeSerializer,
    MessageSerializer,
    RateSerializer,
    RatingSerializer,
    ReopenSerializer,
    ReplySerializer,
    TicketCreateSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
    is_agent,
)

# Keys are scoped to the user who sends them: two integrations using the same key never
# see each other's tickets.
IDEMPOTENCY_NAMESPACE = uuid.UUID("5b0f7c1e-8a3d-4b7e-9c55-2f0d8e4a6b13")


def idempotency_key(request) -> uuid.UUID | None:
    """open_ticket's own key, derived from the header (intake deduplicates on it too)."""
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        return None
    return uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{request.user.pk}:{key}")


def _write(serializer_class, request, **context):
    data = serializer_class(data=request.data, context={"request": request, **context})
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


NO_FILTERS = {"filters": False}
ERP_PLUGIN_EXAMPLE = {
    "category": "posting",
    "subject": "插件 3.2.1 报错：ERR-4012 科目 1122 不存在",
    "symptoms": "插件在生成收款凭证时失败，收款单没有生成凭证，财务人员无法继续过账。",
    "occurred_at": "2025-11-03T09:30:00+08:00",
    "error_message": "ERR-4012 account 1122 does not exist or is disabled",
    "steps_to_reproduce": "1. 打开收款单 2. 点击生成凭证 3. 插件报错",
    "expected_result": "凭证生成并过账",
    "actual_result": "插件报错，凭证没有生成",
    "erp_system": "kingdee",
    "erp_version": "K/3 Cloud 8.1",
    "plugin_version": "3.2.1",
    "environment": "Last log lines:\n2025-11-03 09:30:01 ERROR ERR-4012 account 1122 missing",
}
POST_ACTION = {"detail": True, "methods": ["post"], "filter_backends": [], "pagination_class": None}


@extend_schema_view(
    list=extend_schema(summary="List the tickets you may see (keyset pages)"),
    retrieve=extend_schema(summary="One ticket"),
)
class TicketViewSet(ApiViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Tickets the caller may see: a customer their own, an organization admin the
    organization's, agents all. A ticket the caller may not see is a 404."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    # Checked by HasKeyScope for requests made with an API key.
    read_scope = TICKETS_READ
    write_scope = TICKETS_WRITE
    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    pagination_class = KeysetPagination
    ordering_fields = ["created_at", "updated_at", "priority"]
    ordering = ["-created_at"]
    search_fields = ["subject", "symptoms", "error_message"]

    def get_queryset(self):
        return visible_tickets(self.request.user).select_related(
            "requester", "organization", "category", "team", "assignee", "sla_plan"
        )

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError):
            raise Http404 from None
        ticket = access_ticket(self.request.user, pk)
        self.check_object_permissions(self.request, ticket)
        return ticket

    def _ticket(self, ticket, **kwargs):
        return TicketSerializer(ticket, context={"request": self.request}).data

    @extend_schema(
        summary="Open a ticket (JSON, or multipart with files)",
        request={"application/json": TicketCreateSerializer, "multipart/form-data": TicketCreateSerializer},
        responses={201: TicketSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        examples=[
            OpenApiExample("From the ERP plugin", value=ERP_PLUGIN_EXAMPLE, request_only=True),
            OpenApiExample(
                "Too vague (400)",
                value={
                    "code": "invalid",
                    "detail": "Some fields are not valid; see “errors”.",
                    "errors": {
                        "steps_to_reproduce": [
                            "List the steps you took, one per line, e.g. “1. 打开收款单 2. 点击生成凭证 3. …”."
                        ]
                    },
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def create(self, request, *args, **kwargs):
        values = _write(TicketCreateSerializer, request)
        user = request.user
        agent = is_agent(user)
        requester = values.pop("requester", None) if agent else user
        if requester is None:
            raise ValidationError({"requester": [_("Agents must name the customer the ticket is for.")]})
        try:
            ticket = intake.open_ticket(
                requester=requester,
                channel=values.pop("channel") if agent else Channel.API,
                fields={name: values[name] for name in intake.TICKET_FIELDS if name in values},
                attachments=values.get("files", []),
                priority=values.get("priority") if agent else None,
                created_by=user if agent else None,
                idempotency_key=idempotency_key(request),
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(self._ticket(ticket), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Agents: change status, priority, assignee, team or category",
        request=TicketUpdateSerializer,
        responses={200: TicketSerializer, 409: ErrorSerializer},
        parameters=[
            OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, description="The version read.")
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        """Send the version you read; if the ticket changed since, nothing is saved and the
        answer is 409 with the changes and the current version. A transition the workflow
        forbids (e.g. closed → open) is a 400 naming it."""
        agents_only(request, _("Only agents can change a ticket's properties."))
        ticket = self.get_object()
        values = _write(TicketUpdateSerializer, request)
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
                    "code": "stale",
                    "detail": stale.messages[0],
                    "version": stale.current_version,
                    "changes": [describe(event) for event in stale.changes],
                },
                status=status.HTTP_409_CONFLICT,
            )
        except InvalidTransition as exc:
            raise ValidationError({"status": exc.messages}) from exc
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(self._ticket(ticket))

    def retrieve(self, request, *args, **kwargs):
        response = Response(self._ticket(self.get_object()))
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    @extend_schema(
        summary="The conversation (internal notes: agents only)",
        responses=MessageSerializer(many=True),
        **NO_FILTERS,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def messages(self, request, pk=None, format=None):
        ticket = self.get_object()
        messages = conversation(ticket, internal=is_agent(request.user))
        return Response(MessageSerializer(messages, many=True, context={"request": request}).data)

    @extend_schema(
        summary="Every file of the ticket", responses=AttachmentSerializer(many=True), **NO_FILTERS
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def attachments(self, request, pk=None, format=None):
        ticket = self.get_object()
        files = ticket.attachments.order_by("created_at", "pk")
        if not is_agent(request.user):
            files = files.filter(is_internal=False)
        return Response(AttachmentSerializer(files, many=True, context={"request": request}).data)

    @extend_schema(
        summary="Reply, or (agents) write an internal note; files as multipart",
        request={"application/json": ReplySerializer, "multipart/form-data": ReplySerializer},
        responses={201: MessageSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        **NO_FILTERS,
    )
    @action(**POST_ACTION)
    def reply(self, request, pk=None, format=None):
        ticket = self.get_object()
        values = _write(ReplySerializer, request)
        try:
            message = add_reply(
                ticket=ticket,
                author=request.user,
                body=values["body"],
                channel=Channel.API,
                attachments=values.get("files", []),
                visibility=Visibility.INTERNAL if values["internal"] else Visibility.PUBLIC,
                status=values.get("status"),
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        message = (
            TicketMessage.objects.select_related("author").prefetch_related("attachments").get(pk=message.pk)
        )
        return Response(
            MessageSerializer(message, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Mark as resolved",
        request=EmptySerializer,
        responses={200: TicketSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        **NO_FILTERS,
    )
    @action(**POST_ACTION)
    def resolve(self, request, pk=None, format=None):
        ticket = self.get_object()
        _write(EmptySerializer, request)
        return Response(
            self._ticket(self._service(set_status, ticket=ticket, status=Status.RESOLVED, actor=request.user))
        )

    @extend_schema(
        summary="Reopen a resolved ticket (customers: within 7 days)",
        request=ReopenSerializer,
        responses={200: TicketSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        **NO_FILTERS,
    )
    @action(**POST_ACTION)
    def reopen(self, request, pk=None, format=None):
        ticket = self.get_object()
        values = _write(ReopenSerializer, request)
        ticket = self._service(
            reopen_with_reason, ticket=ticket, actor=request.user, reason=values.get("reason", "")
        )
        return Response(self._ticket(access_ticket(request.user, ticket.pk)))

    @extend_schema(
        summary="Customers: rate the latest resolution (1–5)",
        request=RateSerializer,
        responses={201: RatingSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        **NO_FILTERS,
    )
    @action(**POST_ACTION)
    def rate(self, request, pk=None, format=None):
        ticket = self.get_object()
        if is_agent(request.user):
            raise PermissionDenied(_("Only the customer rates the help they got."))
        values = _write(RateSerializer, request)
        pending = ticket.ratings.filter(rated_at__isnull=True).order_by("-surveyed_at").first()
        if pending is None:
            raise ValidationError({"score": [_("There is no resolution waiting for a rating.")]})
        rating = self._service(rate_ticket, token=pending.token, actor=request.user, **values)
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Agents: merge this ticket into another of the same organization",
        request=MergeSerializer,
        responses={200: TicketSerializer, 404: OpenApiResponse(ErrorSerializer)},
        parameters=[IDEMPOTENCY_PARAMETER],
        **NO_FILTERS,
    )
    @action(**POST_ACTION)
    def merge(self, request, pk=None, format=None):
        agents_only(request, _("Only agents can merge tickets."))
        ticket = self.get_object()
        values = _write(MergeSerializer, request)
        into = values["into"].strip()
        target = access_ticket(request.user, int(into) if into.isdigit() else into)
        survivor = self._service(merge_tickets, source=ticket, target=target, actor=request.user)
        return Response(self._ticket(access_ticket(request.user, survivor.pk)))

    @staticmethod
    def _service(function, **kwargs):
        try:
            return function(**kwargs)
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
