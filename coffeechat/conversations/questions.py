"""Preparing a conversation: the question bank, the questions chosen for a conversation, how
ready the preparation is, and a time plan for the conversation itself.

The bank is the built-ins (in code, `question_bank.py`) plus the owner's own `Question` rows,
each with a key that stays the same: "builtin:<slug>" or "own:<pk>". A chosen question keeps
its own copy of the text, so editing or deleting the bank never changes a conversation.
"""

from dataclasses import dataclass
from typing import Literal, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet

from coffeechat.accounts.models import Profile
from coffeechat.contacts.models import OrganizationResearch, PersonResearch
from coffeechat.conversations.models import (
    ANSWER_NOTE_LIMIT,
    ChosenQuestion,
    Conversation,
    Question,
    QuestionCategory,
)
from coffeechat.conversations.question_bank import BUILTIN_BY_KEY, BUILTIN_QUESTIONS
from coffeechat.conversations.question_lint import lint_question
from coffeechat.lib.model_checks import validate_instance
from coffeechat.lib.owned import Owner, check_owner
from coffeechat.lib.text import WORDS_PER_MINUTE, word_count
from coffeechat.lib.validation import check_text, is_id, tidy_line

MAX_QUESTION_LENGTH = Question._meta.get_field("text").max_length or 300
MAX_ANSWER_NOTE_LENGTH = ANSWER_NOTE_LIMIT
ENOUGH_QUESTIONS = 3
INTRODUCTIONS_MINUTES = 2
CLOSING_MINUTES = 3
# Shown while every question came from a bank: the one only this user could ask is missing.
OWN_QUESTION_NOTICE = (
    "No question of your own yet. Write at least one from what your research turned up: it is "
    "the question only you would think to ask them."
)
# Below this, a question has no room for a follow-up.
SHORTEST_QUESTION_MINUTES = 2

_CATEGORY_ORDER = {value: index for index, value in enumerate(QuestionCategory.values)}


@dataclass(frozen=True)
class BankQuestion:
    key: str
    category: str
    text: str
    builtin: bool
    pk: int | None = None  # own questions only

    @property
    def category_label(self) -> str:
        return QuestionCategory(self.category).label


@dataclass(frozen=True)
class BankGroup:
    category: str
    label: str
    questions: list[BankQuestion]


@dataclass(frozen=True)
class PrepStatus:
    complete: bool
    missing: list[str]
    warnings: list[str]
    questions: int
    own_questions: int = 0  # written for this conversation, not taken from a bank


@dataclass(frozen=True)
class ResearchNoted:
    """What the user found out about the person and their organisation, to draw a question
    of their own from: notes by heading, and the checklist items done. Private notes: for the
    user's own prep page, never for a message."""

    notes: list[tuple[str, str]]
    done: list[str]


class PlanFrame(NamedTuple):
    """The fixed parts of a time plan, in minutes from the start."""

    length: int
    introductions: float  # hellos and the user's pitch: questions start here
    closing_at: float  # "who else should I talk to?" and the thank-you


class PlannedQuestion(NamedTuple):
    question: ChosenQuestion
    minutes_at: float


def question_key(text: str) -> str:
    """What two questions must share to count as the same question."""
    return " ".join(text.casefold().split()).rstrip("?.!… ")


# Reads -------------------------------------------------------------------------------------


def own_question_list(*, owner: Owner) -> QuerySet[Question]:
    return Question.objects.owned_by(owner)


def chosen_question_list(*, owner: Owner, conversation: Conversation) -> QuerySet[ChosenQuestion]:
    return ChosenQuestion.objects.owned_by(owner).filter(conversation=conversation)


def _own(question: Question) -> BankQuestion:
    return BankQuestion(
        key=f"own:{question.pk}",
        category=question.category,
        text=question.text,
        builtin=False,
        pk=question.pk,
    )


def question_bank(*, owner: Owner, category: str | None = None) -> list[BankQuestion]:
    """The built-in questions and the owner's own, by category; built-ins first in each."""
    bank = [
        BankQuestion(key=f"builtin:{key}", category=str(cat), text=text, builtin=True)
        for key, cat, text in BUILTIN_QUESTIONS
    ]
    bank += [_own(question) for question in own_question_list(owner=owner).order_by("pk")]
    if category:
        bank = [question for question in bank if question.category == category]
    return sorted(bank, key=lambda question: _CATEGORY_ORDER.get(question.category, 99))


def bank_question_get(*, owner: Owner, key: str) -> BankQuestion:
    """The bank question `key` names; ValidationError when there is none for this owner."""
    source, _, rest = (key or "").partition(":")
    if source == "builtin" and rest in BUILTIN_BY_KEY:
        category, text = BUILTIN_BY_KEY[rest]
        return BankQuestion(key=key, category=str(category), text=text, builtin=True)
    if source == "own" and is_id(rest):
        question = own_question_list(owner=owner).filter(pk=int(rest)).first()
        if question is not None:
            return _own(question)
    raise ValidationError("That question is no longer in your question bank.", code="unknown")


def bank_for_conversation(*, owner: Owner, conversation: Conversation) -> list[BankQuestion]:
    """The bank without the questions already chosen for `conversation`."""
    chosen = chosen_question_list(owner=owner, conversation=conversation)
    taken = {question_key(text) for text in chosen.values_list("text", flat=True)}
    return [q for q in question_bank(owner=owner) if question_key(q.text) not in taken]


def own_question_count(*, owner: Owner, conversation: Conversation) -> int:
    """How many of the conversation's questions the user wrote for it: a question taken from
    the bank, the built-ins or their own saved ones, is not drawn from research on this person."""
    check_owner(owner, conversation)
    banked = {question_key(q.text) for q in question_bank(owner=owner)}
    chosen = chosen_question_list(owner=owner, conversation=conversation)
    return sum(
        1 for text in chosen.values_list("text", flat=True) if question_key(text) not in banked
    )


def research_noted(*, owner: Owner, conversation: Conversation) -> ResearchNoted:
    check_owner(owner, conversation)
    contact = conversation.contact
    organization = contact.organization
    first = contact.first_name or contact.name
    notes = [
        (f"Your research on {first}", contact.research_notes),
        (f"{first}’s work", contact.their_work),
    ]
    done = [PersonResearch(v).label for v in contact.research_done if v in PersonResearch.values]
    if organization is not None:
        notes.append((organization.name, organization.research_notes))
        done += [
            OrganizationResearch(v).label
            for v in organization.research_done
            if v in OrganizationResearch.values
        ]
    return ResearchNoted(notes=[(h, text) for h, text in notes if text.strip()], done=done)


def group_by_category(questions: list[BankQuestion]) -> list[BankGroup]:
    """Questions grouped under their categories, in the categories' order; empty ones left out."""
    groups = []
    for category, label in QuestionCategory.choices:
        in_category = [question for question in questions if question.category == category]
        if in_category:
            groups.append(BankGroup(category=category, label=label, questions=in_category))
    return groups


# Writes ------------------------------------------------------------------------------------


def _clean_question(*, text: str, category: str) -> tuple[str, str]:
    """The question tidied, or a ValidationError naming what is wrong with it."""
    errors: dict[str, str] = {}
    try:
        # A question typed over two lines is one question: its line breaks are folded.
        text = tidy_line(" ".join((text or "").split()))
    except ValidationError as error:
        raise ValidationError({"text": error}) from None
    if not text:
        errors["text"] = "Write the question first."
    elif len(text) > MAX_QUESTION_LENGTH:
        errors["text"] = (
            f"Keep a question under {MAX_QUESTION_LENGTH} characters; this one has {len(text)}."
        )
    else:
        refusal = next((f for f in lint_question(text) if f.severity == "error"), None)
        if refusal is not None:
            errors["text"] = refusal.message
    if category not in QuestionCategory.values:
        errors["category"] = "Choose what the question is about from the list."
    if errors:
        raise ValidationError(errors)
    return text, category


def own_question_add(*, owner: Owner, category: str, text: str) -> Question:
    """A question of the owner's own in their bank, once; refused if the linter finds an error."""
    text, category = _clean_question(text=text, category=category)
    if any(question_key(q.text) == question_key(text) for q in question_bank(owner=owner)):
        raise ValidationError({"text": "That question is already in your question bank."})
    question = Question(owner=owner, category=category, text=text)
    validate_instance(question)
    question.save()
    return question


def own_question_delete(*, owner: Owner, question: Question) -> None:
    """Removes the question from the bank; conversations that chose it keep their copy."""
    check_owner(owner, question)
    question.delete()


@transaction.atomic
def chosen_question_add(
    *,
    owner: Owner,
    conversation: Conversation,
    key: str | None = None,
    text: str = "",
    category: str = "",
) -> ChosenQuestion:
    """Appends a question to the conversation's list: from the bank by `key`, or written here."""
    check_owner(owner, conversation)
    if key:
        from_bank = bank_question_get(owner=owner, key=key)
        text, category = from_bank.text, from_bank.category
    else:
        text, category = _clean_question(text=text, category=category)
    chosen = chosen_question_list(owner=owner, conversation=conversation)
    if any(question_key(t) == question_key(text) for t in chosen.values_list("text", flat=True)):
        raise ValidationError(
            {"text": "That question is already on the list for this conversation."}
        )
    last = chosen.aggregate(last=Max("position"))["last"]
    question = ChosenQuestion(
        owner=owner,
        conversation=conversation,
        category=category,
        text=text,
        position=0 if last is None else last + 1,
    )
    validate_instance(question)
    question.save()
    return question


@transaction.atomic
def chosen_question_move(
    *, owner: Owner, chosen: ChosenQuestion, direction: Literal["up", "down"]
) -> ChosenQuestion:
    """Swaps the question with its neighbour; the first cannot go up nor the last down."""
    check_owner(owner, chosen)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move a question up or down."})
    siblings = list(
        ChosenQuestion.objects.owned_by(owner)
        .filter(conversation_id=chosen.conversation_id)
        .select_for_update()
        .order_by("position", "pk")
    )
    index = next((i for i, q in enumerate(siblings) if q.pk == chosen.pk), None)
    if index is None:
        raise ValidationError("That question is no longer on the list.", code="gone")
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    # Numbering the whole list afresh also mends positions that ever came out equal.
    for position, question in enumerate(siblings):
        if question.position != position:
            question.position = position
            question.save(update_fields=["position", "updated_at"])
    chosen.position = next(q.position for q in siblings if q.pk == chosen.pk)
    return chosen


def chosen_question_remove(*, owner: Owner, chosen: ChosenQuestion) -> None:
    check_owner(owner, chosen)
    chosen.delete()


def chosen_question_note(
    *, owner: Owner, chosen: ChosenQuestion, answer_note: str
) -> ChosenQuestion:
    """What they answered, in the user's words."""
    check_owner(owner, chosen)
    answer_note = (answer_note or "").strip()
    if len(answer_note) > MAX_ANSWER_NOTE_LENGTH:
        raise ValidationError(
            {
                "answer_note": f"Keep the note under {MAX_ANSWER_NOTE_LENGTH} characters; "
                f"this one has {len(answer_note)}. Longer notes belong in the conversation notes."
            }
        )
    try:
        chosen.answer_note = check_text(answer_note, limit=MAX_ANSWER_NOTE_LENGTH)
    except ValidationError as error:
        raise ValidationError({"answer_note": error}) from None
    chosen.save(update_fields=["answer_note", "updated_at"])
    return chosen


# Readiness and the time plan ---------------------------------------------------------------


def _pitch(owner_id: int) -> str:
    return Profile.objects.filter(owner_id=owner_id).values_list("pitch", flat=True).first() or ""


def prep_status(*, owner: Owner, conversation: Conversation) -> PrepStatus:
    """What is still missing before the conversation, and what is worth a second look."""
    check_owner(owner, conversation)
    contact = conversation.contact
    organization = contact.organization
    categories = list(
        chosen_question_list(owner=owner, conversation=conversation).values_list(
            "category", flat=True
        )
    )
    missing = []
    if not contact.researched:
        where = organization.name if organization else "their organisation"
        missing.append(f"Research notes on {contact.name} or {where}")
    if len(categories) < ENOUGH_QUESTIONS:
        missing.append(
            f"At least {ENOUGH_QUESTIONS} questions to ask ({len(categories)} chosen so far)"
        )
    if not _pitch(owner.pk).strip():
        missing.append("Your pitch, for when they ask you to tell them about yourself")
    warnings = []
    own_questions = own_question_count(owner=owner, conversation=conversation)
    if not own_questions:
        warnings.append(OWN_QUESTION_NOTICE)
    if QuestionCategory.WHO_ELSE not in categories:
        warnings.append(
            "No “who else should I talk to?” question yet: it is how one conversation "
            "leads to the next."
        )
    frame = plan_frame(conversation=conversation)
    asked_in_the_middle = len(categories) - _trailing_who_else(categories)
    if asked_in_the_middle:
        minutes_each = (frame.closing_at - frame.introductions) / asked_in_the_middle
        if minutes_each < SHORTEST_QUESTION_MINUTES:
            fits = max(1, int((frame.closing_at - frame.introductions) // 2))
            warnings.append(
                f"{len(categories)} questions are a lot for {frame.length} minutes: put your "
                f"best {fits} first and keep the rest in reserve."
            )
    return PrepStatus(
        complete=not missing,
        missing=missing,
        warnings=warnings,
        questions=len(categories),
        own_questions=own_questions,
    )


def plan_frame(*, conversation: Conversation) -> PlanFrame:
    """Introductions (with the user's pitch) first, "who else?" and thanks in the last minutes.

    In a very short conversation each shrinks so that at least a third of the time is left
    for the questions."""
    length = conversation.length_minutes
    pitch_minutes = word_count(_pitch(conversation.owner_id)) / WORDS_PER_MINUTE
    introductions = min(INTRODUCTIONS_MINUTES + pitch_minutes, length / 3)
    closing = min(CLOSING_MINUTES, length / 4)
    return PlanFrame(length=length, introductions=introductions, closing_at=length - closing)


def _trailing_who_else(categories: list[str]) -> int:
    count = 0
    for category in reversed(categories):
        if category != QuestionCategory.WHO_ELSE:
            break
        count += 1
    return count


def time_plan(
    *, conversation: Conversation, questions: list[ChosenQuestion]
) -> list[PlannedQuestion]:
    """When to ask each question, in minutes from the start, in the order given.

    The questions share the time between the introductions and the closing minutes evenly.
    "Who else should I talk to?" questions at the end of the list are asked in the closing
    minutes, before the thank-you."""
    questions = list(questions)
    if any(q.conversation_id != conversation.pk for q in questions):
        raise PermissionError("That question belongs to another conversation.")
    frame = plan_frame(conversation=conversation)
    closing_count = _trailing_who_else([q.category for q in questions])
    middle = questions[: len(questions) - closing_count]
    closing = questions[len(questions) - closing_count :]
    step = (frame.closing_at - frame.introductions) / len(middle) if middle else 0.0
    plan = [PlannedQuestion(q, frame.introductions + i * step) for i, q in enumerate(middle)]
    # The thank-you takes a share of the closing minutes too.
    closing_step = (frame.length - frame.closing_at) / (len(closing) + 1)
    plan += [PlannedQuestion(q, frame.closing_at + i * closing_step) for i, q in enumerate(closing)]
    return plan
