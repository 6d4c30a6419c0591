"""Kept for the migrations: those written before the named constraints moved to
``config.constraints`` import them from here (a migration is never edited). Code imports
``config.constraints``."""

from config.constraints import FieldCheckConstraint, FieldUniqueConstraint

__all__ = ["FieldCheckConstraint", "FieldUniqueConstraint"]
