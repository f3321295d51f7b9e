"""Message templates: the built-ins, the merge fields and a sandboxed engine to render them.

A template is plain text with `{{ fields }}`, `{% if %}` and a few filters. It is rendered by
Jinja2's sandbox from a context of plain strings, and before that its syntax tree is checked
against a short list of allowed constructs, so a user's template can show fields and nothing
else: no attributes, no calls, no loops, no includes or imports.
"""

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from jinja2 import Template as JinjaTemplate
from jinja2 import TemplateError, TemplateSyntaxError, Undefined, meta, nodes
from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_TESTS
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import missing

from coffeechat.accounts.services import profile_get
from coffeechat.outreach.models import Channel, MessageKind, Template

MAX_TEMPLATE_CHARS = 5000
LINKEDIN_NOTE_CHARS = 300
DEFAULT_MINUTES = "20"

# The kinds and channels a template can be written for: replies come in, calls are spoken.
TEMPLATE_KINDS = [(value, label) for value, label in MessageKind.choices if value != "reply"]
TEMPLATE_CHANNELS = [(c.value, c.label) for c in (Channel.EMAIL, Channel.LINKEDIN)]


@dataclass(frozen=True)
class TemplateChoice:
    key: str
    name: str
    kind: str
    channel: str
    subject: str
    body: str
    builtin: bool


FIELDS: dict[str, str] = {
    "first_name": "Their first name.",
    "last_name": "Their last name.",
    "full_name": "Their whole name as you saved it.",
    "organization": "The organisation they work for.",
    "title": "Their job title.",
    "their_work": "The project, article or talk of theirs you noted as a reason to write.",
    "connection": "How you are connected: a mutual contact, a shared school or group.",
    "referrer": "Who suggested you contact them, only when they said you may use the name.",
    "area": "What you are exploring, from the fields (or roles) on your pitch page.",
    "my_name": "Your name, from your pitch page.",
    "my_pitch": "Your short introduction, from your pitch page.",
    "signature": "Your signature (your name when you have not written one).",
    "minutes": "How long the conversation is, in minutes (20 until it is booked).",
    "date": "The day of the booked conversation, in their time zone, e.g. Tuesday 24 November.",
    "time": "The start time of the booked conversation, in their time zone, e.g. 10:00.",
    "time_zone": "The time zone the date and time are given in.",
    "place": "Where you meet, or the link or number for the call.",
    "format": "How you meet: phone call, video call, coffee, lunch or meeting in person.",
    "takeaway": "The one thing from the conversation you chose to thank them for.",
}

# How an empty field shows in a draft, so the gap is seen and filled before sending.
_PLACEHOLDER_WORDS = {
    "full_name": "their name",
    "area": "what you are exploring",
    "my_name": "your name",
    "my_pitch": "your pitch",
    "signature": "your signature",
    "place": "place or link",
}

SAFE_FILTERS = ("capitalize", "default", "lower", "title", "trim", "upper")
SAFE_TESTS = ("defined", "undefined")

# Syntax a template may use. Anything else is refused with the tag or expression named.
_ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.Filter,
    nodes.Test,
    nodes.Keyword,
    nodes.If,
    nodes.CondExpr,
    nodes.Not,
    nodes.And,
    nodes.Or,
    nodes.Compare,
    nodes.Operand,
    nodes.Concat,
)
_TAGS = {
    "For": "for",
    "Include": "include",
    "Import": "import",
    "FromImport": "from … import",
    "Extends": "extends",
    "Block": "block",
    "Macro": "macro",
    "CallBlock": "call",
    "Assign": "set",
    "AssignBlock": "set",
    "With": "with",
    "FilterBlock": "filter",
    "ScopedEvalContextModifier": "autoescape",
    "EvalContextModifier": "autoescape",
}


def _placeholder(name: str) -> str:
    return f"[{_PLACEHOLDER_WORDS.get(name, name.replace('_', ' '))}]"


class _Placeholder(Undefined):
    """An empty or missing field: prints as a visible gap and counts as false in `{% if %}`."""

    __slots__ = ()

    def __str__(self) -> str:
        # Only a plain field name becomes a placeholder; a refused attribute stays an error.
        if self._undefined_hint is not None or self._undefined_obj is not missing:
            self._fail_with_undefined_error()
        return _placeholder(self._undefined_name or "field")


class _MessageEnvironment(SandboxedEnvironment):
    """The sandbox, tightened: no attribute of any value and no call is allowed at all."""

    intercepted_binops = frozenset({"*", "**", "/", "//", "%", "+", "-"})
    intercepted_unops = frozenset({"+", "-"})

    def is_safe_attribute(self, obj, attr, value) -> bool:
        return False

    def is_safe_callable(self, obj) -> bool:
        return False

    def call_binop(self, context, operator, left, right):
        raise SecurityError("arithmetic is not available in message templates")

    def call_unop(self, context, operator, arg):
        raise SecurityError("arithmetic is not available in message templates")


_env = _MessageEnvironment(autoescape=False, undefined=_Placeholder, keep_trailing_newline=True)
_env.filters = {name: DEFAULT_FILTERS[name] for name in SAFE_FILTERS}
_env.tests = {name: DEFAULT_TESTS[name] for name in SAFE_TESTS}
_env.globals.clear()


def _refusal(node: nodes.Node) -> str | None:
    """Why `node` may not appear in a message template, or None when it may."""
    kind = type(node).__name__
    if kind in _TAGS:
        return f"{{% {_TAGS[kind]} %}} is not available in a message template."
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        return (
            "a field is plain text with nothing inside it: write the field alone, "
            "e.g. {{ first_name }}."
        )
    if isinstance(node, nodes.Call):
        return (
            "calling functions or methods is not available; use a filter such as "
            "{{ first_name|upper }}."
        )
    if isinstance(node, nodes.Filter) and node.name not in SAFE_FILTERS:
        return f"there is no filter “{node.name}”; the filters are " + ", ".join(SAFE_FILTERS) + "."
    if isinstance(node, nodes.Test) and node.name not in SAFE_TESTS:
        return f"there is no test “{node.name}”; use “is defined” or a plain {{% if %}}."
    if isinstance(node, nodes.Name) and node.ctx != "load":
        return "setting variables is not available in a message template."
    if not isinstance(node, _ALLOWED_NODES):
        return "only fields, {% if %} and the filters " + ", ".join(SAFE_FILTERS) + " can be used."
    return None


def _refusals(node: nodes.Node) -> list[str]:
    """Each refused construct in the tree, once: what is inside a refused one is not looked at."""
    reason = _refusal(node)
    if reason:
        return [f"Line {node.lineno}: {reason}"]
    return [problem for child in node.iter_child_nodes() for problem in _refusals(child)]


def _unknown_field(name: str) -> str:
    close = difflib.get_close_matches(name, FIELDS, n=1)
    hint = f" Did you mean {{{{ {close[0]} }}}}?" if close else " See the list of fields."
    return f"there is no field {{{{ {name} }}}}.{hint}"


def _problems(text: str) -> list[str]:
    """What is wrong with `text` as a template, each problem with its line; [] when nothing."""
    if len(text) > MAX_TEMPLATE_CHARS:
        return [f"A template can be at most {MAX_TEMPLATE_CHARS:,} characters."]
    try:
        tree = _env.parse(text)
        problems = _refusals(tree)
    except TemplateSyntaxError as error:
        message = (error.message or "the template cannot be read").replace(
            "Jinja was looking for the following tags:", "expected one of"
        )
        return [f"Line {error.lineno}: {message}"]
    except RecursionError:
        return ["The template is nested too deeply to be read."]
    if problems:
        return problems
    unknown = meta.find_undeclared_variables(tree) - set(FIELDS)
    lines: dict[str, int] = {}
    for node in tree.find_all(nodes.Name):
        if node.name in unknown:
            lines.setdefault(node.name, node.lineno)
    return [
        f"Line {lines[name]}: {_unknown_field(name)}" for name in sorted(unknown, key=lines.get)
    ]


@lru_cache(maxsize=256)
def _compile(text: str) -> JinjaTemplate:
    problems = _problems(text)
    if problems:
        raise ValidationError(problems)
    try:
        return _env.from_string(text)
    except TemplateError as error:
        raise ValidationError(f"The template cannot be read: {error}") from error


def template_check(*, subject: str, body: str) -> None:
    """Raises ValidationError by field when the subject or body is not a usable template."""
    errors = {}
    for field, text in (("subject", subject or ""), ("body", body or "")):
        problems = _problems(text)
        if problems:
            errors[field] = problems
    if errors:
        raise ValidationError(errors)


def render(text: str, fields: Mapping[str, str]) -> str:
    """`text` with its fields filled in; an empty field shows as a placeholder like [title].

    Raises ValidationError for a text that template_check refuses.
    """
    context = {
        name: str(value)
        for name, value in fields.items()
        if name in FIELDS and value is not None and str(value).strip()
    }
    try:
        return _compile(text or "").render(context)
    except (TemplateError, SecurityError) as error:
        raise ValidationError(f"The template cannot be filled in: {error}") from error


def _one_line(text: str) -> str:
    """A note made fit for the middle of a sentence: one line, no closing full stop."""
    return " ".join((text or "").split()).rstrip(" .")


_FORMAT_WORDS = {
    "phone": "phone call",
    "video": "video call",
    "coffee": "coffee",
    "lunch": "lunch",
    "in_person": "meeting in person",
}


def _zone(*names: str) -> ZoneInfo:
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def _zone_label(zone: ZoneInfo, moment: datetime) -> str:
    abbreviation = moment.tzname() or ""
    if not abbreviation or abbreviation == zone.key or abbreviation[0] in "+-":
        return zone.key
    return f"{zone.key} ({abbreviation})"


def _meeting_fields(conversation, contact, profile) -> dict[str, str]:
    if conversation is None:
        return {"minutes": DEFAULT_MINUTES}
    fields = {
        "minutes": str(conversation.length_minutes or DEFAULT_MINUTES),
        "format": _FORMAT_WORDS.get(conversation.format, conversation.format),
        "place": conversation.place.strip(),
    }
    if conversation.scheduled_for:
        # Said in the time of the person who has to turn up, when we know where they are.
        zone = _zone(contact.time_zone, conversation.time_zone, profile.time_zone)
        start = conversation.scheduled_for.astimezone(zone)
        fields["date"] = f"{start:%A} {start.day} {start:%B}"
        fields["time"] = f"{start:%H:%M}"
        fields["time_zone"] = _zone_label(zone, start)
    return fields


def merge_fields(*, owner, contact, conversation=None, takeaway: str = "") -> dict[str, str]:
    """The values of every field for a message from `owner` to `contact`."""
    if contact.owner_id != owner.pk or (
        conversation is not None and conversation.owner_id != owner.pk
    ):
        raise PermissionError("That contact belongs to another user.")
    profile = profile_get(owner=owner)
    referrer = contact.referred_by if contact.may_use_referrer_name else None
    my_name = profile.display_name.strip() or owner.get_full_name()
    fields = {
        "first_name": contact.first_name or contact.name,
        "last_name": contact.last_name,
        "full_name": contact.name,
        "organization": contact.organization.name if contact.organization else "",
        "title": contact.title,
        "their_work": _one_line(contact.their_work),
        "connection": _one_line(contact.connection_note),
        "referrer": referrer.name if referrer is not None else "",
        "area": _one_line(profile.goal_fields) or _one_line(profile.goal_roles),
        "my_name": my_name,
        "my_pitch": profile.pitch.strip(),
        "signature": profile.signature.strip() or my_name,
        "minutes": DEFAULT_MINUTES,
        "date": "",
        "time": "",
        "time_zone": "",
        "place": "",
        "format": "",
        "takeaway": _one_line(takeaway),
    }
    fields.update(_meeting_fields(conversation, contact, profile))
    return {name: (value or "").strip() for name, value in fields.items()}


# Values for the live preview: an invented person, a booked call and a takeaway.
SAMPLE_FIELDS: dict[str, str] = {
    "first_name": "Priya",
    "last_name": "Raman",
    "full_name": "Priya Raman",
    "organization": "Northwind Transit",
    "title": "Senior Service Designer",
    "their_work": "your talk on redesigning bus timetables with riders",
    "connection": "We both studied at Northbank University",
    "referrer": "Sam Okafor",
    "minutes": "20",
    "date": "Tuesday 24 November",
    "time": "10:00",
    "time_zone": "Europe/London (GMT)",
    "place": "https://meet.example/priya-raman",
    "format": "video call",
    "takeaway": "your advice to run one small study with real riders before applying anywhere",
}


def sample_fields(*, owner) -> dict[str, str]:
    """The preview's values: the invented person above, with the owner's own name and pitch."""
    profile = profile_get(owner=owner)
    my_name = profile.display_name.strip() or owner.get_full_name()
    return {
        **SAMPLE_FIELDS,
        "area": _one_line(profile.goal_fields) or _one_line(profile.goal_roles),
        "my_name": my_name,
        "my_pitch": profile.pitch.strip(),
        "signature": profile.signature.strip() or my_name,
    }


def _builtin(slug: str, name: str, kind: str, channel: str, subject: str, body: str):
    return slug, TemplateChoice(
        key=f"builtin:{slug}",
        name=name,
        kind=str(kind),
        channel=str(channel),
        subject=subject,
        body=body.strip(),
        builtin=True,
    )


BUILTINS: dict[str, TemplateChoice] = dict(
    [
        _builtin(
            "request_email",
            "Request by e-mail",
            MessageKind.REQUEST,
            Channel.EMAIL,
            "Could I ask about your work at {{ organization }}?",
            """
Dear {{ first_name }},

{{ connection }}. Your work — {{ their_work }} — is the reason I am writing to you.

I am {{ my_name }}, and I am exploring {{ area }}. I am not asking about jobs; I would simply like to learn how the work looks from the inside.

Would you have {{ minutes }} minutes for a phone or video call in the coming weeks, at a time that suits you?

Thank you in advance for considering it.

{{ signature }}
""",
        ),
        _builtin(
            "request_linkedin",
            "Request as a LinkedIn note",
            MessageKind.REQUEST,
            Channel.LINKEDIN,
            "",
            """
Hi {{ first_name }}, I'm {{ my_name }}. {{ connection }}. I'm exploring {{ area }} and would value {{ minutes }} minutes of your advice, only to learn, not to ask for a job. Would a short call suit you? Thank you!
""",
        ),
        _builtin(
            "request_referral",
            "Request through a referral",
            MessageKind.REQUEST,
            Channel.EMAIL,
            "{{ referrer }} suggested I contact you",
            """
Dear {{ first_name }},

{{ referrer }} suggested I contact you when I mentioned my interest in {{ area }}, and I would be glad of the chance to learn from you.

I am {{ my_name }}. I am talking to people in the field before I decide on my next step, and I am not asking about openings: I would like to hear how you came to your work at {{ organization }} and what you see ahead.

Could you spare {{ minutes }} minutes for a call in the next few weeks? I am happy to fit around your calendar.

Thank you in advance,
{{ signature }}
""",
        ),
        _builtin(
            "nudge_email",
            "A polite follow-up",
            MessageKind.NUDGE,
            Channel.EMAIL,
            "Following up: a short conversation about your work?",
            """
Dear {{ first_name }},

I wrote recently to ask whether you might have {{ minutes }} minutes to tell me about your work at {{ organization }}. Inboxes fill up quickly, so I thought I would try once more.

If now is a busy time, I understand completely; a date later on would suit me just as well, and I will not write again about it.

Thank you,
{{ signature }}
""",
        ),
        _builtin(
            "confirmation_email",
            "Confirming the time",
            MessageKind.CONFIRMATION,
            Channel.EMAIL,
            "Confirming our {{ format }} on {{ date }}",
            """
Dear {{ first_name }},

Thank you for agreeing to talk with me. To confirm: {{ date }} at {{ time }} ({{ time_zone }}), {{ minutes }} minutes, {{ format }}.
Place or link: {{ place }}

If anything changes on your side, just tell me and I will find another time.

I look forward to it.

{{ signature }}
""",
        ),
        _builtin(
            "reschedule_email",
            "A new time",
            MessageKind.RESCHEDULE,
            Channel.EMAIL,
            "New time for our conversation: {{ date }}",
            """
Dear {{ first_name }},

Thank you for being flexible. Our conversation is now on {{ date }} at {{ time }} ({{ time_zone }}), still {{ minutes }} minutes, {{ format }}.
Place or link: {{ place }}

I am sorry for any trouble the change caused, and I look forward to speaking with you.

{{ signature }}
""",
        ),
        _builtin(
            "thank_you_email",
            "Thank-you",
            MessageKind.THANK_YOU,
            Channel.EMAIL,
            "Thank you, {{ first_name }}",
            """
Dear {{ first_name }},

Thank you for your time and for being so open about your work at {{ organization }}.

One thing you said has stayed with me: {{ takeaway }}. It has already changed how I am planning my next steps.

I will let you know how things go.

With thanks,
{{ signature }}
""",
        ),
        _builtin(
            "keep_in_touch_article",
            "Keep in touch: an article",
            MessageKind.KEEP_IN_TOUCH,
            Channel.EMAIL,
            "Something I read that made me think of you",
            """
Dear {{ first_name }},

I came across an article this week that brought our conversation back to mind, and I thought you might enjoy it too, given your work at {{ organization }}.

I hope all is going well.

{{ signature }}
""",
        ),
        _builtin(
            "keep_in_touch_update",
            "Keep in touch: an update",
            MessageKind.KEEP_IN_TOUCH,
            Channel.EMAIL,
            "An update since we spoke",
            """
Dear {{ first_name }},

I wanted to tell you where I have got to since we spoke. Your advice shaped what I did next as I kept exploring {{ area }}, and I am grateful for it.

I hope things are going well for you at {{ organization }}.

{{ signature }}
""",
        ),
        _builtin(
            "keep_in_touch_congratulations",
            "Keep in touch: congratulations",
            MessageKind.KEEP_IN_TOUCH,
            Channel.EMAIL,
            "Congratulations, {{ first_name }}!",
            """
Dear {{ first_name }},

I just saw your news and wanted to say congratulations. It is well deserved, and it was easy to see how much you care about your work at {{ organization }} when we spoke.

Wishing you every success with what comes next.

{{ signature }}
""",
        ),
    ]
)


def _choice_from(template: Template) -> TemplateChoice:
    return TemplateChoice(
        key=f"own:{template.pk}",
        name=template.name,
        kind=template.kind,
        channel=template.channel,
        subject=template.subject,
        body=template.body,
        builtin=False,
    )


@lru_cache(maxsize=1024)
def _fields_in(text: str) -> frozenset[str]:
    try:
        return frozenset(meta.find_undeclared_variables(_env.parse(text)))
    except TemplateSyntaxError:
        return frozenset()


def _uses_field(choice: TemplateChoice, name: str) -> bool:
    return name in _fields_in(choice.subject) or name in _fields_in(choice.body)


def _suits(choice: TemplateChoice, contact) -> bool:
    if choice.channel == Channel.EMAIL and not contact.emails:
        return False
    if _uses_field(choice, "referrer"):
        return bool(contact.referred_by_id and contact.may_use_referrer_name)
    return True


def templates_for(*, owner, contact=None, kind: str | None = None) -> list[TemplateChoice]:
    """The templates to offer: built-ins, each replaced by the owner's version when there is one,
    then the owner's own. With a contact, only those that can be sent to that person."""
    own = list(Template.objects.owned_by(owner).order_by("kind", "name", "pk"))
    overrides = {t.builtin_key: t for t in own if t.builtin_key in BUILTINS}
    choices = [
        _choice_from(overrides[slug]) if slug in overrides else builtin
        for slug, builtin in BUILTINS.items()
    ]
    choices += [_choice_from(t) for t in own if t.builtin_key not in BUILTINS]
    if kind:
        choices = [c for c in choices if c.kind == kind]
    if contact is not None:
        choices = [c for c in choices if _suits(c, contact)]
    return choices


def template_get(*, owner, key: str) -> TemplateChoice:
    """The template `key` names; LookupError when there is none or it is another user's."""
    source, _, rest = (key or "").partition(":")
    if source == "builtin" and rest in BUILTINS:
        return BUILTINS[rest]
    if source == "own" and rest.isdigit():
        template = Template.objects.owned_by(owner).filter(pk=int(rest)).first()
        if template is not None:
            return _choice_from(template)
    raise LookupError(f"There is no template “{key}”.")
