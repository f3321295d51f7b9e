"""The etiquette linter: checks an outreach draft against the habits that get replies.

Pure Python, no database. Each rule is one small function that takes a `Draft` and returns
`Finding`s; `RULES` lists them with the kinds and channels they apply to. Adding a rule is
adding a function and a row.
"""

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

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

_WORD = re.compile(r"[\w'’-]+")
_LETTERS = re.compile(r"[^\W\d_]+")

# Common words of five letters or more that say nothing about a particular person.
_GENERIC = frozenset(
    """
    about above after again against along among another around based because before being
    below between could doing during every first found great having other their there these
    thing things those three through under until using where which while would should whose
    within without years really still often might since across always maybe never project
    projects company companies people person working works worked field fields career careers
    industry current currently recent recently student students college university school
    department organisation organization group groups member members several various during
    including interest interested making helping building leading senior junior manager
    """.split()
)


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _LETTERS.findall(text)]


def _distinctive(text: str, min_length: int = 5) -> set[str]:
    """Words in `text` specific enough to show a note was written for this person."""
    found: set[str] = set()
    for word in _LETTERS.findall(text):
        if word.isupper() and len(word) >= 2:
            found.add(word.casefold())  # an acronym: MIT, UX
        elif len(word) >= min_length and word.casefold() not in _GENERIC:
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


_NEGATION = re.compile(r"\b(?:not|never|no)\b|n['’]t\b", re.IGNORECASE)


def _negated(text: str, position: int) -> bool:
    """True when the clause leading up to `position` says "not", as in "I'm not asking for…"."""
    return bool(_NEGATION.search(_clause_before(text, position)))


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= 60 else text[:57] + '…'}”"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# Rules -------------------------------------------------------------------------------------


def check_do_not_contact(draft: Draft) -> list[Finding]:
    if not draft.do_not_contact:
        return []
    message = (
        "This person is marked do-not-contact. Don't send this; "
        "clear the mark on their record only if they have asked to hear from you again."
    )
    return [Finding("do-not-contact", "error", message)]


_PLACEHOLDER = re.compile(
    r"\{\{.*?\}\}"  # {{ first_name }}
    r"|\{%.*?%\}"  # {% if … %}
    r"|(?<!\{)\{\s*[A-Za-z_][\w .]{0,30}\}"  # {first_name}
    r"|\[(?P<square>[A-Za-z][A-Za-z0-9 '’/&.,-]{0,39})\](?!\()"  # [Name], [their work]
    r"|<(?P<angle>[A-Za-z][A-Za-z _/-]{0,30})>"  # <Name>
    r"|(?<!\w)(?:XXX+|xxx+)(?!\w)"
    r"|\b(?:TODO|FIXME)\b"
    r"|_{3,}"
)
_NOT_PLACEHOLDERS = frozenset({"sic", "at", "dot", "x"})
_HTML_TAGS = frozenset(
    """
    a abbr b blockquote body br code div em h1 h2 h3 h4 h5 h6 head hr html i li ol p pre s
    small span strong sub sup table tbody td th thead tr u ul
    """.split()
)


def _placeholders(text: str) -> list[re.Match[str]]:
    found: list[re.Match[str]] = []
    for match in _PLACEHOLDER.finditer(text):
        if (square := match.group("square")) and square.strip().casefold() in _NOT_PLACEHOLDERS:
            continue
        if (angle := match.group("angle")) and angle.strip().casefold() in _HTML_TAGS:
            continue
        found.append(match)
    return found


def check_placeholders(draft: Draft) -> list[Finding]:
    def message(match: re.Match[str], where: str) -> str:
        return (
            f"Fill in or remove {_quote(match.group())} {where}: "
            "a blank merge field tells the reader this is a form letter."
        )

    findings = [
        Finding("placeholder", "error", message(m, "in the subject"), field="subject")
        for m in _placeholders(draft.subject)
    ]
    findings += [
        Finding("placeholder", "error", message(m, "before sending"), m.start(), m.end())
        for m in _placeholders(draft.body)
    ]
    return findings


_RESUME = r"(?:r[eé]sum[eé]s?|cvs?|c\.v\.)"
_JOB = r"(?:jobs?|positions?|roles?|openings?|vacanc(?:y|ies)|internships?|placements?)"
_TEAM = (
    r"(?:\w+\s+)?(?:team|company|firm|group|department|office|lab|studio|agency|"
    r"organi[sz]ation|division|unit|org|practice|school)"
)
_JOB_ASKS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in [
        # someone to give, find or get them work
        rf"\b(?:give|offer|find|get)\s+me\s+(?:a|an|any|the|some)\s+(?:\w+\s+){{0,2}}?"
        rf"(?:{_JOB}|job\s+offers?|offers?|interviews?|work)\b",
        rf"\bhelp\s+me\s+(?:to\s+)?(?:get|find|land|secure|obtain)\s+(?:a|an|any|the|some)\s+"
        rf"(?:\w+\s+){{0,2}}?(?:{_JOB}|job\s+offers?|offers?|interviews?|work)\b",
        r"\b(?:ask(?:ing)?(?:\s+you)?|look(?:ing)?|search(?:ing)?|hop(?:e|ing)|apply(?:ing)?|"
        r"applied)\s+for\s+(?:a|an|any|the|your)\s+(?:\w+\s+){0,2}?(?:jobs?|positions?|"
        r"openings?|vacanc(?:y|ies)|internships?|placements?|employment)\b",
        r"\b(?:love|like|want|need|welcome)\s+(?:a|an|any)\s+(?:\w+\s+){0,2}?(?:jobs?|"
        r"positions?|internships?|placements?|job\s+offers?)\b",
        r"\b(?:seek(?:ing)?|look(?:ing)?\s+for|search(?:ing)?\s+for)\s+(?:new\s+|full[\s-]time\s+"
        r"|part[\s-]time\s+)?employment\b",
        # openings and vacancies
        r"\b(?:(?:job|open|current|upcoming|available|any)\s+)?openings\b",
        r"\b(?:an|any)\s+opening\b(?!\s+(?:remarks?|lines?|statements?|questions?|keynote))",
        r"\bvacanc(?:y|ies)\b",
        r"\bopen\s+(?:positions?|roles?|jobs?|reqs?|headcount)\b",
        r"\b(?:positions?|roles?|jobs?|internships?)\s+(?:open|available)\b",
        r"\b(?:job|employment|work|hiring|internship)\s+opportunit(?:y|ies)\b",
        # hiring
        rf"\b(?:are|is)\s+(?:you|your\s+{_TEAM})\s+(?:currently\s+|still\s+|actively\s+|now\s+)?"
        r"hiring\b",
        r"\bis\s+(?-i:[A-Z])[\w&.-]*(?:\s+(?-i:[A-Z])[\w&.-]*){0,3}\s+(?:currently\s+|still\s+)?"
        r"hiring\b",
        r"\b(?:hire|employ|recruit)\s+me\b",
        r"\b(?:me|I)\s+(?:to\s+)?(?:be|get)\s+hired\b",
        r"\bI(?:['’]d|\s+would|['’]m|\s+am|\s+hope|\s+want|['’]ll|\s+will)\s+(?:\w+\s+){0,3}?"
        r"(?:be|being|get|getting)\s+hired\b",
        # being considered or kept in mind
        r"\bconsider\s+me\b",
        r"\b(?:be|being|get|getting)\s+considered\s+for\b",
        r"\bkeep\s+me\s+in\s+mind\b",
        rf"\bif\s+(?:anything|something|a\s+{_JOB}|an\s+opening|an?\s+\w+\s+{_JOB})\s+"
        r"(?:comes|opens)\s+up\b",
        rf"\bif\s+you\s+(?:hear|know)\s+of\s+(?:anything|any\s+(?:\w+\s+)?(?:{_JOB}|"
        r"opportunit(?:y|ies)))\b",
        rf"\b(?:know\s+of|hear\s+of|aware\s+of)\s+any\s+(?:\w+\s+)?(?:{_JOB})\b",
        # referrals to a role, not to a person
        rf"\brefer\s+me\s+(?:for|to)\s+(?:a|an|the|any|your|one\s+of\s+your)\s+"
        rf"(?:\w+\s+){{0,2}}?{_JOB}\b",
        r"\b(?:refer|recommend)\s+me\s+for\b",
        rf"\breferral\s+(?:for|to)\s+(?:a|an|the|any|your|one\s+of\s+your)\s+"
        rf"(?:\w+\s+){{0,2}}?(?:{_JOB}|team)\b",
        r"\b(?:employee|internal)\s+referral\b",
        r"\b(?:put|send|pass)\s+(?:my\s+name|me)\s+forward\b",
        r"\b(?:introduce|connect|put|refer)\s+me\s+(?:to|with|in\s+touch\s+with)\s+(?:the|your|a|an|"
        r"someone\s+in|anyone\s+in)\s+(?:hiring\s+managers?|recruit\w*|HR\b|human\s+resources|"
        r"talent\s+(?:team|acquisition))",
        # passing on a résumé
        rf"\b(?:pass|passing|passed|hand|handing|send|sending|forward|forwarding|circulate|"
        rf"circulating|share|sharing|get|getting|put|putting)\s+(?:on\s+|along\s+)?"
        rf"(?:a\s+copy\s+of\s+)?my\s+{_RESUME}(?!\w)",
        rf"\bmy\s+{_RESUME}\s+(?:is\s+)?(?:attached|enclosed)\b",
        rf"\b(?:attach(?:ed|ing)?|enclos(?:e|ed|ing))\s+(?:is\s+)?(?:a\s+copy\s+of\s+)?my\s+"
        rf"{_RESUME}(?!\w)",
        # favours that amount to the same thing
        r"\bput\s+in\s+a\s+(?:good\s+)?word\b",
        r"\bput\s+a\s+good\s+word\s+in\b",
        r"\bgood\s+word\s+for\s+me\b",
        r"\bmy\s+foot\s+in\s+(?:the|your)\s+door\b",
        r"\bme\s+(?:get\s+)?(?:a\s+foot\s+)?in\s+(?:the|your)\s+door\b",
        rf"\b(?:love|like|want|hope|eager|keen|excited|dream)\s+to\s+(?:work\s+(?:for|at)\s+"
        rf"(?:you\b|your\s+{_TEAM})|join\s+your\s+{_TEAM})",
    ]
]


def _job_asks(text: str) -> list[tuple[int, int]]:
    spans = sorted(
        {(m.start(), m.end()) for pattern in _JOB_ASKS for m in pattern.finditer(text)},
        key=lambda span: (span[0], -span[1]),
    )
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if kept and start < kept[-1][1]:
            continue
        if not _negated(text, start):
            kept.append((start, end))
    return kept


def check_job_ask(draft: Draft) -> list[Finding]:
    severity: Severity = "error" if draft.kind in ("request", "nudge") else "warning"

    def message(phrase: str) -> str:
        return (
            f"{_quote(phrase)} reads as asking for a job. Ask for advice and insight instead; "
            "if there is an opening, let them be the one to bring it up."
        )

    findings = [
        Finding("job-ask", severity, message(draft.subject[s:e]), field="subject")
        for s, e in _job_asks(draft.subject)
    ]
    findings += [
        Finding("job-ask", severity, message(draft.body[s:e]), s, e)
        for s, e in _job_asks(draft.body)
    ]
    return findings


def check_length(draft: Draft) -> list[Finding]:
    body = draft.body
    if draft.kind == "request" and draft.channel == "linkedin":
        text = body.strip()
        if len(text) <= LINKEDIN_NOTE_LIMIT:
            return []
        offset = len(body) - len(body.lstrip())
        over = len(text) - LINKEDIN_NOTE_LIMIT
        return [
            Finding(
                "too-long",
                "error",
                f"A LinkedIn connection note holds {LINKEDIN_NOTE_LIMIT} characters and this "
                f"one has {len(text)}, {_plural(over, 'character')} over. Keep who you are, "
                "why them, and the ask.",
                offset + LINKEDIN_NOTE_LIMIT,
                offset + len(text),
            )
        ]
    tip_limit, warning_limit = WORD_LIMITS.get(draft.kind, (None, None))
    words = list(_WORD.finditer(body))
    count = len(words)
    kind = draft.kind.replace("_", "-")
    if warning_limit is not None and count > warning_limit:
        aim = tip_limit or warning_limit
        return [
            Finding(
                "too-long",
                "warning",
                f"This {kind} runs to {count} words. Busy people skim long notes; "
                f"cut it to under {aim} words.",
                words[warning_limit].start(),
                len(body.rstrip()),
            )
        ]
    if tip_limit is not None and count > tip_limit:
        return [
            Finding(
                "too-long",
                "tip",
                f"This {kind} has {count} words. Under {tip_limit} words it can be read at a "
                "glance: see what you can cut.",
                words[tip_limit].start(),
                len(body.rstrip()),
            )
        ]
    return []


def check_subject(draft: Draft) -> list[Finding]:
    if draft.subject.strip():
        return []
    message = (
        "Add a subject line that says what you are asking for, "
        "e.g. “Twenty minutes on your path into data journalism?”."
    )
    return [Finding("no-subject", "warning", message, field="subject")]


_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "five": 5, "ten": 10}
_NUMBER_WORDS |= {"fifteen": 15, "twenty": 20, "twenty-five": 25, "thirty": 30, "forty": 40}
_NUMBER_WORDS |= {"forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90}
_NUMBER = (
    r"(?:\d{1,3}|twenty[\s-]five|forty[\s-]five|five|ten|fifteen|twenty|thirty|forty|fifty|"
    r"sixty|ninety)"
)
_HOURS = r"(?:\d{1,2}(?:\.\d)?|an|a|one|two|three)"
_DURATION = re.compile(
    r"\b(?:half[\s-]?(?:an[\s-])?hour|a\s+half[\s-]hour)\b(?P<half>)"
    r"|\bquarter(?:\s+of\s+an|[\s-])\s*hour\b(?P<quarter>)"
    rf"|\b(?P<m1>{_NUMBER})(?:\s*(?:-|–|—|to|or)\s*(?P<m2>{_NUMBER}))?(?:\s*|-)"
    r"(?:minutes?|mins?)\b"
    rf"|\b(?P<h1>{_HOURS})(?:\s*(?:-|–|to|or)\s*(?P<h2>{_HOURS}))?(?:\s+|-)(?:hours?|hrs?)\b"
    r"(?!-long)",
    re.IGNORECASE,
)


def _number(text: str) -> float:
    text = " ".join(text.casefold().replace("-", " ").split())
    return float(text) if text[0].isdigit() else float(_NUMBER_WORDS[text.replace(" ", "-")])


def _durations(text: str) -> list[tuple[float, int, int]]:
    """(minutes, start, end) for each length of time mentioned; ranges count as their top end."""
    found: list[tuple[float, int, int]] = []
    for match in _DURATION.finditer(text):
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
    return [
        Finding(
            "long-time-ask",
            "warning",
            f"{_quote(draft.body[start:end])} is a lot to ask of a stranger. "
            "Ask for 15–30 minutes; if the talk goes well they can offer more.",
            start,
            end,
        )
    ]


_THANKS = re.compile(r"\b(?:thank\w*|thanks|thx|grateful|gratitude|appreciat\w*)", re.IGNORECASE)


def check_thanks(draft: Draft) -> list[Finding]:
    if _THANKS.search(draft.body) or _THANKS.search(draft.subject):
        return []
    message = (
        "Say thank you: they owe you nothing, and a line of thanks for their time "
        "is part of the ask."
    )
    return [Finding("no-thanks", "warning", message)]


_PERSONAL = re.compile(
    r"\byour\s+(?:recent\s+|latest\s+|new\s+)?(?:work\s+on|talk|article|post|paper|book|podcast|"
    r"presentation|keynote|panel|interview|newsletter|blog|essay|research\s+on|thread|video|"
    r"webinar|session|piece)\b"
    r"|\bI\s+(?:read|saw|heard|watched|listened\s+to|came\s+across|enjoyed|loved)\s+your\b"
    r"|\bwe\s+both\b|\bfellow\b|\bwe\s+met\b|\bmet\s+(?:you\s+)?at\b|\bmutual\b"
    r"|\b(?:suggested|recommended|mentioned)\s+(?:that\s+)?I\b|\breferred\s+me\b"
    r"|\bgave\s+me\s+your\s+name\b|\bpassed\s+(?:along|on)\s+your\s+name\b"
    r"|\balum(?:na|nae|ni|nus)?\b",
    re.IGNORECASE,
)
_ORGANIZATION_FILLER = frozenset(
    """
    the and of for inc llc ltd corp corporation company co group limited plc gmbh partners
    associates labs lab studio agency solutions services systems technologies technology
    international global department university college school institute foundation
    """.split()
)


def _is_personal(draft: Draft) -> bool:
    text = f"{draft.subject}\n{draft.body}"
    if _PERSONAL.search(text):
        return True
    if _mentions_any(text, _distinctive(draft.their_work) | _distinctive(draft.connection)):
        return True
    names = {w for w in _words(draft.referrer) if len(w) >= 3}
    org_words = {w for w in _words(draft.organization) if len(w) >= 3}
    org_words -= _ORGANIZATION_FILLER
    return bool((names | org_words) & set(_words(text)))


def check_personal(draft: Draft) -> list[Finding]:
    if _is_personal(draft):
        return []
    message = (
        "Nothing here shows why you are writing to this person in particular. Name their "
        "work, how you are connected, or who suggested you get in touch."
    )
    return [Finding("not-personal", "warning", message)]


_SPECIFIC = re.compile(
    r"\byou\s+(?:mentioned|suggested|said|recommended|pointed\s+out|explained|described|"
    r"shared|told\s+me)\b"
    r"|\byour\s+(?:advice|point|tip|suggestion|recommendation|story)\b"
    r"|\bI\s+(?:learned|learnt)\b|\bespecially\b|\bparticularly\b|\bin\s+particular\b"
    r"|\bthe\s+tip\s+about\b|\bstuck\s+with\s+me\b"
    r"|[\"“][^\"”\n]{3,}[\"”]",
    re.IGNORECASE,
)


def check_thank_you_specific(draft: Draft) -> list[Finding]:
    keywords = {word for takeaway in draft.takeaways for word in _distinctive(takeaway)}
    if _SPECIFIC.search(draft.body) or _mentions_any(draft.body, keywords):
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


_FIRST_PERSON = re.compile(r"\b(?:I['’](?:m|ve|d|ll)|I|me|my|mine|myself)\b", re.IGNORECASE)
_SECOND_PERSON = re.compile(
    r"\b(?:you['’](?:re|ve|d|ll)|you|your|yours|yourself|yourselves)\b", re.IGNORECASE
)


def check_about_me(draft: Draft) -> list[Finding]:
    mine = len(_FIRST_PERSON.findall(draft.body))
    yours = len(_SECOND_PERSON.findall(draft.body))
    if mine < 6 or mine <= 2 * yours:
        return []
    message = (
        f"This note says I, me or my {_plural(mine, 'time')} and you or your "
        f"{_plural(yours, 'time')}. Turn a sentence or two toward them: their work, "
        "their path, why you are asking them."
    )
    return [Finding("about-me", "tip", message)]


_INFORMATIONAL = re.compile(
    r"\badvi(?:ce|se)\b|\blearn\w*|\binsight\w*|\bperspectives?\b|\binformational\b"
    r"|\bhear\s+(?:about|how|more|what|your)\b|\byour\s+(?:experience|career|path|journey|story)\b"
    r"|\bguidance\b|\bpick\s+your\s+brain\b",
    re.IGNORECASE,
)


def check_informational(draft: Draft) -> list[Finding]:
    if _INFORMATIONAL.search(draft.body) or _INFORMATIONAL.search(draft.subject):
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
