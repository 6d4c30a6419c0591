"""Unguessable secrets for links that stand in for a password.

Here, among the helpers every app may call (config): the registrations', calendar feeds'
and privacy requests' links use them. ``events.tokens`` re-exports it for the migrations
written before.
"""

import secrets


def new_token() -> str:
    # 32 random bytes: 256 bits, well past the 128 the personal links require; URL-safe.
    return secrets.token_urlsafe(32)
