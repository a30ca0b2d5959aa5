"""What the knowledge base adds to the portal home page (registered in `apps.ready`)."""

from django.utils.translation import gettext_lazy as _

from core.registry import Panel
from knowledgebase.selectors import home

PANELS = [
    Panel(
        key="faq",
        title=_("Popular questions"),
        items=home.popular_faqs,
        more_url="knowledgebase:faq",
        hide_when_empty=True,
    ),
    Panel(
        key="articles",
        title=_("Popular articles"),
        items=home.popular_articles,
        more_url="knowledgebase:home",
        hide_when_empty=True,
    ),
    Panel(
        key="categories",
        title=_("Knowledge base"),
        items=home.top_categories,
        more_url="knowledgebase:home",
        limit=8,
    ),
]
