"""Planned maintenance of the support systems, announced to customers ahead of time."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class MaintenanceWindow(models.Model):
    """A period when (part of) support is down; both languages are written by staff."""

    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    services_zh_hans = models.CharField(
        _("affected services (Chinese)"), max_length=300, help_text=_("E.g. 在线提交工单、附件上传")
    )
    services_en = models.CharField(
        _("affected services (English)"), max_length=300, help_text=_("E.g. online tickets, attachments")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_published = models.BooleanField(
        _("announced"), default=True, help_text=_("Shown on the portal and mailed to subscribers.")
    )
    # Set in the transaction that queues the notices, so subscribers are mailed once.
    notice_sent_at = models.DateTimeField(_("notice sent"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["is_published", "ends_at"], name="maintenance_upcoming")]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d %H:%M})"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The window must end after it starts.")})

    def _localized(self, name: str) -> str:
        chinese = (translation.get_language() or "").lower().startswith("zh")
        first, second = (f"{name}_zh_hans", f"{name}_en") if chinese else (f"{name}_en", f"{name}_zh_hans")
        return getattr(self, first) or getattr(self, second)

    @property
    def title(self) -> str:
        return self._localized("title")

    @property
    def services(self) -> str:
        return self._localized("services")

    def is_current(self, now) -> bool:
        return self.starts_at <= now < self.ends_at
