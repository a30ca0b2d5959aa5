"""What the forum adds to the agents' ticket queue (registered in `apps.ready`)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import TopicState
from ..services import escalation


@admin.action(description=gettext_lazy("Publish the solution in the linked forum topic"))
def publish_solution_to_forum(modeladmin, request, queryset):
    """For each selected ticket escalated from the forum: its last agent reply goes into the
    topic as the pinned official answer."""
    for ticket in queryset:
        topics = list(ticket.forum_topics.filter(state=TopicState.VISIBLE))
        if not topics:
            modeladmin.message_user(
                request, _("%(ticket)s: no forum topic is linked.") % {"ticket": ticket}, messages.WARNING
            )
            continue
        for topic in topics:
            try:
                post = escalation.publish_ticket_solution(ticket=ticket, topic=topic, agent=request.user)
            except ValidationError as error:
                modeladmin.message_user(request, f"{ticket}: {' '.join(error.messages)}", messages.ERROR)
                continue
            modeladmin.message_user(
                request,
                format_html(
                    '{}: <a href="{}">{}</a>', ticket, post.get_absolute_url(), _("published in the forum")
                ),
                messages.SUCCESS,
            )
