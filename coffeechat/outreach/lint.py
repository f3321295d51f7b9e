"""The etiquette linter: checks an outreach draft against the habits that get replies.

Pure Python, no database. Each rule is one small function that takes a `Draft` and returns
`Finding`s; `RULES` lists them with the kinds and channels they apply to. Adding a rule is
adding a function and a row. The phrases the rules look for are in `phrases`.
"""

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from coffeechat.outreach import phrases

Severity = Literal["error", "warning", "tip"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "tip")
KINDS = tuple("request nudge confirmation reschedule thank_you keep_in_touch reply other".split())
CHANNELS = ("email", "linkedin", "phone", "in_person")

LINKEDIN_NOTE_LIMIT = 300
# (tip above, warning above) in words; None means no limit at that level.
WORD_LIMITS: dict[str, tuple[int | None, int | None]] = {
    "request": (75, 150),
    "nudge": (50, 100),
    "confirmation": (None, 100),
    "reschedule": (None, 100),
    "thank_you": (None, 150),
    "keep_in_touch": (None, 150),
}
LONGEST_TIME_ASK = 30  # minutes


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    start: int | None = None  # character span in the body; None for the whole message
    end: int | None = None
    field: str = "body"  # "body" or "subject"; subject findings carry no span


@dataclass(frozen=True)
class Draft:
    body: str
    subject: str = ""
    kind: str = "request"
    channel: str = "email"
    do_not_contact: bool = False
    their_work: str = ""
    connection: str = ""
    organization: str = ""
    referrer: str = ""
    takeaways: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    code: str
    check: Callable[[Draft], Iterable[Finding]]
    kinds: frozenset[str] | None = None  # None: every kind
    channels: frozenset[str] | None = None  # None: every channel

    def applies_to(self, draft: Draft) -> bool:
        return (self.kinds is None or draft.kind in self.kinds) and (
            self.channels is None or draft.channel in self.channels
        )


def lint(draft: Draft) -> list[Finding]:
    """Every finding for `draft`: errors, then warnings, then tips; whole-message ones first."""
    findings = [f for rule in RULES if rule.applies_to(draft) for f in rule.check(draft)]
    return sorted(findings, key=_order)


def _order(finding: Finding) -> tuple[int, int]:
    return SEVERITIES.index(finding.severity), -1 if finding.start is None else finding.start


# Text helpers ------------------------------------------------------------------------------

Span = tuple[int, int]


def _words(text: str) -> list[str]:
    return [w.casefold() for w in phrases.LETTERS.findall(text)]


def _distinctive(text: str, min_length: int = 5) -> set[str]:
    """Words in `text` specific enough to show a note was written for this person."""
    found: set[str] = set()
    for word in phrases.LETTERS.findall(text):
        if word.isupper() and len(word) >= 2:
            found.add(word.casefold())  # an acronym: MIT, UX
        elif len(word) >= min_length and word.casefold() not in phrases.GENERIC_WORDS:
            found.add(word.casefold())
    return found


def _related(a: str, b: str) -> bool:
    """Same word give or take an ending: design/designer, accessible/accessibility."""
    if a == b:
        return True
    shortest = min(len(a), len(b))
    if shortest < 4:
        return False
    return len(os.path.commonprefix([a, b])) >= max(5, shortest - 3)


def _mentions_any(text: str, keywords: Iterable[str]) -> bool:
    words = set(_words(text))
    return any(_related(keyword, word) for keyword in keywords for word in words)


def _clause_before(text: str, position: int) -> str:
    start = max(text.rfind(mark, 0, position) for mark in ".?!;,:\n—–")
    return text[start + 1 : position]


def _negated(text: str, position: int) -> bool:
    """True when the clause leading up to `position` says "not", as in "I'm not asking for…"."""
    return bool(phrases.NEGATION.search(_clause_before(text, position)))


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= 60 else text[:57] + '…'}”"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _each_in_subject_and_body(
    draft: Draft,
    code: str,
    severity: Severity,
    spans: Callable[[str], list[Span]],
    message: Callable[[str, str], str],
) -> list[Finding]:
    """A finding for each span `spans` finds: the subject's first, without a span, then the
    body's. `message` is given the phrase found and the field it is in."""
    findings = [
        Finding(code, severity, message(draft.subject[s:e], "subject"), field="subject")
        for s, e in spans(draft.subject)
    ]
    findings += [
        Finding(code, severity, message(draft.body[s:e], "body"), s, e)
        for s, e in spans(draft.body)
    ]
    return findings


# Rules -------------------------------------------------------------------------------------


def check_do_not_contact(draft: Draft) -> list[Finding]:
    if not draft.do_not_contact:
        return []
    message = (
        "This person is marked do-not-contact. Don't send this; "
        "clear the mark on their record only if they have asked to hear from you again."
    )
    return [Finding("do-not-contact", "error", message)]


def _placeholders(text: str) -> list[Span]:
    found: list[Span] = []
    for match in phrases.PLACEHOLDER.finditer(text):
        square, angle = match.group("square"), match.group("angle")
        if square and square.strip().casefold() in phrases.NOT_PLACEHOLDERS:
            continue
        if angle and angle.strip().casefold() in phrases.HTML_TAGS:
            continue
        found.append(match.span())
    return found


def check_placeholders(draft: Draft) -> list[Finding]:
    def message(phrase: str, field: str) -> str:
        where = "in the subject" if field == "subject" else "before sending"
        return (
            f"Fill in or remove {_quote(phrase)} {where}: "
            "a blank merge field tells the reader this is a form letter."
        )

    return _each_in_subject_and_body(draft, "placeholder", "error", _placeholders, message)


def _job_asks(text: str) -> list[Span]:
    spans = sorted(
        {m.span() for pattern in phrases.JOB_ASKS for m in pattern.finditer(text)},
        key=lambda span: (span[0], -span[1]),
    )
    kept: list[Span] = []
    for start, end in spans:
        if kept and start < kept[-1][1]:
            continue
        if not _negated(text, start):
            kept.append((start, end))
    return kept


def check_job_ask(draft: Draft) -> list[Finding]:
    severity: Severity = "error" if draft.kind in ("request", "nudge") else "warning"

    def message(phrase: str, field: str) -> str:
        return (
            f"{_quote(phrase)} reads as asking for a job. Ask for advice and insight instead; "
            "if there is an opening, let them be the one to bring it up."
        )

    return _each_in_subject_and_body(draft, "job-ask", severity, _job_asks, message)


def _linkedin_note_too_long(body: str) -> list[Finding]:
    text = body.strip()
    if len(text) <= LINKEDIN_NOTE_LIMIT:
        return []
    offset = len(body) - len(body.lstrip())
    over = len(text) - LINKEDIN_NOTE_LIMIT
    message = (
        f"A LinkedIn connection note holds {LINKEDIN_NOTE_LIMIT} characters and this "
        f"one has {len(text)}, {_plural(over, 'character')} over. Keep who you are, "
        "why them, and the ask."
    )
    return [Finding("too-long", "error", message, offset + LINKEDIN_NOTE_LIMIT, offset + len(text))]


def _too_many_words(draft: Draft) -> list[Finding]:
    tip_limit, warning_limit = WORD_LIMITS.get(draft.kind, (None, None))
    words = list(phrases.WORD.finditer(draft.body))
    count = len(words)
    kind = draft.kind.replace("_", "-")
    severity: Severity
    if warning_limit is not None and count > warning_limit:
        severity, limit = "warning", warning_limit
        message = (
            f"This {kind} runs to {count} words. Busy people skim long notes; "
            f"cut it to under {tip_limit or warning_limit} words."
        )
    elif tip_limit is not None and count > tip_limit:
        severity, limit = "tip", tip_limit
        message = (
            f"This {kind} has {count} words. Under {tip_limit} words it can be read at a "
            "glance: see what you can cut."
        )
    else:
        return []
    return [Finding("too-long", severity, message, words[limit].start(), len(draft.body.rstrip()))]


def check_length(draft: Draft) -> list[Finding]:
    if draft.kind == "request" and draft.channel == "linkedin":
        return _linkedin_note_too_long(draft.body)
    return _too_many_words(draft)


def check_subject(draft: Draft) -> list[Finding]:
    if draft.subject.strip():
        return []
    message = (
        "Add a subject line that says what you are asking for, "
        "e.g. “Twenty minutes on your path into data journalism?”."
    )
    return [Finding("no-subject", "warning", message, field="subject")]


def _number(text: str) -> float:
    text = " ".join(text.casefold().replace("-", " ").split())
    return float(text) if text[0].isdigit() else float(phrases.NUMBER_WORDS[text.replace(" ", "-")])


def _durations(text: str) -> list[tuple[float, int, int]]:
    """(minutes, start, end) for each length of time mentioned; ranges count as their top end."""
    found: list[tuple[float, int, int]] = []
    for match in phrases.DURATION.finditer(text):
        if match.group("half") is not None:
            minutes = 30.0
        elif match.group("quarter") is not None:
            minutes = 15.0
        elif match.group("m1"):
            minutes = max(_number(match.group("m1")), _number(match.group("m2") or "0"))
        else:
            minutes = 60 * max(_number(match.group("h1")), _number(match.group("h2") or "0"))
        found.append((minutes, match.start(), match.end()))
    return found


def check_time_ask_missing(draft: Draft) -> list[Finding]:
    if _durations(draft.body):
        return []
    message = "Ask for 15–30 minutes: a specific, small request is easier to say yes to."
    return [Finding("no-time-ask", "warning", message)]


def check_time_ask_too_long(draft: Draft) -> list[Finding]:
    durations = _durations(draft.body)
    if not durations or any(minutes <= LONGEST_TIME_ASK for minutes, _, _ in durations):
        return []
    _, start, end = max(durations)
    message = (
        f"{_quote(draft.body[start:end])} is a lot to ask of a stranger. "
        "Ask for 15–30 minutes; if the talk goes well they can offer more."
    )
    return [Finding("long-time-ask", "warning", message, start, end)]


def check_thanks(draft: Draft) -> list[Finding]:
    if phrases.THANKS.search(draft.body) or phrases.THANKS.search(draft.subject):
        return []
    message = (
        "Say thank you: they owe you nothing, and a line of thanks for their time "
        "is part of the ask."
    )
    return [Finding("no-thanks", "warning", message)]


def _is_personal(draft: Draft) -> bool:
    text = f"{draft.subject}\n{draft.body}"
    if phrases.PERSONAL.search(text):
        return True
    if _mentions_any(text, _distinctive(draft.their_work) | _distinctive(draft.connection)):
        return True
    names = {w for w in _words(draft.referrer) if len(w) >= 3}
    org_words = {w for w in _words(draft.organization) if len(w) >= 3}
    org_words -= phrases.ORGANIZATION_FILLER
    return bool((names | org_words) & set(_words(text)))


def check_personal(draft: Draft) -> list[Finding]:
    if _is_personal(draft):
        return []
    message = (
        "Nothing here shows why you are writing to this person in particular. Name their "
        "work, how you are connected, or who suggested you get in touch."
    )
    return [Finding("not-personal", "warning", message)]


def check_thank_you_specific(draft: Draft) -> list[Finding]:
    keywords = {word for takeaway in draft.takeaways for word in _distinctive(takeaway)}
    if phrases.SPECIFIC.search(draft.body) or _mentions_any(draft.body, keywords):
        return []
    message = (
        "Name one thing you took from the conversation (a piece of advice, a resource, "
        "a name): a specific thank-you shows you listened."
    )
    return [Finding("vague-thank-you", "warning", message)]


def check_question(draft: Draft) -> list[Finding]:
    if "?" in draft.body:
        return []
    message = (
        "Put the ask as a question (“Would you have 20 minutes next week?”): "
        "a question invites a reply."
    )
    return [Finding("no-question", "tip", message)]


def check_about_me(draft: Draft) -> list[Finding]:
    mine = len(phrases.FIRST_PERSON.findall(draft.body))
    yours = len(phrases.SECOND_PERSON.findall(draft.body))
    if mine < 6 or mine <= 2 * yours:
        return []
    message = (
        f"This note says I, me or my {_plural(mine, 'time')} and you or your "
        f"{_plural(yours, 'time')}. Turn a sentence or two toward them: their work, "
        "their path, why you are asking them."
    )
    return [Finding("about-me", "tip", message)]


def check_informational(draft: Draft) -> list[Finding]:
    if phrases.INFORMATIONAL.search(draft.body) or phrases.INFORMATIONAL.search(draft.subject):
        return []
    message = (
        "Say that you want to learn from them (their advice, their experience of the work), "
        "so the note cannot be mistaken for a job application."
    )
    return [Finding("not-informational", "tip", message)]


def _only(*names: str) -> frozenset[str]:
    return frozenset(names)


def _all_but(*names: str) -> frozenset[str]:
    return frozenset(KINDS) - set(names)


RULES: list[Rule] = [
    Rule("do-not-contact", check_do_not_contact),
    Rule("placeholder", check_placeholders),
    # A reply may attach the résumé they asked for.
    Rule("job-ask", check_job_ask, kinds=_all_but("reply")),
    Rule("too-long", check_length, channels=_only("email", "linkedin")),
    Rule("no-subject", check_subject, kinds=_all_but("reply"), channels=_only("email")),
    Rule("no-time-ask", check_time_ask_missing, kinds=_only("request")),
    Rule("long-time-ask", check_time_ask_too_long, kinds=_only("request")),
    Rule("no-thanks", check_thanks, kinds=_only("request", "nudge", "thank_you")),
    Rule("not-personal", check_personal, kinds=_only("request")),
    Rule("vague-thank-you", check_thank_you_specific, kinds=_only("thank_you")),
    Rule("no-question", check_question, kinds=_only("request")),
    Rule("about-me", check_about_me, kinds=_only("request", "nudge")),
    Rule("not-informational", check_informational, kinds=_only("request")),
]
