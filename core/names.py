"""What a student types as the name the class board shows: plain text, never Markdown or HTML.
No torch: the sidebar's name box is drawn before torch has loaded."""

from __future__ import annotations

import unicodedata

MAX_NAME = 32  # characters of a student's name


def clean_name(text: str) -> str:
    """A name as the board keeps it: printable characters only (no control characters, no invisible
    format marks such as right-to-left overrides), spaces folded, at most MAX_NAME characters."""
    kept = "".join(ch for ch in str(text) if ch.isprintable() and unicodedata.category(ch) != "Cf")
    return " ".join(kept.split())[:MAX_NAME]
