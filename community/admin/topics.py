"""Topics in the admin: the staff actions (pin, lock, hide, move, merge, duplicate), turning a
topic into a ticket or a knowledge-base draft, and publishing a ticket's solution in it."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import apply_each, choose_and_apply, choose_then_apply
from core.admin_site import admin_site
from core.forms import add_service_errors
from helpdesk.models import Category, Ticket
from helpdesk.selectors.tickets import access_ticket

from ..models import Board, Topic, TopicState
from ..services import escalation, moderation
from .base import ReadOnlyAdmin


class MoveForm(forms.Form):
    board = forms.ModelChoiceField(
        label=gettext_lazy("Move to board"),
        queryset=Board.objects.all(),
        empty_label=gettext_lazy("Choose a board"),
    )


class TopicIdForm(forms.Form):
    target = forms.IntegerField(
        label=gettext_lazy("Topic number"),
        min_value=1,
        max_value=2**62,
        help_text=gettext_lazy("The number in the topic's address: /community/t/<number>/."),
    )
    note = forms.CharField(label=gettext_lazy("Note for the log"), required=False, max_length=500)

    def clean_target(self) -> Topic:
        topic = Topic.objects.filter(pk=self.cleaned_data["target"], state=TopicState.VISIBLE).first()
        if topic is None:
            raise ValidationError(_("There is no visible topic with that number."))
        return topic


class CategoryForm(forms.Form):
    category = forms.ModelChoiceField(
        label=gettext_lazy("Ticket category"),
        queryset=Category.objects.filter(is_active=True).order_by("position", "name"),
        empty_label=gettext_lazy("Choose a category"),
    )


class PublishForm(forms.Form):
    ticket = forms.CharField(
        label=gettext_lazy("Ticket"), max_length=20, help_text=gettext_lazy("e.g. KX-000123")
    )
    body = forms.CharField(
        label=gettext_lazy("Reply to publish"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        required=False,
        help_text=gettext_lazy("Left empty: the ticket's last agent reply. Remove anything private first."),
    )
    pin = forms.BooleanField(label=gettext_lazy("Pin as the official answer"), required=False, initial=True)


def _simple(service, description, done):
    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        apply_each(
            modeladmin, request, queryset, lambda topic: service(topic=topic, actor=request.user), done
        )

    action.__name__ = service.__name__
    return action


pin_selected = _simple(moderation.pin_topic, gettext_lazy("Pin"), gettext_lazy("%(count)d topics pinned."))
unpin_selected = _simple(
    moderation.unpin_topic, gettext_lazy("Unpin"), gettext_lazy("%(count)d topics unpinned.")
)
lock_selected = _simple(moderation.lock_topic, gettext_lazy("Lock"), gettext_lazy("%(count)d topics locked."))
unlock_selected = _simple(
    moderation.unlock_topic, gettext_lazy("Unlock"), gettext_lazy("%(count)d topics unlocked.")
)


@admin.action(description=gettext_lazy("Hide (the question and so the topic)"), permissions=["change"])
def hide_selected(modeladmin, request, queryset):
    apply_each(
        modeladmin,
        request,
        queryset,
        lambda topic: moderation.hide_post(post=topic.posts.get(number=1), actor=request.user),
        _("%(count)d topics hidden."),
    )


@admin.action(description=gettext_lazy("Restore (unhide)"), permissions=["change"])
def unhide_selected(modeladmin, request, queryset):
    apply_each(
        modeladmin,
        request,
        queryset,
        lambda topic: moderation.unhide_post(post=topic.posts.get(number=1), actor=request.user),
        _("%(count)d topics restored."),
    )


@admin.action(description=gettext_lazy("Move to another board…"), permissions=["change"])
def move_selected(modeladmin, request, queryset):
    return choose_and_apply(
        modeladmin,
        request,
        queryset,
        form_class=MoveForm,
        apply=lambda topic, data: moderation.move_topic(topic=topic, board=data["board"], actor=request.user),
        done=_("%(count)d topics moved."),
        action="move_selected",
        title=_("Move topics"),
        button=_("Move"),
    )


@admin.action(description=gettext_lazy("Merge into another topic…"), permissions=["change"])
def merge_selected(modeladmin, request, queryset):
    return choose_and_apply(
        modeladmin,
        request,
        queryset,
        form_class=TopicIdForm,
        apply=lambda topic, data: moderation.merge_topics(
            source=topic, target=data["target"], actor=request.user
        ),
        done=_("%(count)d topics merged."),
        action="merge_selected",
        title=_("Merge topics"),
        button=_("Merge"),
    )


@admin.action(description=gettext_lazy("Close as a duplicate of…"), permissions=["change"])
def duplicate_selected(modeladmin, request, queryset):
    return choose_and_apply(
        modeladmin,
        request,
        queryset,
        form_class=TopicIdForm,
        apply=lambda topic, data: moderation.close_as_duplicate(
            topic=topic, original=data["target"], actor=request.user, note=data["note"]
        ),
        done=_("%(count)d topics closed as duplicates."),
        action="duplicate_selected",
        title=_("Close as a duplicate"),
        button=_("Close as duplicate"),
    )


@admin.action(description=gettext_lazy("Escalate to a support ticket…"), permissions=["change"])
def escalate_selected(modeladmin, request, queryset):
    form = CategoryForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        category = form.cleaned_data["category"]
        for topic in queryset:
            try:
                ticket = escalation.escalate_topic(topic=topic, actor=request.user, category=category)
            except ValidationError as error:
                modeladmin.message_user(request, f"{topic}: {' '.join(error.messages)}", messages.ERROR)
                continue
            url = reverse("admin:helpdesk_ticket_change", args=[ticket.pk])
            modeladmin.message_user(
                request,
                format_html('{}: <a href="{}">{}</a>', topic, url, ticket.reference),
                messages.SUCCESS,
            )
        return None
    return choose_then_apply(
        modeladmin,
        request,
        queryset,
        form=form,
        action="escalate_selected",
        title=_("Escalate to a support ticket"),
        button=_("Open tickets"),
    )


@admin.action(description=gettext_lazy("Create knowledge-base draft from topic"), permissions=["change"])
def draft_article_selected(modeladmin, request, queryset):
    for topic in queryset.select_related("solution", "official_answer"):
        try:
            article = escalation.draft_article_from_topic(topic=topic, editor=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, f"{topic}: {' '.join(error.messages)}", messages.ERROR)
            continue
        url = reverse("admin:knowledgebase_article_change", args=[article.pk])
        modeladmin.message_user(
            request, format_html('{}: <a href="{}">{}</a>', topic, url, _("draft created")), messages.SUCCESS
        )


@admin.register(Topic, site=admin_site)
class TopicAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "board",
        "author",
        "state",
        "is_solved",
        "is_pinned",
        "is_locked",
        "escalated",
        "reply_count",
        "vote_count",
        "last_activity_at",
    )
    list_filter = ("board", "state", "is_solved", "is_pinned", "is_locked")
    list_select_related = ("board", "author")
    search_fields = ("title",)
    show_full_result_count = False
    readonly_fields = ("site_link", "publish_link")
    change_form_template = "admin/community/topic/change_form.html"
    actions = (
        pin_selected,
        unpin_selected,
        lock_selected,
        unlock_selected,
        hide_selected,
        unhide_selected,
        move_selected,
        merge_selected,
        duplicate_selected,
        escalate_selected,
        draft_article_selected,
    )

    @admin.display(description=gettext_lazy("escalated"), boolean=True)
    def escalated(self, obj: Topic) -> bool:
        return obj.ticket_id is not None

    @admin.display(description=gettext_lazy("On the site"))
    def site_link(self, obj: Topic) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Open the topic"))

    @admin.display(description=gettext_lazy("Ticket's solution"))
    def publish_link(self, obj: Topic) -> str:
        url = reverse("admin:community_topic_publish", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Publish a ticket's solution as a reply here"))

    def get_urls(self):
        extra = [
            path(
                "<path:object_id>/publish-solution/",
                self.admin_site.admin_view(self.publish_view),
                name="community_topic_publish",
            )
        ]
        return extra + super().get_urls()

    def publish_view(self, request, object_id: str):
        """Post a ticket's solution (edited by the agent) in this topic as a staff reply."""
        if not self.has_change_permission(request):
            raise Http404
        try:
            pk = int(object_id)
        except ValueError:
            raise Http404 from None
        topic = get_object_or_404(Topic, pk=pk)
        if topic.state != TopicState.VISIBLE:
            raise Http404
        initial = {"pin": True}
        if topic.ticket_id:
            initial["ticket"] = Ticket(pk=topic.ticket_id).reference
            reply = escalation.last_agent_reply(topic.ticket)
            initial["body"] = reply.body if reply else ""
        form = PublishForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                ticket = access_ticket(request.user, form.cleaned_data["ticket"])
            except Http404:
                form.add_error("ticket", _("There is no ticket with that reference."))
            else:
                try:
                    post = escalation.publish_ticket_solution(
                        ticket=ticket,
                        topic=topic,
                        agent=request.user,
                        body=form.cleaned_data["body"] or None,
                        pin=form.cleaned_data["pin"],
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    self.message_user(
                        request, _("The solution was published as reply #%(n)d.") % {"n": post.number}
                    )
                    return HttpResponseRedirect(post.get_absolute_url())
        context = {
            **self.admin_site.each_context(request),
            "title": _("Publish a ticket's solution"),
            "opts": self.model._meta,
            "original": topic,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/community/topic/publish.html", context)
