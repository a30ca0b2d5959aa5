"""Joining the portal: invitations, registration by verified email domain, activation, profile.

Nobody picks their own organization: it comes from a signed invitation (made by an
organization admin or an agent) or from the verified email domains configured on the
Organization. Signed tokens (django.core.signing) stand in for token tables.

An anonymous visitor must learn nothing about which addresses have accounts, and must not be
able to use the portal to mail anyone at will: registration answers the same for new and
taken addresses (the owner of a taken one is told instead of being sent an activation), and
registration, activation and reset mails are limited per address and per client IP.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import CustomerProfile, EmailKind, Organization, User
from helpdesk.services.outbox import queue_email
from portal.services import limits

logger = logging.getLogger(__name__)

INVITATION_SALT = "portal.invitation"
ACTIVATION_SALT = "portal.activation"
INVITATION_MAX_AGE = timedelta(days=14)
ACTIVATION_MAX_AGE = timedelta(days=3)
# Registration, activation and reset mails together: enough for a person who retries, too few
# to flood a mailbox, and the per-IP limit stops one client from spraying many addresses.
MAIL_LIMIT_PER_ADDRESS = 3
MAIL_LIMIT_PER_IP = 10
MAIL_LIMIT_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Invitation:
    organization: Organization
    email: str  # blank: anyone holding the link may join


def make_invitation_token(*, organization: Organization, email: str = "") -> str:
    payload = {"org": organization.pk, "email": email.strip().lower()}
    return signing.TimestampSigner(salt=INVITATION_SALT).sign_object(payload)


def read_invitation(token: str) -> Invitation:
    """The invitation in a token; ValidationError when forged, expired or the org is gone."""
    try:
        payload = signing.TimestampSigner(salt=INVITATION_SALT).unsign_object(
            token, max_age=INVITATION_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This invitation has expired; ask for a new one.")) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This invitation link is not valid.")) from exc
    organization = Organization.objects.filter(pk=payload.get("org"), is_active=True).first()
    if organization is None:
        raise ValidationError(_("This invitation link is not valid."))
    return Invitation(organization=organization, email=payload.get("email", ""))


def organization_for_email(email: str) -> Organization | None:
    """The active organization whose verified domains include the address's domain."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    candidates = Organization.objects.filter(is_active=True, email_domains__icontains=domain)
    return next((org for org in candidates if domain in org.domain_list), None)


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _mail(*, to: str, template: str, kind: str, context: dict, now: datetime) -> None:
    text = render_to_string(f"portal/email/{template}.txt", {**context, "site_url": settings.PORTAL_BASE_URL})
    subject, _sep, body = text.strip().partition("\n")
    queue_email(to=[to], subject=subject.strip(), body=body.strip() + "\n", kind=kind, now=now)


def activation_token(user: User) -> str:
    return signing.TimestampSigner(salt=ACTIVATION_SALT).sign(f"{user.pk}:{user.email}")


def normalise_email(email: str) -> str:
    return User.objects.normalize_email(email).strip().lower()


def allow_account_mail(*, address: str, client_ip: str | None) -> bool:
    """Count one more registration, activation or reset mail; False past either hourly limit.

    The caller then shows the page it shows anyway and sends nothing. The IP is counted first,
    so a client that is already over its own limit cannot use up a victim's address slots.
    """
    address = normalise_email(address)
    if client_ip and (
        limits.take_slot(
            bucket=f"account-mail:ip:{client_ip}", limit=MAIL_LIMIT_PER_IP, window=MAIL_LIMIT_WINDOW
        )
        is None
    ):
        logger.warning(
            "account mail not sent: %s asked for more than %s in an hour", client_ip, MAIL_LIMIT_PER_IP
        )
        return False
    bucket = f"account-mail:address:{address}"
    if limits.take_slot(bucket=bucket, limit=MAIL_LIMIT_PER_ADDRESS, window=MAIL_LIMIT_WINDOW) is None:
        logger.warning(
            "account mail not sent: %s was mailed %s times in an hour (request from %s)",
            address,
            MAIL_LIMIT_PER_ADDRESS,
            client_ip,
        )
        return False
    return True


@transaction.atomic
def register_customer(
    *,
    email: str,
    full_name: str,
    password: str,
    invitation: Invitation | None = None,
    language: str = "",
    client_ip: str | None = None,
    now: datetime | None = None,
) -> User | None:
    """Create a customer in the invited or domain-matched organization.

    An invitation sent to this very address proves the address: the account is active at
    once. Otherwise it stays inactive until the emailed activation link is opened.

    Returns None when there is no account to show: the address is taken (its owner gets a
    "someone tried to register" mail instead of an activation) or the mail limits are
    reached (nothing is created or sent). The caller answers "check your mail" for None and
    for an inactive new account alike, so the answer does not tell taken addresses apart.
    The checks that refuse with a message (invitation, organization) come first and do not
    depend on whether the address is taken.
    """
    now = resolve_now(now)
    email = normalise_email(email)
    if invitation is not None and invitation.email and invitation.email != email:
        raise ValidationError(_("This invitation was sent to another email address."))
    organization = invitation.organization if invitation else organization_for_email(email)
    if organization is None:
        raise ValidationError(
            _(
                "We could not match %(email)s to a customer organization. Ask your company's "
                "support contact for an invitation link, or register with your work email."
            ),
            params={"email": email},
        )
    proven = invitation is not None and invitation.email == email
    owner = User.objects.filter(email__iexact=email).first()
    # A proven new account is mailed nothing; everything else counts against the mail limits.
    mail_allowed = (proven and owner is None) or allow_account_mail(address=email, client_ip=client_ip)
    if owner is not None or not mail_allowed:
        # Hash anyway: a new account costs one hash, and an answer that came back sooner for
        # taken addresses (or past the limit) would tell them apart.
        make_password(password)
        if owner is not None and mail_allowed:
            _tell_owner(owner=owner, now=now)
        return None
    user = User.objects.create_user(email=email, password=password, full_name=full_name.strip())
    user.is_active = proven
    user.save(update_fields=["is_active"])
    CustomerProfile.objects.create(user=user, organization=organization, language=language)
    if not proven:
        path = reverse("portal:activate", kwargs={"token": activation_token(user)})
        _mail(
            to=email,
            template="activation",
            kind=EmailKind.ACCOUNT_ACTIVATION,
            context={"organization": organization, "url": _absolute(path)},
            now=now,
        )
    return user


def _tell_owner(*, owner: User, now: datetime) -> None:
    profile = getattr(owner, "customer_profile", None)
    with translation.override((profile.language if profile else "") or translation.get_language()):
        _mail(
            to=owner.email,
            template="account_exists",
            kind=EmailKind.ACCOUNT_EXISTS,
            context={
                "login_url": _absolute(reverse("portal:login")),
                "reset_url": _absolute(reverse("portal:password_reset")),
            },
            now=now,
        )


@transaction.atomic
def activate_account(*, token: str) -> User:
    """Open the account named in an activation link; ValidationError when invalid/expired."""
    try:
        value = signing.TimestampSigner(salt=ACTIVATION_SALT).unsign(token, max_age=ACTIVATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(
            _("This activation link has expired. Register again to get a new one.")
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This activation link is not valid.")) from exc
    pk, _sep, email = value.partition(":")
    user = User.objects.select_for_update().filter(pk=pk, email=email).first()
    if user is None:
        raise ValidationError(_("This activation link is not valid."))
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def send_invitation(*, inviter: User, email: str, now: datetime | None = None) -> str:
    """An organization admin invites a colleague; returns the link (also emailed)."""
    now = resolve_now(now)
    profile = getattr(inviter, "customer_profile", None)
    if profile is None or not profile.is_org_admin:
        raise ValidationError(_("Only organization admins can invite colleagues."))
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("%(email)s already has an account."), params={"email": email})
    token = make_invitation_token(organization=profile.organization, email=email)
    url = _absolute(reverse("portal:register") + f"?invite={token}")
    with translation.override(profile.language or translation.get_language()):
        _mail(
            to=email,
            template="invitation",
            kind=EmailKind.ACCOUNT_INVITATION,
            context={"inviter": inviter, "organization": profile.organization, "url": url},
            now=now,
        )
    return url


@transaction.atomic
def update_profile(
    *,
    user: User,
    full_name: str,
    phone: str,
    timezone: str,
    language: str,
    mail_replies: bool | None = None,
    mail_status_changes: bool | None = None,
    mail_forum_digest: bool | None = None,
) -> CustomerProfile:
    """Change the customer's own name and preferences (a mail switch left None stays as it is)."""
    profile = CustomerProfile.objects.select_for_update().get(user=user)
    user.full_name = full_name.strip()
    user.save(update_fields=["full_name"])
    profile.phone = phone.strip()
    profile.timezone = timezone
    profile.language = language
    switches = {"mail_replies": mail_replies, "mail_status_changes": mail_status_changes,
                "mail_forum_digest": mail_forum_digest}  # fmt: skip
    for name, value in switches.items():
        if value is not None:
            setattr(profile, name, value)
    profile.full_clean()
    profile.save(update_fields=["phone", "timezone", "language", *switches])
    return profile
