"""Keyword extraction for the list's ``q`` filter: index-backed on any MongoDB-compatible store."""

import re

_WORD = re.compile(r"[0-9a-z][0-9a-z._-]*[0-9a-z]|[0-9a-z]", re.IGNORECASE)
MAX_KEYWORDS = 200


def keywords(*texts: str | None) -> list[str]:
    """Lower-cased distinct words of two or more characters, in first-seen order."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in _WORD.findall(text or ""):
            word = word.lower()
            if len(word) >= 2:
                seen.setdefault(word, None)
    return list(seen)[:MAX_KEYWORDS]
