from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from . import (
            admin,  # noqa: F401  (django.contrib.admin runs without autodiscover)
            segmenter,
        )

        # jieba's parsed-dictionary cache lives with the other runtime files, out of the repo.
        segmenter.configure(
            cache_dir=getattr(settings, "SEARCH_SEGMENTER_CACHE_DIR", settings.VAR_DIR / "cache")
        )
