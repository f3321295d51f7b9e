"""Message templates: a sandboxed engine to check and render them, and the templates to offer.

A template is plain text with `{{ fields }}`, `{% if %}` and a few filters. It is rendered by
Jinja2's sandbox from a context of plain strings, and before that its syntax tree is checked
against a short list of allowed constructs, so a user's template can show fields and nothing
else: no attributes, no calls, no loops, no includes or imports. The fields and their values
are in `template_fields`, the texts of the built-ins in `builtin_templates`.
"""

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

# Jinja2 is imported when a template is first checked or rendered: importing it costs a tenth
# of a second that every page and command would otherwise pay.
if TYPE_CHECKING:
    from jinja2 import Template as JinjaTemplate
    from jinja2 import nodes

from coffeechat.lib.owned import Owner
from coffeechat.lib.validation import is_id
from coffeechat.outreach.builtin_templates import BUILTIN_TEXTS, MENTOR_KEEP_IN_TOUCH_ORDER
from coffeechat.outreach.models import Channel, MessageKind, Template

# Imported from here by the views, services and tests.
from coffeechat.outreach.template_fields import DEFAULT_MINUTES as DEFAULT_MINUTES
from coffeechat.outreach.template_fields import FIELDS, RETIRED_FIELDS, SLOTS
from coffeechat.outreach.template_fields import SAMPLE_FIELDS as SAMPLE_FIELDS
from coffeechat.outreach.template_fields import merge_fields as merge_fields
from coffeechat.outreach.template_fields import sample_fields as sample_fields

MAX_TEMPLATE_CHARS = 5000
# The longest text a template may fill in to. A template is short, but its fields are the
# user's own writing and `~` joins them, so without a cap a few lines could ask for gigabytes.
MAX_OUTPUT_CHARS = 100_000
LINKEDIN_NOTE_CHARS = 300

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
    family: str = ""  # what a built-in (or the user's version of one) is for; "" for own

    @property
    def slots(self) -> tuple[str, ...]:
        """The slots this template uses: each must be written before it can be drafted."""
        return template_slots(subject=self.subject, body=self.body)

    # The user's words for the kind and the channel, as the rest of the app writes them.
    @property
    def kind_label(self) -> str:
        return dict(MessageKind.choices).get(self.kind, self.kind)

    @property
    def channel_label(self) -> str:
        return dict(Channel.choices).get(self.channel, self.channel)


# How an empty field shows in a draft, so the gap is seen and filled before sending.
_PLACEHOLDER_WORDS = {
    "full_name": "their name",
    "area": "what you are exploring",
    "my_name": "your name",
    "my_pitch": "your pitch",
    "my_pitch_sentence": "your pitch in one sentence",
    "signature": "your signature",
    "place": "place or link",
}

SAFE_FILTERS = ("capitalize", "default", "lower", "title", "trim", "upper")
SAFE_TESTS = ("defined", "undefined")

# Syntax a template may use (classes of jinja2.nodes, by name). Anything else is refused with
# the tag or expression named.
_ALLOWED_NODES = frozenset(
    {
        "Template",
        "Output",
        "TemplateData",
        "Name",
        "Const",
        "Filter",
        "Test",
        "Keyword",
        "If",
        "CondExpr",
        "Not",
        "And",
        "Or",
        "Compare",
        "Operand",
        "Concat",
    }
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


@lru_cache(maxsize=1)
def _environment() -> Any:
    """The sandbox, tightened: no attribute of any value and no call is allowed at all. An
    empty or missing field prints as a visible gap and counts as false in `{% if %}`."""
    from jinja2 import Undefined
    from jinja2.compiler import CodeGenerator, optimizeconst
    from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_TESTS
    from jinja2.sandbox import SandboxedEnvironment, SecurityError
    from jinja2.utils import missing

    class Placeholder(Undefined):
        __slots__ = ()

        def __str__(self) -> str:
            # Only a plain field name becomes a placeholder; a refused attribute stays an error.
            if self._undefined_hint is not None or self._undefined_obj is not missing:
                self._fail_with_undefined_error()
            return _placeholder(self._undefined_name or "field")

    class MessageCodeGenerator(CodeGenerator):
        # `a ~ b ~ …` is joined by the environment, which measures the parts before it joins
        # them; Jinja's own join would build the whole string first.
        @optimizeconst
        def visit_Concat(self, node, frame) -> None:
            self.write("environment.join_within_limit((")
            for arg in node.nodes:
                self.visit(arg, frame)
                self.write(", ")
            self.write("))")

    class MessageEnvironment(SandboxedEnvironment):
        code_generator_class = MessageCodeGenerator
        intercepted_binops = frozenset({"*", "**", "/", "//", "%", "+", "-"})

        @staticmethod
        def join_within_limit(values) -> str:
            parts = [str(value) for value in values]
            _check_output_size(sum(map(len, parts)))
            return "".join(parts)

        intercepted_unops = frozenset({"+", "-"})

        def is_safe_attribute(self, obj, attr, value) -> bool:
            return False

        def is_safe_callable(self, obj) -> bool:
            return False

        def call_binop(self, context, operator, left, right):
            raise SecurityError("arithmetic is not available in message templates")

        def call_unop(self, context, operator, arg):
            raise SecurityError("arithmetic is not available in message templates")

    env = MessageEnvironment(autoescape=False, undefined=Placeholder, keep_trailing_newline=True)
    env.filters = {name: DEFAULT_FILTERS[name] for name in SAFE_FILTERS}
    env.tests = {name: DEFAULT_TESTS[name] for name in SAFE_TESTS}
    env.globals.clear()
    return env


def __getattr__(name: str) -> Any:
    # `_env`: the sandbox, made on first use.
    if name == "_env":
        return _environment()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _check_output_size(chars: int) -> None:
    if chars > MAX_OUTPUT_CHARS:
        raise ValidationError(
            f"Filled in, this template would be longer than {MAX_OUTPUT_CHARS:,} characters. "
            "Use each field once or twice, and keep your pitch and signature short.",
            code="output_too_long",
        )


def _refusal(node: "nodes.Node") -> str | None:
    """Why `node` may not appear in a message template, or None when it may."""
    from jinja2 import nodes

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
    if kind not in _ALLOWED_NODES:
        return "only fields, {% if %} and the filters " + ", ".join(SAFE_FILTERS) + " can be used."
    return None


def _refusals(node: "nodes.Node") -> list[str]:
    """Each refused construct in the tree, once: what is inside a refused one is not looked at."""
    reason = _refusal(node)
    if reason:
        return [f"Line {node.lineno}: {reason}"]
    return [problem for child in node.iter_child_nodes() for problem in _refusals(child)]


def _unknown_field(name: str) -> str:
    if name in RETIRED_FIELDS:
        return (
            f"{{{{ {name} }}}} was a private note and is no longer put into messages; "
            f"use {{{{ {RETIRED_FIELDS[name]} }}}}, which you write to them on their page."
        )
    close = difflib.get_close_matches(name, FIELDS, n=1)
    hint = f" Did you mean {{{{ {close[0]} }}}}?" if close else " See the list of fields."
    return f"there is no field {{{{ {name} }}}}.{hint}"


def _problems(text: str) -> list[str]:
    """What is wrong with `text` as a template, each problem with its line; [] when nothing."""
    from jinja2 import TemplateSyntaxError, nodes

    if len(text) > MAX_TEMPLATE_CHARS:
        return [f"A template can be at most {MAX_TEMPLATE_CHARS:,} characters."]
    try:
        tree = _environment().parse(text)
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
    # Nothing can set a name, so every name is a field; Jinja's own names such as `self` are
    # not fields either, and are refused like any other unknown name.
    lines: dict[str, int] = {}
    for node in tree.find_all(nodes.Name):
        if node.name not in FIELDS:
            lines.setdefault(node.name, node.lineno)
    return [f"Line {line}: {_unknown_field(name)}" for name, line in lines.items()]


@lru_cache(maxsize=256)
def _compile(text: str) -> "JinjaTemplate":
    from jinja2 import TemplateError

    problems = _problems(text)
    if problems:
        raise ValidationError(problems)
    try:
        return _environment().from_string(text)
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

    Raises ValidationError for a text that template_check refuses, and for one that would fill
    in to more than MAX_OUTPUT_CHARS characters.
    """
    from jinja2 import TemplateError
    from jinja2.sandbox import SecurityError

    context = {
        name: str(value)
        for name, value in fields.items()
        if name in FIELDS and value is not None and str(value).strip()
    }
    # Piece by piece, stopping at the cap, so a long output is never held whole.
    pieces, chars = [], 0
    try:
        for piece in _compile(text or "").generate(context):
            chars += len(piece)
            _check_output_size(chars)
            pieces.append(piece)
    except (TemplateError, SecurityError) as error:
        raise ValidationError(f"The template cannot be filled in: {error}") from error
    return "".join(pieces)


BUILTINS: dict[str, TemplateChoice] = {
    slug: TemplateChoice(
        key=f"builtin:{slug}",
        name=name,
        kind=str(kind),
        channel=str(channel),
        subject=subject,
        body=body.strip(),
        builtin=True,
        family=family,
    )
    for slug, (name, family, kind, channel, subject, body) in BUILTIN_TEXTS.items()
}


def _choice_from(template: Template) -> TemplateChoice:
    builtin = BUILTINS.get(template.builtin_key)
    return TemplateChoice(
        key=f"own:{template.pk}",
        name=template.name,
        kind=template.kind,
        channel=template.channel,
        subject=template.subject,
        body=template.body,
        builtin=False,
        family=builtin.family if builtin is not None else "",
    )


def template_slots(*, subject: str, body: str) -> tuple[str, ...]:
    """The slots `subject` and `body` use, in the order of `SLOTS`."""
    used = _fields_in(subject or "") | _fields_in(body or "")
    return tuple(name for name in SLOTS if name in used)


def builtin_version(*, owner: Owner, slug: str) -> TemplateChoice:
    """The built-in `slug`, or the owner's version of it when they customised it."""
    template = Template.objects.owned_by(owner).filter(builtin_key=slug).first()
    return _choice_from(template) if template is not None else BUILTINS[slug]


@lru_cache(maxsize=1024)
def _fields_in(text: str) -> frozenset[str]:
    from jinja2 import TemplateSyntaxError, meta

    try:
        return frozenset(meta.find_undeclared_variables(_environment().parse(text)))
    except TemplateSyntaxError:
        return frozenset()


def uses_field(choice: TemplateChoice, name: str) -> bool:
    return name in _fields_in(choice.subject) or name in _fields_in(choice.body)


def _suits(choice: TemplateChoice, contact) -> bool:
    if choice.channel == Channel.EMAIL and not contact.emails:
        return False
    if uses_field(choice, "referrer"):
        return bool(contact.referred_by_id and contact.may_use_referrer_name)
    if uses_field(choice, "met_at"):
        # Written to someone met in person: offered once you noted where.
        return bool(contact.met_at)
    return True


def templates_for(*, owner: Owner, contact=None, kind: str | None = None) -> list[TemplateChoice]:
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
        if contact.is_mentor:
            choices = _mentor_order(choices)
    return choices


def _mentor_order(choices: list[TemplateChoice]) -> list[TemplateChoice]:
    """The keep-in-touch built-ins in MENTOR_KEEP_IN_TOUCH_ORDER, where the first of them was;
    the other templates stay where they are."""
    touches = [c for c in choices if c.family in MENTOR_KEEP_IN_TOUCH_ORDER]
    if not touches:
        return choices
    touches.sort(key=lambda c: MENTOR_KEEP_IN_TOUCH_ORDER.index(c.family))
    first = choices.index(next(c for c in choices if c.family in MENTOR_KEEP_IN_TOUCH_ORDER))
    rest = [c for c in choices if c.family not in MENTOR_KEEP_IN_TOUCH_ORDER]
    return rest[:first] + touches + rest[first:]


def template_get(*, owner: Owner, key: str) -> TemplateChoice:
    """The template `key` names; LookupError when there is none or it is another user's.
    A built-in's key gives the user's version of it when they customised it."""
    source, _, rest = (key or "").partition(":")
    if source == "builtin" and rest in BUILTINS:
        return builtin_version(owner=owner, slug=rest)
    if source == "own" and is_id(rest):
        template = Template.objects.owned_by(owner).filter(pk=int(rest)).first()
        if template is not None:
            return _choice_from(template)
    raise LookupError(f"There is no template “{key}”.")
