"""The ticket queue and ticket page agents work in; every change goes through a service."""

import copy
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ORDER_VAR
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.admin_site import admin_site
from core.clock import resolve_now
from core.registry import ticket_admin_actions
from helpdesk.models import Ticket
from helpdesk.search import matching_ticket_ids
from helpdesk.services import intake
from helpdesk.services.versions import PROPERTY_ORDER, change_properties
from helpdesk.sla.status import CLOCK_FIELDS, badges_for

from . import ticket_actions
from .base import KxModelAdmin
from .changelist import TicketChangeList
from .display import priority_badge, sla_badge, status_badge
from .filters import AssigneeFilter, SlaStateFilter, TeamFilter
from .forms import ReplyForm, TicketAddForm, TicketChangeForm
from .ticket_page import post_reply, ticket_page_context

SLA_READONLY = ["sla_plan", *CLOCK_FIELDS]


def _search_rank(ids: list[int]) -> RawSQL:
    """Each ticket's place in the index's order, as one SQL CASE over the ticket id.

    One expression rather than a Case of up to 1,000 When()s: Django resolves and compiles
    every When on each query (twice a page, with the count), which cost about 70 ms of CPU a
    page for a common word. The ids are integers from the index, passed as parameters.
    """
    if not ids:
        return RawSQL("0", (), output_field=IntegerField())
    column = f"{connection.ops.quote_name(Ticket._meta.db_table)}.{connection.ops.quote_name('id')}"
    branches = " ".join("WHEN %s THEN %s" for _ in ids)
    params = [value for place, pk in enumerate(ids) for value in (int(pk), place)]
    return RawSQL(f"CASE {column} {branches} ELSE %s END", (*params, len(ids)), output_field=IntegerField())


@admin.register(Ticket, site=admin_site)
class TicketAdmin(KxModelAdmin):
    list_display = [
        "reference_column",
        "subject",
        "requester_column",
        "status_column",
        "priority_column",
        "team",
        "assignee",
        "sla_column",
        "updated_column",
    ]
    list_display_links = ["reference_column", "subject"]
    list_select_related = ["requester", "organization", "team", "assignee"]
    list_filter = [
        "status",
        "priority",
        ("team", TeamFilter),
        AssigneeFilter,
        SlaStateFilter,
        "category",
        "channel",
        "needs_details",
        # Every organization, not "only those with tickets": that asked the database for the
        # distinct organization of every ticket on each page view.
        "organization",
    ]
    search_fields = ["subject", "requester__email"]
    search_help_text = gettext_lazy("Reference (KX-000123 or 123), summary or requester email.")
    ordering = ["-updated_at"]
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    autocomplete_fields = ["requester"]
    base_actions = [
        ticket_actions.assign_to_me,
        ticket_actions.change_status,
        ticket_actions.change_priority,
        ticket_actions.merge_selected,
    ]
    change_form_template = "admin/helpdesk/ticket/change_form.html"
    change_list_template = "admin/helpdesk/ticket/change_list.html"

    @property
    def actions(self):
        # Other apps add theirs through core.registry (read per request, so the order in
        # which apps become ready does not matter).
        return [*self.base_actions, *ticket_admin_actions]

    # --- the queue -------------------------------------------------------------------------

    def get_changelist(self, request, **kwargs):
        return TicketChangeList

    def get_changelist_instance(self, request: HttpRequest):
        changelist = super().get_changelist_instance(request)
        # One badge computation for the whole page (one calendar query), never one per row.
        changelist.result_list = list(changelist.result_list)
        badges = badges_for(changelist.result_list, now=resolve_now(None))
        for ticket in changelist.result_list:
            ticket.kx_sla_badge = badges.get(ticket.pk)
        return changelist

    def get_search_results(self, request, queryset: QuerySet[Ticket], search_term: str):
        """A reference names one ticket; an email finds the requester's tickets; anything else
        goes to the shared full-text index (subject, description, conversation; Chinese too)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        pk = Ticket.pk_from_reference(term)
        if pk is not None and term.upper().startswith("KX"):
            return queryset.filter(pk=pk), False
        if "@" in term:
            return queryset.filter(requester__email__icontains=term), False
        ids = matching_ticket_ids(query=term, user=request.user)
        if pk is not None:
            # A bare number may be a reference or text (an error code, a voucher number).
            ids.append(pk)
        found = queryset.filter(pk__in=ids)
        if ORDER_VAR in request.GET:
            return found, False
        # The index's order (relevance, then recency) is the queue's unless the agent sorts
        # (the changelist orders before it searches, so the order is set here).
        return found.annotate(kx_search_rank=_search_rank(ids)).order_by("kx_search_rank", "-pk"), False

    def action_checkbox(self, obj: Ticket):
        # The same input Django renders, without a widget and its template per row: on a
        # page of 50 tickets the widget rendering was a tenth of the queue's time.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    @admin.display(description=gettext_lazy("reference"), ordering="pk")
    def reference_column(self, ticket: Ticket) -> str:
        return ticket.reference

    @admin.display(description=gettext_lazy("requester"), ordering="requester__email")
    def requester_column(self, ticket: Ticket):
        return format_html(
            '{}<br><span class="kx-muted">{}</span>', ticket.requester, ticket.organization.name
        )

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_column(self, ticket: Ticket):
        return status_badge(ticket)

    @admin.display(description=gettext_lazy("priority"), ordering="priority")
    def priority_column(self, ticket: Ticket):
        return priority_badge(ticket)

    @admin.display(description=gettext_lazy("updated"), ordering="updated_at")
    def updated_column(self, ticket: Ticket) -> str:
        return date_format(timezone.localtime(ticket.updated_at), "Y-m-d H:i")

    @admin.display(description=gettext_lazy("SLA"))
    def sla_column(self, ticket: Ticket):
        return sla_badge(getattr(ticket, "kx_sla_badge", None))

    def has_delete_permission(self, request, obj=None) -> bool:
        # Tickets are never deleted (no "delete selected" either): the audit trail and the
        # reports depend on them; merging or closing is how an agent gets rid of one.
        return False

    # --- one ticket ------------------------------------------------------------------------

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # The plan a ticket was opened under (its SLA fields) and the requester's profile
            # (phone, language) are on the ticket page too: joined, not a query each.
            .select_related(
                "organization__sla_plan",
                "requester__customer_profile",
                "assignee",
                "team",
                "category",
                "sla_plan",
            )
        )

    def get_object(self, request, object_id, from_field=None):
        # The ticket page reads the ticket for its own context and Django's change view
        # reads it again: on a GET both get the one instance (a POST binds a form to it,
        # which changes it in place, so it is read afresh).
        if request.method != "GET" or from_field is not None:
            return super().get_object(request, object_id, from_field)
        cached = getattr(request, "_kx_ticket", None)
        if cached is None or cached[0] != object_id:
            cached = (object_id, super().get_object(request, object_id))
            request._kx_ticket = cached
        return cached[1]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = TicketChangeForm if obj is not None else TicketAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ["requester", "channel", "category", "priority", "subject"]}),
                (
                    _("What happened"),
                    {
                        "fields": [
                            "symptoms",
                            ("occurred_at", "long_standing"),
                            ("error_message", "no_error_shown"),
                            "steps_to_reproduce",
                            "expected_result",
                            "actual_result",
                        ]
                    },
                ),
                (
                    _("Environment and impact"),
                    {
                        "fields": [
                            ("erp_system", "erp_version", "plugin_version"),
                            "environment",
                            "impact",
                            ("posting_blocked", "affected_users"),
                            "voucher_numbers",
                            "form_key",
                        ]
                    },
                ),
            ]
        return [
            (None, {"fields": ["status", "priority", "assignee", "team", "category", "version"]}),
            (_("SLA"), {"fields": SLA_READONLY, "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return SLA_READONLY if obj is not None else []

    def save_model(self, request, obj: Ticket, form, change: bool) -> None:
        if change:
            change_properties(
                ticket=obj,
                changes={
                    name: form.cleaned_data[name] for name in form.changed_data if name in PROPERTY_ORDER
                },
                actor=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
            return
        data = form.cleaned_data
        ticket = intake.open_ticket(
            requester=data["requester"],
            channel=data["channel"],
            fields=form.ticket_fields(),
            priority=data["priority"],
            created_by=request.user,
            idempotency_key=data["form_key"],
        )
        obj.pk = ticket.pk
        if ticket.needs_details:
            self.message_user(
                request,
                _(
                    "%(ref)s is open. Its description is incomplete: the customer was asked by mail to add the missing details."
                )
                % {"ref": ticket.reference},
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change) -> None:
        # Tickets have no many-to-many fields or inlines; services saved everything.
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # A service refused (e.g. the ticket changed underneath us): say why, never a 500.
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(request.path)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ticket = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if ticket is not None:
            reply_form = context.pop("reply_form", None) or ReplyForm(ticket=ticket)
            context.update(ticket_page_context(ticket=ticket, reply_form=reply_form, request=request))
            context["reply_url"] = reverse("admin:helpdesk_ticket_reply", args=[ticket.pk])
        # One save button: the agent stays on the ticket (see response_change).
        context.update(show_save_and_add_another=False, show_save_and_continue=False)
        return super().change_view(request, object_id, form_url, extra_context=context)

    def response_add(self, request, obj, post_url_continue=None):
        if IS_POPUP_VAR in request.POST or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, _("Ticket %(ref)s was opened.") % {"ref": obj.reference}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:helpdesk_ticket_change", args=[obj.pk]))

    def response_change(self, request, obj):
        if IS_POPUP_VAR in request.POST:
            return super().response_change(request, obj)
        self.message_user(
            request, _("Ticket %(ref)s was updated.") % {"ref": obj.reference}, messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:helpdesk_ticket_change", args=[obj.pk]))

    # --- the reply box ---------------------------------------------------------------------

    def get_urls(self):
        reply = path(
            "<path:object_id>/reply/",
            self.admin_site.admin_view(self.reply_view),
            name="helpdesk_ticket_reply",
        )
        return [reply, *super().get_urls()]

    @staticmethod
    def _as_get(request: HttpRequest) -> HttpRequest:
        # Re-display the ticket page (with the bound reply form) instead of treating the
        # reply POST as a submission of the properties form.
        get_request = copy.copy(request)
        get_request.method = "GET"
        get_request.POST = QueryDict()
        get_request._files = MultiValueDict()
        return get_request

    def reply_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return require_POST(self._reply)(request, object_id)

    def _reply(self, request: HttpRequest, object_id: str) -> HttpResponse:
        ticket = self.get_object(request, unquote(object_id))
        if ticket is None or not self.has_change_permission(request, ticket):
            raise Http404(_("No such ticket."))
        form = ReplyForm(request.POST, request.FILES, ticket=ticket)
        if "_insert_canned" in request.POST:
            form.is_valid()
            fresh: dict[str, Any] = {"body": form.body_with_canned(), "kind": request.POST.get("kind")}
            fresh["status"] = request.POST.get("status", "")
            form = ReplyForm(initial=fresh, ticket=ticket)
        elif form.is_valid():
            try:
                message = post_reply(ticket=ticket, form=form, author=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("%(kind)s added.") % {"kind": message.get_kind_display()})
                url = reverse("admin:helpdesk_ticket_change", args=[ticket.pk])
                return HttpResponseRedirect(f"{url}#message-{message.pk}")
        return self.change_view(self._as_get(request), object_id, extra_context={"reply_form": form})
