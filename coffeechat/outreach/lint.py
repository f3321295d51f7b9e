"""The etiquette linter: checks an outreach draft against the habits that get replies.

Pure Python, no database. Each rule is one small function that takes a `Draft` and returns
`Finding`s; `RULES` lists them with the kinds and channels they apply to. Adding a rule is
adding a function and a row. The phrases the rules look for are in `phrases`, and the
helpers that read words and clauses in `lint_text`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from coffeechat.lib.validation import LINE_LIMIT, TEXT_LIMIT
from coffeechat.outreach import lint_text, phrases
from coffeechat.outreach.lint_text import Span

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
    """Every finding for `draft`: errors, then warnings, then tips; whole-message ones first.

    A draft too large to be a message gets that one finding and nothing else is read.
    """
    if refused := check_size(draft):
        return refused
    findings = [f for rule in RULES if rule.applies_to(draft) for f in rule.check(draft)]
    return sorted(findings, key=_order)


def _order(finding: Finding) -> tuple[int, int]:
    return SEVERITIES.index(finding.severity), -1 if finding.start is None else finding.start


# Rule helpers ------------------------------------------------------------------------------


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


def check_size(draft: Draft) -> list[Finding]:
    """Refuse text too large to be a message before any pattern reads it."""
    if len(draft.body) > TEXT_LIMIT:
        message = (
            f"Keep this to {TEXT_LIMIT:,} characters (it has {len(draft.body):,}). "
            "Text this long was not checked: paste the message itself."
        )
        return [Finding("too-large", "error", message)]
    if len(draft.subject) > LINE_LIMIT:
        message = (
            f"Keep the subject to {LINE_LIMIT:,} characters (it has {len(draft.subject):,}); "
            "a good one is under 60. The message was not checked."
        )
        return [Finding("too-large", "error", message, field="subject")]
    return []


def check_do_not_contact(draft: Draft) -> list[Finding]:
    if not draft.do_not_contact:
        return []
    message = (
        "This person is marked do-not-contact. Don't send this; "
        "clear the mark on their record only if they have asked to hear from you again."
    )
    return [Finding("do-not-contact", "error", message)]


def check_placeholders(draft: Draft) -> list[Finding]:
    def message(phrase: str, field: str) -> str:
        where = "in the subject" if field == "subject" else "before sending"
        return (
            f"Fill in or remove {lint_text.quote(phrase)} {where}: "
            "a blank merge field tells the reader this is a form letter."
        )

    return _each_in_subject_and_body(draft, "placeholder", "error", lint_text.placeholders, message)


def _job_asks(text: str, first_note: bool) -> list[Span]:
    asks = phrases.JOB_ASKS + (phrases.FIRST_NOTE_ASKS if first_note else [])
    spans = lint_text.matches(text, asks)
    # "Glad to hear of any news or openings" leaves a door open; it does not knock on it.
    polite = [] if first_note else lint_text.matches(text, phrases.FIRST_NOTE_ASKS)
    kept: list[Span] = []
    reach, next_polite = -1, 0  # the furthest end of the polite spans begun so far
    for start, end in spans:
        while next_polite < len(polite) and polite[next_polite][0] <= start:
            reach = max(reach, polite[next_polite][1])
            next_polite += 1
        if (kept and start < kept[-1][1]) or end <= reach:
            continue
        if not lint_text.negated(text, start):
            kept.append((start, end))
    return kept


def check_job_ask(draft: Draft) -> list[Finding]:
    severity: Severity = "error" if draft.kind in ("request", "nudge") else "warning"

    def message(phrase: str, field: str) -> str:
        return (
            f"{lint_text.quote(phrase)} reads as asking for a job. Ask for advice and insight instead; "
            "if there is an opening, let them be the one to bring it up."
        )

    first_note = draft.kind not in ("thank_you", "keep_in_touch")
    return _each_in_subject_and_body(
        draft, "job-ask", severity, lambda text: _job_asks(text, first_note), message
    )


def _linkedin_note_too_long(body: str) -> list[Finding]:
    text = body.strip()
    if len(text) <= LINKEDIN_NOTE_LIMIT:
        return []
    offset = len(body) - len(body.lstrip())
    over = len(text) - LINKEDIN_NOTE_LIMIT
    message = (
        f"A LinkedIn connection note holds {LINKEDIN_NOTE_LIMIT} characters and this "
        f"one has {len(text)}, {lint_text.plural(over, 'character')} over. Keep who you are, "
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


# What a subject line is for, by kind of message.
SUBJECT_ADVICE = {
    "request": "says what you are asking for, e.g. “Twenty minutes on your path into data "
    "journalism?”",
    "nudge": "they will recognise: reply in the thread of your first note, or reuse its subject",
    "confirmation": "with the day and time, e.g. “Confirming Thursday 3 pm”",
    "reschedule": "that says the time is changing, e.g. “Moving Thursday's call?”",
    "thank_you": "that thanks them for the conversation, e.g. “Thank you for Tuesday's chat”",
    "keep_in_touch": "that names what you are sending, e.g. “An article on service design I "
    "thought you'd enjoy”",
}


def check_subject(draft: Draft) -> list[Finding]:
    if draft.subject.strip():
        return []
    advice = SUBJECT_ADVICE.get(draft.kind, "that tells them what the message is about")
    message = f"Add a subject line {advice}."
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
        f"{lint_text.quote(draft.body[start:end])} is a lot to ask of a stranger. "
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


RELATION_REACH = 60  # characters from "speaks" to "your work"


def _names_a_relation(text: str) -> bool:
    """ "My aunt, who worked with you at the Trust, …": a connection named by relation."""
    for sentence in phrases.SENTENCE.finditer(text):
        relation = phrases.RELATION.search(sentence.group())
        if relation is None:
            continue
        verb = phrases.CONNECTING_VERB.search(sentence.group(), relation.end())
        # "…speaks highly of your work": the reader comes within a few words of the verb.
        near = verb.end() + RELATION_REACH if verb else 0
        if verb and phrases.SECOND_PERSON_WORD.search(sentence.group(), verb.start(), near):
            return True
    return False


def _is_personal(draft: Draft) -> bool:
    # Their organisation's name is not enough: a template puts it in every note it writes.
    text = f"{draft.subject}\n{draft.body}"
    if phrases.PERSONAL.search(text) or _names_a_relation(text):
        return True
    context = (draft.their_work + "\n" + draft.connection)[:TEXT_LIMIT]
    if lint_text.mentions_any(text, lint_text.distinctive(context)):
        return True
    names = {w for w in lint_text.words(draft.referrer[:LINE_LIMIT]) if len(w) >= 3}
    return bool(names & set(lint_text.words(text)))


def check_personal(draft: Draft) -> list[Finding]:
    if _is_personal(draft):
        return []
    message = (
        "Nothing here shows why you are writing to this person in particular. Name their "
        "work, how you are connected, or who suggested you get in touch."
    )
    return [Finding("not-personal", "warning", message)]


def _is_specific(draft: Draft) -> bool:
    body = lint_text.without_placeholders(draft.body)
    if phrases.QUOTED.search(body) or lint_text.cue_with_substance(phrases.SPECIFIC_CUE, body):
        return True
    takeaways = "\n".join(draft.takeaways)[:TEXT_LIMIT]
    return lint_text.mentions_any(body, lint_text.distinctive(takeaways))


def check_thank_you_specific(draft: Draft) -> list[Finding]:
    if _is_specific(draft):
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
        f"This note says I, me or my {lint_text.plural(mine, 'time')} and you or your "
        f"{lint_text.plural(yours, 'time')}. Turn a sentence or two toward them: their work, "
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


def _touch_substance(draft: Draft) -> tuple[str, Span | None] | None:
    """What a keep-in-touch note lacks, and where, or None when it has something to say.

    It reads plain text: the touch is told by its words (an article shared, congratulations,
    an update), and the substance is a link, the news named, or something done since.
    """
    body = lint_text.without_placeholders(f"{draft.subject}\n{draft.body}")
    offset = len(draft.subject) + 1
    if slot := phrases.EMPTY_SLOT.search(body):
        label = slot.group().strip()
        span = (slot.start() - offset, slot.end() - offset) if slot.start() >= offset else None
        return f"The line {lint_text.quote(label)} is empty: fill it in or take it out.", span
    sign_off = max((m.start() for m in phrases.SIGN_OFF.finditer(body)), default=len(body))
    link = phrases.URL.search(body, 0, sign_off)
    if phrases.SHARING.search(body) and phrases.ARTICLE_NOUN.search(body):
        if link or phrases.ATTACHED.search(body):
            return None
        return (
            "Say what you are sharing: the article's title and its link, so they can open it "
            "without searching.",
            None,
        )
    if phrases.CONGRATULATION.search(body):
        if lint_text.cue_with_substance(phrases.NEWS_CUE, body):
            return None
        return (
            "Name their news (“congratulations on your move to the research team”): "
            "congratulations on nothing in particular read as a form letter.",
            None,
        )
    if (
        link
        or lint_text.cue_with_substance(phrases.DONE_SINCE, body)
        or lint_text.cue_with_substance(phrases.NEWS_CUE, body)
        or lint_text.cue_with_substance(phrases.OFFER_CUE, body)
    ):
        return None
    if phrases.UPDATE_CUE.search(body):
        return (
            "Say what you did with their advice (a course started, a person met, an "
            "application sent): an update with no news is a note they cannot answer.",
            None,
        )
    return (
        "Give them a reason for the note: an article with its title and link, an update on "
        "what you did with their advice, congratulations on their news, or an offer of help "
        "that names what you could do.",
        None,
    )


def check_touch_substance(draft: Draft) -> list[Finding]:
    lacking = _touch_substance(draft)
    if lacking is None:
        return []
    message, span = lacking
    start, end = span or (None, None)
    return [Finding("empty-touch", "error", message, start, end)]


def _only(*names: str) -> frozenset[str]:
    return frozenset(names)


def _all_but(*names: str) -> frozenset[str]:
    return frozenset(KINDS) - set(names)


RULES: list[Rule] = [
    Rule("too-large", check_size),
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
    Rule("empty-touch", check_touch_substance, kinds=_only("keep_in_touch")),
    Rule("no-question", check_question, kinds=_only("request")),
    Rule("about-me", check_about_me, kinds=_only("request", "nudge")),
    Rule("not-informational", check_informational, kinds=_only("request")),
]
