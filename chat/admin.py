"""Agent side in the Django admin: the live chat queue page, and the chat records."""

from django.contrib import admin
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.admin import ModelAdmin
from core.admin_site import admin_site
from core.registry import AdminSection, AdminUrls
from helpdesk.models import CannedResponse, Team, User

from .models import AgentAvailability, ChatSession
from .widgets import websocket_url


def chat_queue_view(request):
    """The live queue: everything on it arrives over the agent's websocket."""
    if not request.user.is_staff:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    teams = Team.objects.filter(members=request.user)
    context = {
        **admin_site.each_context(request),
        "title": _("Live chat"),
        "ws_url": websocket_url(request) + "/ws/chat/agent/",
        "canned": CannedResponse.objects.filter(
            Q(team__isnull=True) | Q(team__in=teams), is_active=True
        ).order_by("title"),
        "agents": User.objects.filter(is_staff=True, is_active=True)
        .exclude(pk=request.user.pk)
        .order_by("full_name"),
        "teams": Team.objects.order_by("name"),
    }
    return TemplateResponse(request, "admin/chat/queue.html", context)


def chat_urls(site) -> list:
    return [path("chat/", site.admin_view(chat_queue_view), name="chat_queue")]


CHAT_URLS = AdminUrls(key="chat.queue", build=chat_urls)


def chat_section_context(request) -> dict:
    # A link only: the live queue itself says who waits (no query on the admin index).
    return {}


CHAT_SECTION = AdminSection(
    key="chat.queue", template="admin/chat/index_section.html", context=chat_section_context
)


@admin.register(ChatSession, site=admin_site)
class ChatSessionAdmin(ModelAdmin):
    list_display = (
        "pk",
        "customer",
        "organization",
        "team",
        "agent",
        "status",
        "created_at",
        "ticket",
        "rating",
    )
    list_filter = ("status", "team")
    list_select_related = ("customer", "organization", "team", "agent", "ticket")
    search_fields = ("customer__email", "customer__full_name", "opening_text")
    show_full_result_count = False
    readonly_fields = [f.name for f in ChatSession._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AgentAvailability, site=admin_site)
class AgentAvailabilityAdmin(ModelAdmin):
    list_display = ("agent", "status", "max_chats", "updated_at")
    list_select_related = ("agent",)
    readonly_fields = ("agent", "status", "max_chats", "updated_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
