"""API keys: how an integration authenticates without storing a person's password."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiScope(models.TextChoices):
    """What a key may do; a request needs the scope its endpoint names (helpdesk/api/permissions.py)."""

    TICKETS_READ = "tickets:read", _("Read tickets")
    TICKETS_WRITE = "tickets:write", _("Create and change tickets")
    KB_READ = "kb:read", _("Read the knowledge base")
    REPORTS_READ = "reports:read", _("Read reports")
    FORUM_WRITE = "forum:write", _("Start topics and reply in the forum")


class ApiKey(models.Model):
    """One key of one user. Only a hash of the secret is stored; the plain key is shown once."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=100)
    # Unique so that a presented key finds its row with one indexed lookup before the hash is compared.
    prefix = models.CharField(_("prefix"), max_length=8, unique=True)
    hashed_secret = models.CharField(_("hashed secret"), max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
