"""The question linter: checks a question for an informational interview before it is asked.

Pure Python, no database. Each rule is one small function that takes the question's text and
returns `QuestionFinding`s; `RULES` lists them. Adding a rule is adding a function and a row.
It mirrors the etiquette linter of outreach, which this app may not import (conversations
stand below outreach).
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from coffeechat.lib.validation import check_size

Severity = Literal["error", "warning", "tip"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "tip")
LONGEST_QUESTION_WORDS = 35


@dataclass(frozen=True)
class QuestionFinding:
    code: str
    severity: Severity
    message: str
    start: int | None = None  # character span in the text; None for the whole question
    end: int | None = None


@dataclass(frozen=True)
class QuestionRule:
    code: str
    check: Callable[[str], Iterable[QuestionFinding]]


def lint_question(text: str) -> list[QuestionFinding]:
    """Every finding for `text`: errors, then warnings, then tips; whole-question ones first.

    Raises ValidationError, before any rule runs, for text over TEXT_LIMIT characters.
    """
    check_size(text)
    if not text.strip():
        return []
    findings = [finding for rule in RULES for finding in rule.check(text)]
    return sorted(findings, key=_order)


def has_errors(findings: Iterable[QuestionFinding]) -> bool:
    return any(finding.severity == "error" for finding in findings)


def _order(finding: QuestionFinding) -> tuple[int, int]:
    return SEVERITIES.index(finding.severity), -1 if finding.start is None else finding.start


# Text helpers ------------------------------------------------------------------------------

_WORD = re.compile(r"[\w'’-]+")
# One sentence: the text after the previous sentence's end, up to and with its own end mark
# or the end of the text. It always matches where the last one stopped and never gives back
# what it took, so finditer reads each character once: the text splits into sentences and
# those ending in "?" are the questions. (A pattern that had to find a "?" would be tried
# again from every character of a long sentence without one, and take quadratic time.)
_SENTENCE = re.compile(r"[^.?!\n]*[.?!\n]?")
# Words that lead into a question without changing what kind of question it is.
_LEAD_IN = re.compile(r"\s*(?:(?:and|so|but|also|then|now|ok|okay|well)\b[\s,]*)*", re.I)
_OPEN_WORDS = frozenset("what which who whom whose how why".split())
_AUXILIARY = (
    r"do|does|did|don't|doesn't|didn't|is|isn't|are|aren't|am|was|wasn't|were|weren't|"
    r"can|can't|could|couldn't|would|wouldn't|will|won't|should|shouldn't|shall|"
    r"have|haven't|has|hasn't|had|hadn't|may|might|must"
)
_CLOSED_OPENING = re.compile(rf"(?P<aux>{_AUXILIARY})\b\s+(?P<subject>[\w'’]+)", re.I)
# "Could you walk me through…" asks for a story, however it begins.
_POLITE_REQUEST = re.compile(
    r"(?:can|could|would|will)\s+you\s+(?:please\s+)?"
    r"(?:tell|walk|talk|take|describe|explain|share|say\s+more|give\s+me\s+an?\s+example)\b",
    re.I,
)
# Asking leave to mention their name is the one yes-or-no question worth asking as one: one
# of these verbs and, somewhere after the first of them, the word "name". Two searches, each
# reading the question once, where "verb, anything, name" in one pattern would read the rest
# of the question again from every verb.
_NAME_VERB = re.compile(r"\b(?:mention|use|give|drop|say|cite)\b", re.I)
_NAME = re.compile(r"\bname\b", re.I)
# Asking who else to talk to invites names, not a yes: "Can you recommend anyone else…?"
_ASKS_FOR_NAMES = re.compile(
    r"\b(?:recommend|suggest|introduce\s+me\s+to|point\s+me\s+to|think\s+of|know\s+of)\s+"
    r"(?:anyone|anybody|someone|somebody|other\s+people|people|others)\b"
    r"|\b(?:is|are)\s+there\s+(?:anyone|anybody|someone|somebody|other\s+people)\s+else\b",
    re.I,
)


def _questions(text: str) -> Iterator[re.Match[str]]:
    return (sentence for sentence in _SENTENCE.finditer(text) if sentence.group().endswith("?"))


def _asks_to_use_name(question: str) -> bool:
    verb = _NAME_VERB.search(question)
    return verb is not None and _NAME.search(question, verb.end()) is not None


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= 60 else text[:57] + '…'}”"


def _spans(patterns: Iterable[re.Pattern[str]], text: str) -> list[tuple[int, int]]:
    """Each place any of `patterns` matches, overlapping matches kept once (the longest)."""
    spans = sorted(
        {match.span() for pattern in patterns for match in pattern.finditer(text)},
        key=lambda span: (span[0], -span[1]),
    )
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def _phrases(*patterns: str) -> list[re.Pattern[str]]:
    return [re.compile(rf"\b{pattern}\b", re.I) for pattern in patterns]


# Rules -------------------------------------------------------------------------------------

_JOB_ASKS = _phrases(
    r"(?:are|is)\s+(?:you|your\s+\w+|the\s+\w+|they|anyone)\s+(?:currently\s+|still\s+|now\s+)?"
    r"hiring",
    r"(?:are\s+there|is\s+there|do\s+you\s+have|does\s+your\s+\w+\s+have)\s+(?:any\s+)?"
    r"(?:job\s+)?(?:openings?|vacanc(?:y|ies)|open\s+(?:positions?|roles?))",
    r"(?:give|offer|find|get)\s+me\s+(?:a|an)\s+(?:job|position|role|interview|internship)",
    r"(?:hire|employ)\s+me",
    r"(?:refer|recommend)\s+me\s+(?:for|to)\s+(?:a|an|the|this|that|your|any)\s+"
    r"(?:job|role|position|opening|vacancy)",
    r"refer\s+me\s+internally",
    r"(?:a|an|your)\s+referral\s+(?:for|to)\s+(?:a|an|the|this|that|your)\s+"
    r"(?:job|role|position|opening)",
    r"put\s+in\s+a\s+good\s+word",
    r"consider\s+me\s+for",
    r"(?:pass|send|forward)\s+(?:on\s+|along\s+)?my\s+(?:cv|résumé|resume|application)",
    r"(?:a|any)\s+(?:job|position|role|opening)\s+for\s+me",
    r"apply\s+(?:to|for|at|with)\s+your\s+(?:team|company|organi[sz]ation|firm|department|group)",
)


def check_job_ask(text: str) -> list[QuestionFinding]:
    return [
        QuestionFinding(
            "job-ask",
            "error",
            f"{_quote(text[start:end])} asks them for a job. This conversation is for their "
            "insight and advice; if there is an opening, let them be the one to mention it.",
            start,
            end,
        )
        for start, end in _spans(_JOB_ASKS, text)
    ]


_PAY = r"(?:salary|pay|paycheck|pay\s+cheque|wages?|income|compensation|earnings|bonus)"
_THEIR_SALARY = _phrases(
    r"how\s+much\s+(?:money\s+)?(?:do|did)\s+you\s+"
    r"(?:make|earn|get\s+paid|take\s+home|bring\s+in)",
    r"how\s+much\s+(?:are|were)\s+you\s+paid",
    r"what\s+(?:do|did)\s+you\s+(?:earn|get\s+paid|take\s+home)",
    r"what\s+(?:do|did)\s+you\s+make(?!\s+of)(?=\s*(?:\?|a\s+year|per|an\s+hour|a\s+month))",
    rf"your\s+(?:own\s+|current\s+|starting\s+|annual\s+|base\s+)?{_PAY}"
    r"(?!\s+(?:range|band|bracket|scale|structure|expectations?))",
)


def check_their_salary(text: str) -> list[QuestionFinding]:
    return [
        QuestionFinding(
            "their-salary",
            "error",
            f"{_quote(text[start:end])} asks what they earn, which is personal. Ask about the "
            "usual range for the role instead: “What pay range is typical for someone "
            "starting out in this work?”",
            start,
            end,
        )
        for start, end in _spans(_THEIR_SALARY, text)
    ]


def _closed_opening(question: str) -> re.Match[str] | None:
    """The auxiliary verb and subject a yes-or-no question opens with, if it is one."""
    lead = _LEAD_IN.match(question)
    at = lead.end() if lead else 0
    first = _WORD.match(question, at)
    if first is None or first.group().casefold() in _OPEN_WORDS:
        return None
    opening = _CLOSED_OPENING.match(question, at)
    if opening is None:
        # "Looking back, did you…": after a lead-in phrase the question proper starts.
        comma = question.find(",", at)
        if comma == -1:
            return None
        at = comma + 1 + len(question[comma + 1 :]) - len(question[comma + 1 :].lstrip())
        opening = _CLOSED_OPENING.match(question, at)
    if opening is None or _POLITE_REQUEST.match(question, opening.start()):
        return None
    return opening


def _rephrasing(opening: re.Match[str]) -> str:
    aux, subject = opening.group("aux").lower(), opening.group("subject")
    if subject.casefold() == "there":
        return f"“Which … {aux} there”, “What … {aux} there”"
    return f"“What {aux} {subject} …”, “How {aux} {subject} …”"


def check_closed(text: str) -> list[QuestionFinding]:
    findings = []
    for question in _questions(text):
        if _asks_to_use_name(question.group()) or _ASKS_FOR_NAMES.search(question.group()):
            continue
        opening = _closed_opening(question.group())
        if opening is None:
            continue
        start, end = question.start() + opening.start(), question.start() + opening.end()
        message = (
            f"{_quote(text[start:end] + ' …')} invites a one-word yes or no. Start with How "
            f"or What instead ({_rephrasing(opening)}) so they tell you the story behind "
            "the answer."
        )
        findings.append(QuestionFinding("closed", "warning", message, start, end))
    return findings


# (what the search finds, the phrases that ask for it)
_SEARCHABLE: list[tuple[str, list[re.Pattern[str]]]] = [
    (
        "What the organisation does",
        _phrases(
            r"what\s+(?:does|do)\s+(?:your|the|this|their)\s+"
            r"(?:company|organi[sz]ation|firm|agency|business|employer|charity|startup)\s+do",
            r"what\s+(?:does|do)\s+\w+\s+do\s+as\s+a\s+(?:company|business|organi[sz]ation)",
        ),
    ),
    (
        "Its size",
        _phrases(
            r"how\s+(?:many|much)\s+(?:employees|staff|people\s+work|people\s+are\s+employed|"
            r"offices|locations|branches|customers|clients|revenue|turnover)",
            r"how\s+big\s+is\s+(?:your|the)\s+(?:company|organi[sz]ation|firm)",
        ),
    ),
    (
        "Where it is based",
        _phrases(
            r"where\s+(?:is|are)\s+(?:your|the|its|their)\s+(?:headquarters|head\s+office|hq|"
            r"main\s+office|offices)",
            r"where\s+(?:is|are)\s+(?:you|the\s+company|your\s+company|it|they)\s+"
            r"(?:headquartered|based)",
        ),
    ),
    (
        "When it was founded",
        _phrases(
            r"when\s+(?:was|were)\s+(?:[\w'’]+\s+){0,4}?"
            r"(?:founded|established|started|set\s+up|incorporated)",
            r"when\s+did\s+(?:your|the|this|their|it)\s+(?:[\w'’]+\s+)?"
            r"(?:company|organi[sz]ation|firm|business|agency|charity|startup)\s+"
            r"(?:start|begin|launch|open)",
            r"what\s+year\s+(?:was|were)\s+(?:[\w'’]+\s+){0,4}?(?:founded|established|started)",
        ),
    ),
    (
        "What it sells",
        _phrases(
            r"what\s+(?:products|services)\s+(?:does|do|are|is)",
            r"what\s+(?:does|do)\s+(?:your|the)\s+(?:company|organi[sz]ation|firm)\s+"
            r"(?:sell|make|offer)",
        ),
    ),
    (
        "Who leads it",
        _phrases(
            r"who\s+(?:is|are|was)\s+(?:your|the)\s+(?:ceo|founders?|president|chair|"
            r"chief\s+executive|owners?|managing\s+director)",
            r"who\s+(?:founded|owns|runs)\s+(?:your|the)\s+(?:company|organi[sz]ation|firm)",
        ),
    ),
    (
        "Its mission",
        _phrases(
            r"what\s+(?:is|'s|’s)\s+(?:your|the)\s+(?:company's\s+|company’s\s+|organi[sz]ation's\s+)?"
            r"mission(?:\s+statement)?(?=\s*\?)",
            r"what\s+is\s+the\s+mission\s+of",
        ),
    ),
]


def check_searchable(text: str) -> list[QuestionFinding]:
    findings = []
    for topic, patterns in _SEARCHABLE:
        for start, end in _spans(patterns, text):
            message = (
                f"{_quote(text[start:end])}: {topic.lower()} is on their website or a search "
                "away. Look it up beforehand, then ask what only they can tell you, such as "
                "how it looks from the inside."
            )
            findings.append(QuestionFinding("searchable", "warning", message, start, end))
    return findings


def check_length(text: str) -> list[QuestionFinding]:
    words = list(_WORD.finditer(text))
    if len(words) <= LONGEST_QUESTION_WORDS:
        return []
    message = (
        f"This question runs to {len(words)} words. Said aloud it is hard to follow: keep it "
        f"under {LONGEST_QUESTION_WORDS}, or split it in two."
    )
    return [
        QuestionFinding(
            "too-long", "tip", message, words[LONGEST_QUESTION_WORDS].start(), len(text.rstrip())
        )
    ]


def check_is_question(text: str) -> list[QuestionFinding]:
    if "?" in text:
        return []
    message = (
        "This is not a question yet. Turn it into one that starts with How, What or Why and "
        "ends with a question mark."
    )
    return [QuestionFinding("not-a-question", "tip", message)]


RULES: list[QuestionRule] = [
    QuestionRule("job-ask", check_job_ask),
    QuestionRule("their-salary", check_their_salary),
    QuestionRule("closed", check_closed),
    QuestionRule("searchable", check_searchable),
    QuestionRule("too-long", check_length),
    QuestionRule("not-a-question", check_is_question),
]
