"""API tokens: made, used and revoked here, by the token page and the authentication alike."""

import hashlib
import secrets

from django.utils import timezone

from integrations.models import ApiToken

PREFIX = "wst_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(*, user, name: str, read_only: bool = False) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its secret, which is returned this once and never kept."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=secret[: len(PREFIX) + 4],
        key_hash=hash_secret(secret),
        read_only=read_only,
    )
    return token, secret


def revoke_token(*, token: ApiToken) -> ApiToken:
    """The token stops working at once; it stays listed as revoked."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def find_token(secret: str) -> ApiToken | None:
    """The live token with this secret, with its user: one query."""
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_secret(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def user_tokens(user):
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "pk")
