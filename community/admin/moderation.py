"""The flag queue, posts (approval, hide, restore), members' trust and the moderation log."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import apply_each
from core.admin_site import admin_site

from ..models import Flag, FlagState, ForumProfile, ModerationLog, Post, Trust
from ..services import flags, moderation
from .base import ReadOnlyAdmin


def _excerpt(post: Post) -> str:
    return Truncator(post.body_md).chars(120)


def _post_link(post: Post) -> str:
    return format_html(
        '<a href="{}">{} #{}</a>', post.get_absolute_url(), Truncator(post.topic.title).chars(50), post.number
    )


def _post_action(service, description, done, *, on_post=lambda row: row, **extra):
    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        apply_each(
            modeladmin,
            request,
            queryset,
            lambda row: service(post=on_post(row), actor=request.user, **extra),
            done,
        )

    action.__name__ = f"{service.__name__}_selected"
    return action


@admin.register(Post, site=admin_site)
class PostAdmin(ReadOnlyAdmin):
    list_display = (
        "post_column",
        "excerpt",
        "author",
        "author_badge",
        "state",
        "flag_count",
        "vote_count",
        "created_at",
    )
    list_filter = ("state", "hidden_reason", "author_badge")
    list_select_related = ("topic", "author")
    search_fields = ("topic__title",)
    show_full_result_count = False
    actions = (
        _post_action(
            moderation.approve_post, gettext_lazy("Approve"), gettext_lazy("%(count)d posts approved.")
        ),
        _post_action(
            moderation.reject_post, gettext_lazy("Reject"), gettext_lazy("%(count)d posts rejected.")
        ),
        _post_action(moderation.hide_post, gettext_lazy("Hide"), gettext_lazy("%(count)d posts hidden.")),
        _post_action(
            moderation.unhide_post,
            gettext_lazy("Restore (unhide)"),
            gettext_lazy("%(count)d posts restored."),
        ),
    )

    @admin.display(description=gettext_lazy("post"))
    def post_column(self, obj: Post) -> str:
        return _post_link(obj)

    @admin.display(description=gettext_lazy("text"))
    def excerpt(self, obj: Post) -> str:
        return _excerpt(obj)


class OpenFirst(admin.SimpleListFilter):
    """The queue opens on what needs a decision."""

    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(FlagState.OPEN, FlagState.OPEN.label), (FlagState.AGREED, FlagState.AGREED.label),
                (FlagState.DISMISSED, FlagState.DISMISSED.label), ("all", _("All"))]  # fmt: skip

    def choices(self, changelist):
        value = self.value() or FlagState.OPEN
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or FlagState.OPEN
        if value == "all":
            return queryset
        if value not in FlagState.values:
            return queryset.none()
        return queryset.filter(state=value)


@admin.register(Flag, site=admin_site)
class FlagAdmin(ReadOnlyAdmin):
    """The flag queue: agree (the post stays hidden) or dismiss (a post the flags hid returns)."""

    list_display = (
        "post_column",
        "excerpt",
        "reason",
        "note",
        "user",
        "post_state",
        "post_flags",
        "created_at",
    )
    list_filter = (OpenFirst, "reason")
    list_select_related = ("post", "post__topic", "user")
    actions = (
        _post_action(
            flags.agree_with_flags,
            gettext_lazy("Agree: keep the post hidden"),
            gettext_lazy("%(count)d flags settled, posts hidden."),
            on_post=lambda flag: flag.post,
        ),
        _post_action(
            flags.dismiss_flags,
            gettext_lazy("Dismiss: nothing wrong, restore the post"),
            gettext_lazy("%(count)d flags dismissed."),
            on_post=lambda flag: flag.post,
        ),
    )

    @admin.display(description=gettext_lazy("post"))
    def post_column(self, obj: Flag) -> str:
        return _post_link(obj.post)

    @admin.display(description=gettext_lazy("text"))
    def excerpt(self, obj: Flag) -> str:
        return _excerpt(obj.post)

    @admin.display(description=gettext_lazy("post state"))
    def post_state(self, obj: Flag) -> str:
        return obj.post.get_state_display()

    @admin.display(description=gettext_lazy("open flags"))
    def post_flags(self, obj: Flag) -> int:
        return obj.post.flag_count


@admin.action(description=gettext_lazy("Make member (lift the new-member limits)"), permissions=["change"])
def make_member(modeladmin, request, queryset):
    apply_each(
        modeladmin,
        request,
        queryset,
        lambda profile: moderation.set_trust(profile=profile, trust=Trust.MEMBER, actor=request.user),
        _("%(count)d members trusted."),
    )


@admin.action(description=gettext_lazy("Limit as a new member again"), permissions=["change"])
def make_new(modeladmin, request, queryset):
    apply_each(
        modeladmin,
        request,
        queryset,
        lambda profile: moderation.set_trust(profile=profile, trust=Trust.NEW, actor=request.user),
        _("%(count)d members limited."),
    )


@admin.register(ForumProfile, site=admin_site)
class ForumProfileAdmin(ReadOnlyAdmin):
    list_display = ("handle", "user", "trust", "post_count", "email_digests", "created_at")
    list_filter = ("trust", "email_digests")
    list_select_related = ("user",)
    search_fields = ("handle", "user__email", "user__full_name")
    actions = (make_member, make_new)


@admin.register(ModerationLog, site=admin_site)
class ModerationLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor_column", "topic_column", "post_number", "note")
    list_filter = ("action",)
    list_select_related = ("actor", "topic", "post")
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=gettext_lazy("by"))
    def actor_column(self, obj: ModerationLog) -> str:
        return str(obj.actor) if obj.actor else _("the forum (automatic)")

    @admin.display(description=gettext_lazy("topic"))
    def topic_column(self, obj: ModerationLog) -> str:
        if obj.topic is None:
            return obj.data.get("title") or "—"
        return format_html(
            '<a href="{}">{}</a>', obj.topic.get_absolute_url(), Truncator(obj.topic.title).chars(60)
        )

    @admin.display(description=gettext_lazy("post"))
    def post_number(self, obj: ModerationLog) -> str:
        return f"#{obj.post.number}" if obj.post else "—"
