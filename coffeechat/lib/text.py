"""Plain text helpers shared by every app."""

import re

WORDS_PER_MINUTE = 150
_WORD = re.compile(r"[\w'’-]+", re.UNICODE)


def word_count(text: str) -> int:
    return len(_WORD.findall(text or ""))


def speaking_time(text: str) -> str:
    """How long `text` takes to say aloud, e.g. "about 45 seconds"."""
    seconds = round(word_count(text) * 60 / WORDS_PER_MINUTE)
    if seconds == 0:
        return "nothing to say yet"
    if seconds < 60:
        return f"about {max(5, round(seconds / 5) * 5)} seconds"
    minutes, rest = divmod(seconds, 60)
    if rest >= 45:
        minutes, rest = minutes + 1, 0
    half = " and a half" if 15 <= rest < 45 else ""
    unit = "minute" if minutes == 1 and not half else "minutes"
    return f"about {minutes}{half} {unit}"


def normalize_name(name: str) -> str:
    """A key for comparing names: case, spacing and punctuation do not count."""
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


# Words that say what legal form an organisation takes, not which organisation it is.
LEGAL_FORMS = frozenset(
    "ltd limited inc incorporated llc llp plc gmbh ag sa sarl bv nv corp corporation co "
    "company pty".split()
)


def organization_key(name: str) -> str:
    """A key for telling whether two organisation names mean the same one: normalize_name,
    without the legal form at the end ("Brightwell Health Ltd" → "brightwell health")."""
    words = normalize_name(name).split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)
