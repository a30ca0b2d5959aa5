"""What the forum adds to the portal home page (registered in `apps.ready`)."""

from django.utils.translation import gettext_lazy as _

from core.registry import Panel

from .selectors.topics import recent_topics

PANEL = Panel(
    key="community", title=_("Recent community topics"), items=recent_topics, more_url="community:latest"
)
