"""Bulk actions on the ticket queue; each one calls a service per ticket and reports
what was refused instead of failing the whole page."""

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.admin import apply_each, choose_and_apply, choose_then_apply
from helpdesk.models import Ticket
from helpdesk.services.tickets import assign_ticket, merge_tickets, set_priority
from helpdesk.services.workflow import set_status

from .forms import MergeForm, PriorityActionForm, StatusActionForm

ROW_TEMPLATE = "admin/helpdesk/ticket/_action_row.html"


def _tickets_updated(count: int) -> str:
    return ngettext("%(count)d ticket updated.", "%(count)d tickets updated.", count) % {"count": count}


def _apply_each(modeladmin, request, queryset: QuerySet[Ticket], change: Callable[[Ticket], object]) -> None:
    apply_each(modeladmin, request, queryset.order_by("pk"), change, _tickets_updated)


def _intermediate_page(modeladmin, request, queryset, *, form, action: str, title: str, button: str):
    return choose_then_apply(
        modeladmin,
        request,
        queryset.select_related("organization").order_by("pk"),
        form=form,
        action=action,
        title=title,
        button=button,
        row_template=ROW_TEMPLATE,
        # Merging asks which ticket to keep: the choice itself lists the tickets.
        list_rows=action != "merge_selected",
    )


@admin.action(description=gettext_lazy("Assign to me"), permissions=["change"])
def assign_to_me(modeladmin, request, queryset):
    _apply_each(
        modeladmin,
        request,
        queryset,
        lambda ticket: assign_ticket(ticket=ticket, assignee=request.user, actor=request.user),
    )


def _choose_and_apply(modeladmin, request, queryset, *, form_class, field, apply, action, title, button):
    """An action that first asks for one value (a status, a priority), then applies it to each
    selected ticket through a service."""
    return choose_and_apply(
        modeladmin,
        request,
        queryset.select_related("organization").order_by("pk"),
        form_class=form_class,
        apply=lambda ticket, data: apply(ticket, data[field]),
        done=_tickets_updated,
        action=action,
        title=title,
        button=button,
        row_template=ROW_TEMPLATE,
    )


@admin.action(description=gettext_lazy("Change status…"), permissions=["change"])
def change_status(modeladmin, request, queryset):
    return _choose_and_apply(
        modeladmin,
        request,
        queryset,
        form_class=StatusActionForm,
        field="status",
        apply=lambda ticket, status: set_status(ticket=ticket, status=status, actor=request.user),
        action="change_status",
        title=_("Change the status of these tickets"),
        button=_("Change status"),
    )


@admin.action(description=gettext_lazy("Change priority…"), permissions=["change"])
def change_priority(modeladmin, request, queryset):
    return _choose_and_apply(
        modeladmin,
        request,
        queryset,
        form_class=PriorityActionForm,
        field="priority",
        apply=lambda ticket, priority: set_priority(ticket=ticket, priority=priority, actor=request.user),
        action="change_priority",
        title=_("Change the priority of these tickets"),
        button=_("Change priority"),
    )


@admin.action(description=gettext_lazy("Merge selected tickets…"), permissions=["change"])
def merge_selected(modeladmin, request, queryset):
    tickets = queryset.order_by("pk")
    if tickets.count() < 2:
        modeladmin.message_user(request, _("Select at least two tickets to merge."), messages.WARNING)
        return None
    form = MergeForm(request.POST if "apply" in request.POST else None, tickets=tickets)
    if form.is_bound and form.is_valid():
        target = form.cleaned_data["target"]
        sources = [ticket for ticket in tickets if ticket.pk != target.pk]
        try:
            # All or nothing: a half-merged selection would be harder to untangle than none.
            with transaction.atomic():
                for source in sources:
                    merge_tickets(source=source, target=target, actor=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d ticket merged into %(ref)s.",
                "%(count)d tickets merged into %(ref)s.",
                len(sources),
            )
            % {"count": len(sources), "ref": target.reference},
            messages.SUCCESS,
        )
        return None
    return _intermediate_page(
        modeladmin,
        request,
        queryset,
        form=form,
        action="merge_selected",
        title=_("Merge tickets"),
        button=_("Merge"),
    )
