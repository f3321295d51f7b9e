"""Reading helpers the etiquette linter's rules share: words, clauses, merge fields.

Each reads a bounded stretch of text (a clause is looked for over CLAUSE_LOOKBACK characters at
most) so that the rules built on them stay linear in the length of the message.
"""

import os
import re
from collections.abc import Iterable

from coffeechat.outreach import phrases

Span = tuple[int, int]


def words(text: str) -> list[str]:
    return [w.casefold() for w in phrases.LETTERS.findall(text)]


def distinctive(text: str, min_length: int = 5) -> set[str]:
    """Words in `text` specific enough to show a note was written for this person."""
    found: set[str] = set()
    for word in phrases.LETTERS.findall(text):
        if word.isupper() and len(word) >= 2:
            found.add(word.casefold())  # an acronym: MIT, UX
        elif len(word) >= min_length and word.casefold() not in phrases.GENERIC_WORDS:
            found.add(word.casefold())
    return found


def related(a: str, b: str) -> bool:
    """Same word give or take an ending: design/designer, accessible/accessibility."""
    if a == b:
        return True
    shortest = min(len(a), len(b))
    if shortest < 4:
        return False
    return len(os.path.commonprefix([a, b])) >= max(5, shortest - 3)


def mentions_any(text: str, keywords: Iterable[str]) -> bool:
    seen = set(words(text))
    # Related words share their first five letters (see `related`), so only those are
    # compared: the cost grows with the words, not with words times keywords.
    by_stem: dict[str, list[str]] = {}
    for word in seen:
        by_stem.setdefault(word[:5], []).append(word)
    return any(
        keyword in seen or any(related(keyword, w) for w in by_stem.get(keyword[:5], ()))
        for keyword in keywords
    )


CLAUSE_LOOKBACK = 200  # characters; a clause is shorter, and the look-back must stay bounded


def clause_before(text: str, position: int) -> str:
    window = max(0, position - CLAUSE_LOOKBACK)
    start = max(text.rfind(mark, window, position) for mark in ".?!;,:\n—–")
    return text[max(start + 1, window) : position]


def clause_after(text: str, position: int) -> str:
    """The rest of the clause from `position`, at most CLAUSE_LOOKBACK characters."""
    clause = phrases.CLAUSE.match(text, position, position + CLAUSE_LOOKBACK)
    return clause.group() if clause else ""


def says_something(clause: str) -> bool:
    """True when `clause` names something: a word beyond the stock ones, a name or a number."""
    for word in phrases.WORD.findall(clause):
        folded = word.casefold().strip("'’-")
        if any(c.isdigit() for c in word):
            return True
        if len(folded) >= 4 and folded not in phrases.SAYS_NOTHING:
            return True
    return False


def cue_with_substance(pattern: re.Pattern[str], text: str) -> bool:
    """True when `pattern` matches and the clause after a match names something."""
    return any(says_something(clause_after(text, m.end())) for m in pattern.finditer(text))


def without_placeholders(text: str) -> str:
    """`text` with unfilled merge fields blanked, so "{{ their_news }}" is not taken for news."""
    pieces, done = [], 0
    for start, end in placeholders(text):
        pieces += [text[done:start], " " * (end - start)]
        done = end
    return "".join(pieces) + text[done:]


def negated(text: str, position: int) -> bool:
    """True when the clause leading up to `position` says "not", as in "I'm not asking for…"."""
    return bool(phrases.NEGATION.search(clause_before(text, position)))


def quote(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= 60 else text[:57] + '…'}”"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def placeholders(text: str) -> list[Span]:
    found: list[Span] = []
    for match in phrases.PLACEHOLDER.finditer(text):
        square, angle = match.group("square"), match.group("angle")
        if square and square.strip().casefold() in phrases.NOT_PLACEHOLDERS:
            continue
        if angle and angle.strip().casefold() in phrases.HTML_TAGS:
            continue
        found.append(match.span())
    return found


def matches(text: str, patterns: list[re.Pattern[str]]) -> list[Span]:
    return sorted(
        {m.span() for pattern in patterns for m in pattern.finditer(text)},
        key=lambda span: (span[0], -span[1]),
    )
