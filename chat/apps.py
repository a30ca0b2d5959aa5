from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Live chat")

    def ready(self) -> None:
        from core import registry

        from . import admin  # noqa: F401  (registers the chat models on the admin site)
        from .admin import CHAT_SECTION, CHAT_URLS
        from .reports import CHAT_CARDS
        from .selectors import chat_deflection_rate
        from .widgets import CHAT_BUTTON

        registry.admin_urls.register(CHAT_URLS.key, CHAT_URLS)
        registry.admin_index_sections.register(CHAT_SECTION.key, CHAT_SECTION, order=5)
        registry.page_widgets.register(CHAT_BUTTON.key, CHAT_BUTTON)
        registry.report_cards.register(CHAT_CARDS.key, CHAT_CARDS)
        registry.report_measures.register(
            "chat_deflection",
            registry.ReportMeasure(
                key="chat_deflection", label=_("Chats solved by a suggestion"), compute=chat_deflection_rate
            ),
        )
