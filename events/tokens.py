"""Kept for the migrations: those written before the tokens moved to ``config.tokens``
import ``new_token`` from here (a migration is never edited). Code imports
``config.tokens``."""

from config.tokens import new_token

__all__ = ["new_token"]
