"""People: the custom user (email login) and the customer's profile."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.clock import now


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> "User":
        # Email login is case-insensitive: Li.Na@Example.com and li.na@example.com are one user.
        return self.get(email__iexact=username)

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: customers (never staff) and agents/managers (staff)."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Agents and managers. Customers never reach the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name or self.email.split("@")[0]

    def name_for_customers(self) -> str:
        """How customers see this person: on the portal, in mail, in chat and in the API.

        Staff by the first word of the full name ("李客服 Li" → "李客服", "Anna Müller" → "Anna";
        a Chinese name has no space and stays whole) and "" without one (the caller then says
        "the support team"), never a staff address or what follows the first word (a role
        label, a surname). Customers by full name, else their address's local part.
        """
        if self.is_staff:
            words = self.full_name.split()
            return words[0] if words else ""
        return self.full_name or self.email.split("@")[0]

    def name_shown_to(self, *, staff: bool) -> str:
        """This person's name for a reader: staff read the full name (or the address); a
        customer reads `name_for_customers`, and "Support team" for staff without a name."""
        if staff:
            return self.get_full_name()
        return self.name_for_customers() or gettext("Support team")

    @property
    def is_agent(self) -> bool:
        return self.is_staff


class CustomerProfile(models.Model):
    """A customer's link to their organization and their personal preferences."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="customer_profile", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        "helpdesk.Organization",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("organization"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
    )
    is_org_admin = models.BooleanField(
        _("organization admin"),
        default=False,
        help_text=_("Sees every ticket of the organization in the portal."),
    )
    notify_releases = models.BooleanField(
        _("mail me about new plugin versions"),
        default=False,
        help_text=_("A digest when a release newer than your organization's version is published."),
    )
    # Release notes published before this were already mailed (or predate the opt-in).
    releases_notified_at = models.DateTimeField(_("release digest sent"), null=True, blank=True)
    notify_maintenance = models.BooleanField(
        _("mail me before maintenance windows"),
        default=True,
        help_text=_("A notice the day before support systems are down for planned maintenance."),
    )
    # Which mails the customer wants (the portal profile); helpdesk.services.notifications
    # and the forum digest honour them. Mails that ask for something (details needed, a
    # password reset) are always sent.
    mail_replies = models.BooleanField(_("replies from support"), default=True)
    mail_status_changes = models.BooleanField(
        _("status changes"), default=True, help_text=_("Resolved, with the request to rate the help.")
    )
    mail_forum_digest = models.BooleanField(_("forum digests"), default=True)
    # Whether the customer follows any ticket (kept by helpdesk.services.followers): most
    # follow none, and their ticket list then reads the requester index in order instead of
    # an OR with the followed tickets that SQLite answers with a sort.
    follows_tickets = models.BooleanField(_("follows tickets"), default=False, editable=False)

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")

    def __str__(self) -> str:
        return f"{self.user} · {self.organization}"

    @property
    def effective_timezone(self) -> str:
        return self.timezone or self.organization.timezone
