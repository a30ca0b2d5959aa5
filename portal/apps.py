from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from core import registry

        from . import (
            admin,  # noqa: F401  (registers SubmissionAttempt on the admin site)
            security,  # noqa: F401  (connects the sign-in success receiver)
        )
        from .selectors import deflection_rate

        registry.report_measures.register(
            "deflection",
            registry.ReportMeasure(key="deflection", label=_("Deflection rate"), compute=deflection_rate),
        )
