"""Text no database column can store: a NUL character (PostgreSQL's text refuses it, the
driver raises) or a lone surrogate (it cannot be encoded at all). ``config.middleware``
refuses it in requests; importers check uploaded files with the same test, cell by cell."""

import re

IMPOSSIBLE = re.compile("[\x00\ud800-\udfff]")


def impossible(text: str) -> bool:
    """Whether ``text`` holds a character no database column can store."""
    return bool(IMPOSSIBLE.search(text))
