"""Faces for people: initials in a colour that stays the same for the same name."""

import zlib

from django import template
from django.utils.html import format_html

register = template.Library()

# As many as the --av-* colour pairs in app.css.
AVATAR_COLOURS = 6


def initials(name: str) -> str:
    """The first letter of the first and the last word: "Ada King Lovelace" → "AL"."""
    words = [w for w in name.split() if any(c.isalnum() for c in w)]
    if not words:
        return "?"
    letters = [next(c for c in word if c.isalnum()) for word in (words[0], words[-1])]
    return "".join(letters[: 1 if len(words) == 1 else 2]).upper()


def avatar_colour(name: str) -> int:
    # crc32, not hash(): Python salts str hashes per process, and a face should not change
    # colour when the server restarts.
    return zlib.crc32(" ".join(name.split()).casefold().encode()) % AVATAR_COLOURS + 1


@register.simple_tag
def avatar(name: str, size: str = "") -> str:
    """Initials in a circle. Hidden from screen readers: the name is always written beside it."""
    size_class = " avatar-lg" if size == "large" else ""
    return format_html(
        '<span class="avatar avatar-{}{}" aria-hidden="true">{}</span>',
        avatar_colour(name or ""),
        size_class,
        initials(name or ""),
    )
