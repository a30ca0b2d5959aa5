"""Customers' companies, support teams and ticket categories."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Complexity, ErpSystem, validate_timezone


class Organization(models.Model):
    """A customer company; its SLA plan decides how fast its tickets must be answered."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    sla_plan = models.ForeignKey(
        "helpdesk.SLAPlan",
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("SLA plan"),
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_timezone]
    )
    default_erp_system = models.CharField(
        _("default ERP system"), max_length=20, choices=ErpSystem.choices, blank=True
    )
    email_domains = models.CharField(
        _("verified email domains"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated. People with a verified address here may join."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The versions the customer runs: filled from their tickets and the API, editable by
    # the organization's admin in the portal. They decide "what's new since your version"
    # and "known issues affecting your version".
    plugin_version = models.CharField(_("plugin version in use"), max_length=30, blank=True)
    erp_version = models.CharField(_("ERP version in use"), max_length=60, blank=True)
    versions_updated_at = models.DateTimeField(_("versions updated"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.email_domains.split(",") if d.strip()]


class Category(models.Model):
    """What a ticket is about; its complexity drives required detail and resolution targets."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    complexity = models.CharField(
        _("complexity"), max_length=10, choices=Complexity.choices, default=Complexity.STANDARD
    )
    default_team = models.ForeignKey(
        "helpdesk.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="default_for_categories",
        verbose_name=_("default team"),
    )
    requires_environment = models.BooleanField(
        _("requires environment details"),
        default=False,
        help_text=_("Always required for complex categories."),
    )
    requires_attachment = models.BooleanField(
        _("requires a log or screenshot"),
        default=False,
        help_text=_("Always required for complex categories."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_environment(self) -> bool:
        return self.requires_environment or self.complexity == Complexity.COMPLEX

    @property
    def needs_attachment(self) -> bool:
        return self.requires_attachment or self.complexity == Complexity.COMPLEX


class Team(models.Model):
    """A group of agents with skills (categories, ERP systems) and working hours."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    email = models.EmailField(_("team email"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="teams",
        blank=True,
        limit_choices_to={"is_staff": True},
        verbose_name=_("members"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
        limit_choices_to={"is_staff": True},
        verbose_name=_("team lead"),
    )
    calendar = models.ForeignKey(
        "helpdesk.BusinessCalendar",
        on_delete=models.PROTECT,
        related_name="teams",
        verbose_name=_("working hours"),
    )
    categories = models.ManyToManyField(
        Category, related_name="skilled_teams", blank=True, verbose_name=_("category skills")
    )
    erp_systems = models.JSONField(
        _("ERP skills"), default=list, blank=True, help_text=_("ERP system codes, e.g. kingdee.")
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PluginVersion(models.Model):
    """A released version of the voucher plugin; the ticket form offers these."""

    version = models.CharField(_("version"), max_length=30, unique=True)
    released_on = models.DateField(_("released on"))
    is_supported = models.BooleanField(
        _("offered on the ticket form"),
        default=True,
        help_text=_("Whether customers can pick this version when they ask for help."),
    )
    full_support_until = models.DateField(
        _("full support until"),
        null=True,
        blank=True,
        help_text=_("After this day the version gets security and critical fixes only."),
    )
    end_of_life_on = models.DateField(
        _("end of life"), null=True, blank=True, help_text=_("From this day the version gets no fixes.")
    )

    class Meta:
        verbose_name = _("plugin version")
        verbose_name_plural = _("plugin versions")
        ordering = ["-released_on"]

    def __str__(self) -> str:
        return self.version

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from helpdesk.versioning import version_key

        errors = {}
        if version_key(self.version) is None:
            errors["version"] = _("Write the version as numbers separated by dots, e.g. 3.2.1.")
        if self.full_support_until and self.end_of_life_on and self.end_of_life_on < self.full_support_until:
            errors["end_of_life_on"] = _("The end of life cannot come before the end of full support.")
        if errors:
            raise ValidationError(errors)

    def support_status(self, today) -> str:
        """SupportStatus value on `today`."""
        if self.end_of_life_on and today >= self.end_of_life_on:
            return SupportStatus.END_OF_LIFE
        if self.full_support_until and today > self.full_support_until:
            return SupportStatus.MAINTENANCE
        return SupportStatus.SUPPORTED


class SupportStatus(models.TextChoices):
    SUPPORTED = "supported", _("Supported")
    MAINTENANCE = "maintenance", _("Maintenance only")
    END_OF_LIFE = "end_of_life", _("End of life")
