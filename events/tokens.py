"""Unguessable secrets for links that stand in for a password."""

import secrets


def new_token() -> str:
    # 32 random bytes: 256 bits, well past the 128 the personal links require; URL-safe.
    return secrets.token_urlsafe(32)
