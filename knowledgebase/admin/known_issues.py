"""Known issues in the agent workspace: link tickets to them, see who is affected, announce the fix.

Three entry points, one service each (knowledgebase.services.known_issues):
- the ticket queue's bulk action "Link to a known issue…" (through core.registry),
- the ticket page's "Known issues" box (linked issues, suggestions, a link form),
- the known issue's own page: linked tickets, affected organizations, "Mark fixed…".
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core.admin import choose_and_apply
from core.registry import AdminUrls, TicketPanel
from helpdesk.models import PluginVersion, Status, Ticket
from helpdesk.versioning import sort_versions
from knowledgebase.models import Article, IssueStatus, Kind, LinkSource
from knowledgebase.selectors import versions as selectors
from knowledgebase.services import known_issues as svc


def _known_issues():
    return Article.objects.filter(kind=Kind.KNOWN_ISSUE).order_by("-published_at", "-pk")


class KnownIssueChoiceForm(forms.Form):
    issue = forms.ModelChoiceField(label=gettext_lazy("Known issue"), queryset=Article.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue"].queryset = _known_issues().exclude(issue_status=IssueStatus.FIXED)


@admin.action(description=gettext_lazy("Link to a known issue…"), permissions=["change"])
def link_to_known_issue(modeladmin, request, queryset):
    def apply(ticket: Ticket, data: dict) -> None:
        svc.link_tickets(issue=data["issue"], tickets=[ticket], actor=request.user, source=LinkSource.BULK)

    return choose_and_apply(
        modeladmin,
        request,
        queryset.select_related("organization").order_by("pk"),
        form_class=KnownIssueChoiceForm,
        apply=apply,
        done=lambda count: (
            ngettext("%(count)d ticket linked.", "%(count)d tickets linked.", count) % {"count": count}
        ),
        action="link_to_known_issue",
        title=_("Link these tickets to a known issue"),
        button=_("Link"),
        row_template="admin/helpdesk/ticket/_action_row.html",
    )


# --- the ticket page's box --------------------------------------------------------------------


def ticket_panel_html(*, ticket: Ticket, request) -> str:
    linked = list(
        Article.objects.filter(kind=Kind.KNOWN_ISSUE, ticket_links__ticket=ticket)
        .select_related("fixed_in")
        .order_by("-published_at")
    )
    choices = selectors.open_issues_for_ticket(ticket=ticket, user=request.user)
    suggestions = (
        selectors.suggest_for_ticket(ticket=ticket, user=request.user, issues=choices)
        if ticket.is_open
        else []
    )
    return render_to_string(
        "knowledgebase/admin/ticket_known_issues.html",
        {"ticket": ticket, "linked": linked, "suggestions": suggestions, "choices": choices},
        request=request,
    )


TICKET_PANEL = TicketPanel(key="knowledgebase.known_issues", render=ticket_panel_html)


def _ticket_for_change(request, ticket_id: int) -> Ticket:
    from helpdesk.selectors.tickets import access_ticket

    if not request.user.has_perm("helpdesk.change_ticket"):
        raise PermissionDenied
    return access_ticket(request.user, ticket_id)


@require_POST
def link_view(request, ticket_id: int):
    ticket = _ticket_for_change(request, ticket_id)
    back = reverse("admin:helpdesk_ticket_change", args=[ticket.pk])
    issue = _known_issues().filter(pk=request.POST.get("issue") or 0).first()
    if issue is None:
        messages.error(request, _("Choose a known issue to link."))
        return redirect(back)
    source = LinkSource.SUGGESTED if request.POST.get("suggested") else LinkSource.TICKET_PAGE
    try:
        linked = svc.link_tickets(issue=issue, tickets=[ticket], actor=request.user, source=source)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if linked:
            messages.success(request, _("Linked to the known issue “%(title)s”.") % {"title": issue.title})
        else:
            messages.info(
                request, _("This ticket was already linked to “%(title)s”.") % {"title": issue.title}
            )
    return redirect(back)


@require_POST
def unlink_view(request, ticket_id: int, issue_id: int):
    ticket = _ticket_for_change(request, ticket_id)
    issue = get_object_or_404(_known_issues(), pk=issue_id)
    if svc.unlink_ticket(issue=issue, ticket=ticket, actor=request.user):
        messages.success(request, _("The link to “%(title)s” was removed.") % {"title": issue.title})
    return redirect(reverse("admin:helpdesk_ticket_change", args=[ticket.pk]))


# --- the known issue's page: mark fixed -------------------------------------------------------


class MarkFixedForm(forms.Form):
    version = forms.ModelChoiceField(
        label=gettext_lazy("Fixed in version"), queryset=PluginVersion.objects.none()
    )
    then = forms.ChoiceField(
        label=gettext_lazy("Then the linked open tickets"),
        choices=[
            (Status.PENDING_CUSTOMER, gettext_lazy("wait on the customer to confirm")),
            (Status.RESOLVED, gettext_lazy("are resolved")),
        ],
        initial=Status.PENDING_CUSTOMER,
        widget=forms.RadioSelect,
    )
    reply_zh_hans = forms.CharField(
        label=gettext_lazy("Reply to Chinese-speaking requesters"), widget=forms.Textarea(attrs={"rows": 8})
    )
    reply_en = forms.CharField(
        label=gettext_lazy("Reply to English-speaking requesters"), widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        versions = sort_versions(list(PluginVersion.objects.all()), key=lambda v: v.version, reverse=True)
        self.fields["version"].queryset = PluginVersion.objects.filter(pk__in=[v.pk for v in versions])
        self.fields["version"].choices = [("", "---------"), *[(v.pk, v.version) for v in versions]]


def mark_fixed_view(request, pk: int):
    if not request.user.has_perm("knowledgebase.change_article"):
        raise PermissionDenied
    issue = get_object_or_404(_known_issues(), pk=pk)
    links = list(selectors.linked_tickets(issue=issue))
    version_id = request.POST.get("version") or request.GET.get("version") or issue.fixed_in_id
    if "send" in request.POST:
        form = MarkFixedForm(request.POST)
    else:
        # First view, or "fill in the reply" after picking a version: the defaults for it,
        # keeping what else was chosen.
        initial = {"version": version_id, "then": request.POST.get("then") or Status.PENDING_CUSTOMER}
        version = PluginVersion.objects.filter(pk=version_id).first() if str(version_id).isdigit() else None
        if version is not None:
            defaults = svc.default_fix_replies(issue=issue, version=version)
            initial.update(reply_zh_hans=defaults["zh-hans"], reply_en=defaults["en"])
        form = MarkFixedForm(initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = svc.mark_fixed(
                issue=issue,
                version=data["version"],
                replies={"zh-hans": data["reply_zh_hans"], "en": data["reply_en"]},
                then=data["then"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Marked fixed in %(version)s: %(tickets)d ticket(s) answered, %(people)d requester(s) notified."
                )
                % {"version": data["version"], "tickets": outcome.replied, "people": outcome.requesters},
            )
            if outcome.kept_status:
                messages.warning(
                    request,
                    _("%(count)d ticket(s) kept their status: the workflow does not allow that move.")
                    % {"count": outcome.kept_status},
                )
            return redirect(reverse("admin:knowledgebase_article_change", args=[issue.pk]))
    from core.admin_site import admin_site

    context = {
        **admin_site.each_context(request),
        "title": _("Mark “%(title)s” fixed") % {"title": issue.title},
        "issue": issue,
        "form": form,
        "open_links": [link for link in links if link.ticket.is_open and link.fix_notified_at is None],
        "opts": Article._meta,
    }
    return TemplateResponse(request, "knowledgebase/admin/mark_fixed.html", context)


def build_urls(site) -> list:
    return [
        path(
            "knowledgebase/known-issues/<int:pk>/fix/",
            site.admin_view(mark_fixed_view),
            name="knowledgebase_known_issue_fix",
        ),
        path(
            "knowledgebase/known-issues/link/<int:ticket_id>/",
            site.admin_view(link_view),
            name="knowledgebase_known_issue_link",
        ),
        path(
            "knowledgebase/known-issues/unlink/<int:ticket_id>/<int:issue_id>/",
            site.admin_view(unlink_view),
            name="knowledgebase_known_issue_unlink",
        ),
    ]


ADMIN_URLS = AdminUrls(key="knowledgebase.known_issues", build=build_urls)
