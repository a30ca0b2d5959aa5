"""API keys: create one (the plain key is returned once), revoke one, and check a presented key.

The secret is 32 random bytes, so it cannot be guessed or brute-forced from its hash; a slow
password hasher (PBKDF2 and friends) protects low-entropy passwords and would only cost a
few hundred milliseconds on every API request here. An HMAC-SHA-256 keyed with SECRET_KEY is
enough, and it is compared in constant time after the row is found by its public prefix.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import ApiKey, ApiScope, User

KEY_MARK = "kx"
PREFIX_LENGTH = 8
# last_used_at is a hint for people, not an audit trail: one write a minute per key at most.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


def scopes_for(user: User) -> list[str]:
    """The scopes `user` may give a key: reports only to those who may read them."""
    return [
        s for s in ApiScope.values if s != ApiScope.REPORTS_READ or user.has_perm("helpdesk.view_reports")
    ]


def create_api_key(
    *, owner: User, name: str, scopes: list[str], now: datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key for `owner` and its plain text, which is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the key a name.")})
    unknown = set(scopes) - set(ApiScope.values)
    if unknown:
        raise ValidationError(
            {"scopes": _("Unknown scope: %(scopes)s") % {"scopes": ", ".join(sorted(unknown))}}
        )
    if not scopes:
        raise ValidationError({"scopes": _("Choose at least one scope.")})
    refused = set(scopes) - set(scopes_for(owner))
    if refused:
        raise ValidationError(
            {
                "scopes": _("You may not give a key this scope: %(scopes)s")
                % {"scopes": ", ".join(sorted(refused))}
            }
        )
    while True:
        # Hex keeps the prefix free of "_", which separates the parts of the key.
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        owner=owner,
        name=name,
        prefix=prefix,
        hashed_secret=_hash(secret),
        scopes=[s for s in ApiScope.values if s in scopes],
        created_at=resolve_now(now),
    )
    return key, f"{KEY_MARK}_{prefix}_{secret}"


def revoke_api_key(*, key: ApiKey, actor: User, now: datetime | None = None) -> ApiKey:
    """Revoke a key; only its owner or a superuser may. Revoking twice keeps the first time."""
    if actor.pk != key.owner_id and not actor.is_superuser:
        raise PermissionDenied(_("You may revoke only your own API keys."))
    if key.revoked_at is None:
        key.revoked_at = resolve_now(now)
        ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=key.revoked_at)
    return key


def authenticate_key(*, plain: str, now: datetime | None = None) -> ApiKey | None:
    """The active key `plain` stands for, or None; records the use at most once a minute."""
    mark, _sep, rest = plain.partition("_")
    prefix, _sep, secret = rest.partition("_")
    if mark != KEY_MARK or len(prefix) != PREFIX_LENGTH or not secret:
        return None
    key = ApiKey.objects.select_related("owner").filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.hashed_secret, _hash(secret)):
        return None
    moment = resolve_now(now)
    if key.last_used_at is None or moment - key.last_used_at >= LAST_USED_RESOLUTION:
        key.last_used_at = moment
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=moment)
    return key
