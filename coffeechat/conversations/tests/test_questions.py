import pytest
from django.core.exceptions import ValidationError

from coffeechat.accounts.services import profile_update
from coffeechat.contacts.models import Contact
from coffeechat.conversations.models import ChosenQuestion, Conversation, Question
from coffeechat.conversations.question_bank import BUILTIN_QUESTIONS
from coffeechat.conversations.question_lint import has_errors, lint_question
from coffeechat.conversations.questions import (
    CLOSING_MINUTES,
    INTRODUCTIONS_MINUTES,
    OWN_QUESTION_NOTICE,
    bank_for_conversation,
    bank_question_get,
    chosen_question_add,
    chosen_question_list,
    chosen_question_move,
    chosen_question_note,
    chosen_question_remove,
    group_by_category,
    own_question_add,
    own_question_count,
    own_question_delete,
    plan_frame,
    prep_status,
    question_bank,
    research_noted,
    time_plan,
)

FIRST_KEY, FIRST_CATEGORY, FIRST_TEXT = BUILTIN_QUESTIONS[0]
WHO_ELSE_KEY = "builtin:who-else-to-talk-to"


def add(owner, conversation, text: str, category: str = "advice") -> ChosenQuestion:
    return chosen_question_add(owner=owner, conversation=conversation, text=text, category=category)


def texts(owner, conversation) -> list[str]:
    return [q.text for q in chosen_question_list(owner=owner, conversation=conversation)]


@pytest.fixture
def prepared(alice, contact, conversation):
    """A conversation with everything in place."""
    contact.research_notes = "Led the move to open data."
    contact.save()
    profile_update(owner=alice, pitch="I am a designer exploring public-sector data work.")
    for key in ("path-first-step", "advice-my-plan"):
        chosen_question_add(owner=alice, conversation=conversation, key=f"builtin:{key}")
    add(alice, conversation, "What did the move to open data change for your team?")
    chosen_question_add(owner=alice, conversation=conversation, key="builtin:who-else-to-talk-to")
    return conversation


# The bank ----------------------------------------------------------------------------------


def test_the_bank_holds_the_built_ins_and_the_owners_own(alice, bob):
    mine = own_question_add(owner=alice, category="trends", text="What will AI change first?")
    own_question_add(owner=bob, category="trends", text="What is overhyped right now?")
    bank = question_bank(owner=alice)
    assert len(bank) == len(BUILTIN_QUESTIONS) + 1
    assert bank[0].key == f"builtin:{FIRST_KEY}" and bank[0].builtin
    own = [q for q in bank if not q.builtin]
    assert [(q.key, q.text) for q in own] == [(f"own:{mine.pk}", "What will AI change first?")]


def test_the_bank_filters_by_category_and_keeps_built_ins_first(alice):
    own_question_add(owner=alice, category="travel", text="How do you pack for a week away?")
    travel = question_bank(owner=alice, category="travel")
    assert {q.category for q in travel} == {"travel"}
    assert travel[-1].text == "How do you pack for a week away?"
    assert all(q.builtin for q in travel[:-1])


def test_the_bank_is_grouped_in_category_order(alice):
    groups = group_by_category(question_bank(owner=alice))
    assert [g.category for g in groups][:3] == ["career_path", "day_in_the_life", "skills"]
    assert groups[-1].label == "Who else to talk to"


def test_a_bank_key_finds_only_the_owners_questions(alice, bob):
    theirs = own_question_add(owner=bob, category="advice", text="What would you do first?")
    assert bank_question_get(owner=alice, key=f"builtin:{FIRST_KEY}").text == FIRST_TEXT
    for key in (f"own:{theirs.pk}", "builtin:nope", "own:x", "", "elsewhere:1"):
        with pytest.raises(ValidationError, match="no longer in your question bank"):
            bank_question_get(owner=alice, key=key)


def test_it_adds_an_own_question_tidied(alice):
    question = own_question_add(owner=alice, category="culture", text="  How  do teams\nmeet?  ")
    assert (question.owner, question.text, question.category) == (
        alice,
        "How do teams meet?",
        "culture",
    )


@pytest.mark.parametrize(
    ("text", "category", "field", "message"),
    [
        ("", "advice", "text", "Write the question first."),
        ("   ", "advice", "text", "Write the question first."),
        ("What " + "x" * 300 + "?", "advice", "text", "under 300 characters"),
        ("Are you hiring?", "advice", "text", "asks them for a job"),
        ("How much do you make?", "salary", "text", "asks what they earn"),
        ("What do you wish you had known?", "gossip", "category", "Choose what the question"),
    ],
)
def test_it_refuses_a_bad_own_question(alice, text, category, field, message):
    with pytest.raises(ValidationError) as error:
        own_question_add(owner=alice, category=category, text=text)
    assert message in " ".join(error.value.message_dict[field])
    assert not Question.objects.exists()


def test_it_keeps_a_question_that_only_has_warnings(alice):
    findings = lint_question("Do you like the team?")
    assert findings and not has_errors(findings)

    question = own_question_add(owner=alice, category="culture", text="Do you like the team?")

    stored = Question.objects.get(pk=question.pk)
    assert (stored.owner, stored.category, stored.text) == (
        alice,
        "culture",
        "Do you like the team?",
    )


def test_it_refuses_an_own_question_already_in_the_bank(alice):
    with pytest.raises(ValidationError, match="already in your question bank"):
        own_question_add(owner=alice, category=FIRST_CATEGORY, text=FIRST_TEXT.upper())
    own_question_add(owner=alice, category="advice", text="What would you read first?")
    with pytest.raises(ValidationError, match="already in your question bank"):
        own_question_add(owner=alice, category="advice", text="what would you read first")


def test_deleting_an_own_question_leaves_chosen_copies(alice, conversation):
    question = own_question_add(owner=alice, category="advice", text="What would you read?")
    chosen_question_add(owner=alice, conversation=conversation, key=f"own:{question.pk}")
    own_question_delete(owner=alice, question=question)
    assert not Question.objects.exists()
    assert texts(alice, conversation) == ["What would you read?"]


# Choosing questions ------------------------------------------------------------------------


def test_it_adds_from_the_bank_and_free_text_in_order(alice, conversation):
    first = chosen_question_add(owner=alice, conversation=conversation, key=f"builtin:{FIRST_KEY}")
    second = add(alice, conversation, "What do you read to keep up?", "resources")
    assert (first.text, first.category, first.position) == (FIRST_TEXT, FIRST_CATEGORY, 0)
    assert (second.category, second.position) == ("resources", 1)
    assert texts(alice, conversation) == [FIRST_TEXT, "What do you read to keep up?"]


def test_it_refuses_the_same_question_twice_in_one_conversation(alice, contact, conversation):
    chosen_question_add(owner=alice, conversation=conversation, key=f"builtin:{FIRST_KEY}")
    with pytest.raises(ValidationError, match="already on the list"):
        chosen_question_add(owner=alice, conversation=conversation, key=f"builtin:{FIRST_KEY}")
    with pytest.raises(ValidationError, match="already on the list"):
        add(alice, conversation, "  " + FIRST_TEXT.lower().rstrip("?"))
    other = Conversation.objects.create(owner=alice, contact=contact)
    chosen_question_add(owner=alice, conversation=other, key=f"builtin:{FIRST_KEY}")
    assert ChosenQuestion.objects.count() == 2


def test_it_refuses_a_free_text_question_with_an_error(alice, conversation):
    with pytest.raises(ValidationError) as error:
        add(alice, conversation, "Could you refer me for a job on your team?")
    assert "asks them for a job" in error.value.message_dict["text"][0]
    with pytest.raises(ValidationError) as error:
        add(alice, conversation, "What is the hardest part?", category="")
    assert "category" in error.value.message_dict
    assert not ChosenQuestion.objects.exists()


def test_the_bank_for_a_conversation_leaves_out_what_is_chosen(alice, conversation):
    chosen_question_add(owner=alice, conversation=conversation, key=f"builtin:{FIRST_KEY}")
    bank = bank_for_conversation(owner=alice, conversation=conversation)
    assert len(bank) == len(BUILTIN_QUESTIONS) - 1
    assert FIRST_TEXT not in {q.text for q in bank}


def test_it_moves_questions_up_and_down(alice, conversation):
    a, b, c = (add(alice, conversation, f"What about {x}?") for x in "abc")
    chosen_question_move(owner=alice, chosen=c, direction="up")
    assert texts(alice, conversation) == ["What about a?", "What about c?", "What about b?"]
    assert c.position == 1
    chosen_question_move(owner=alice, chosen=a, direction="down")
    assert texts(alice, conversation) == ["What about c?", "What about a?", "What about b?"]


def test_moving_past_either_end_changes_nothing(alice, conversation):
    a, b = add(alice, conversation, "What about a?"), add(alice, conversation, "What about b?")
    chosen_question_move(owner=alice, chosen=a, direction="up")
    chosen_question_move(owner=alice, chosen=b, direction="down")
    assert texts(alice, conversation) == ["What about a?", "What about b?"]


def test_moving_mends_equal_positions(alice, conversation):
    a, b, c = (add(alice, conversation, f"What about {x}?") for x in "abc")
    ChosenQuestion.objects.update(position=0)
    chosen_question_move(owner=alice, chosen=c, direction="up")
    assert texts(alice, conversation) == ["What about a?", "What about c?", "What about b?"]
    positions = chosen_question_list(owner=alice, conversation=conversation)
    assert list(positions.values_list("position", flat=True)) == [0, 1, 2]


def test_it_refuses_a_direction_other_than_up_or_down(alice, conversation):
    a = add(alice, conversation, "What about a?")
    with pytest.raises(ValidationError, match="up or down"):
        chosen_question_move(owner=alice, chosen=a, direction="sideways")


def test_it_removes_a_question_and_adds_after_the_last(alice, conversation):
    a = add(alice, conversation, "What about a?")
    add(alice, conversation, "What about b?")
    chosen_question_remove(owner=alice, chosen=a)
    c = add(alice, conversation, "What about c?")
    assert texts(alice, conversation) == ["What about b?", "What about c?"]
    assert c.position == 2


def test_it_keeps_a_note_of_the_answer(alice, conversation):
    a = add(alice, conversation, "What about a?")
    chosen_question_note(owner=alice, chosen=a, answer_note="  Start with the data team.  ")
    a.refresh_from_db()
    assert a.answer_note == "Start with the data team."
    with pytest.raises(ValidationError, match="under 5000 characters"):
        chosen_question_note(owner=alice, chosen=a, answer_note="x" * 5001)


def test_services_refuse_another_users_objects(alice, bob, conversation):
    chosen = add(alice, conversation, "What about a?")
    question = own_question_add(owner=alice, category="advice", text="What would you read?")
    calls = [
        lambda: chosen_question_add(owner=bob, conversation=conversation, text="What?", category="advice"),
        lambda: chosen_question_move(owner=bob, chosen=chosen, direction="up"),
        lambda: chosen_question_remove(owner=bob, chosen=chosen),
        lambda: chosen_question_note(owner=bob, chosen=chosen, answer_note="mine"),
        lambda: own_question_delete(owner=bob, question=question),
        lambda: prep_status(owner=bob, conversation=conversation),
        lambda: research_noted(owner=bob, conversation=conversation),
        lambda: own_question_count(owner=bob, conversation=conversation),
    ]  # fmt: skip
    for call in calls:
        with pytest.raises(PermissionError):
            call()
    assert texts(alice, conversation) == ["What about a?"]
    assert Question.objects.filter(pk=question.pk).exists()
    bobs = Conversation.objects.create(
        owner=bob, contact=Contact.objects.create(owner=bob, name="Grace Hopper")
    )
    with pytest.raises(ValidationError, match="no longer in your question bank"):
        chosen_question_add(owner=bob, conversation=bobs, key=f"own:{question.pk}")


# Preparation status ------------------------------------------------------------------------


def test_a_fresh_conversation_is_missing_everything(alice, conversation):
    status = prep_status(owner=alice, conversation=conversation)
    assert not status.complete
    assert status.missing == [
        "Research notes on Ada Lovelace or Analytical Engines",
        "At least 3 questions to ask (0 chosen so far)",
        "Your pitch, for when they ask you to tell them about yourself",
    ]
    assert status.warnings[0] == OWN_QUESTION_NOTICE
    assert len(status.warnings) == 2 and "who else should I talk to?" in status.warnings[1]


def test_a_prepared_conversation_is_complete(alice, prepared):
    status = prep_status(owner=alice, conversation=prepared)
    assert status.complete and status.missing == [] and status.warnings == []
    assert status.questions == 4


def test_it_notices_while_no_question_is_the_users_own(alice, prepared):
    assert prep_status(owner=alice, conversation=prepared).own_questions == 1
    [mine] = [
        q for q in chosen_question_list(owner=alice, conversation=prepared) if "open" in q.text
    ]
    chosen_question_remove(owner=alice, chosen=mine)
    status = prep_status(owner=alice, conversation=prepared)
    # A notice, not a gap: preparation is still complete, and the agenda agrees.
    assert status.complete and status.own_questions == 0
    assert status.warnings == [OWN_QUESTION_NOTICE]
    # A question saved to the user's bank is a bank question too: it was not written from
    # research on this person.
    saved = own_question_add(owner=alice, category="trends", text="What will change next year?")
    chosen_question_add(owner=alice, conversation=prepared, key=f"own:{saved.pk}")
    assert prep_status(owner=alice, conversation=prepared).own_questions == 0
    add(alice, prepared, "How did residents react to the open-data portal?")
    status = prep_status(owner=alice, conversation=prepared)
    assert status.own_questions == 1 and status.warnings == []


def test_notes_on_the_organisation_count_as_research(alice, prepared, organization):
    prepared.contact.research_notes = "  "
    prepared.contact.save()
    assert "Research notes" in prep_status(owner=alice, conversation=prepared).missing[0]
    organization.research_notes = "Runs the city's open-data portal."
    organization.save()
    assert prep_status(owner=alice, conversation=prepared).complete


def test_it_warns_without_a_who_else_question(alice, prepared):
    who_else = chosen_question_list(owner=alice, conversation=prepared).get(category="who_else")
    chosen_question_remove(owner=alice, chosen=who_else)
    status = prep_status(owner=alice, conversation=prepared)
    assert status.complete
    assert status.warnings == [
        "No “who else should I talk to?” question yet: it is how one conversation "
        "leads to the next."
    ]


def test_it_warns_about_more_questions_than_minutes(alice, prepared):
    for index in range(8):
        add(alice, prepared, f"What about part {index}?")
    status = prep_status(owner=alice, conversation=prepared)
    assert any("12 questions are a lot for 20 minutes" in w for w in status.warnings)


# Time plan ---------------------------------------------------------------------------------


def _plan(alice, conversation):
    return time_plan(
        conversation=conversation,
        questions=list(chosen_question_list(owner=alice, conversation=conversation)),
    )


def test_the_plan_starts_after_introductions_and_ends_with_who_else(alice, prepared):
    profile_update(owner=alice, pitch=" ".join(["word"] * 150))  # one minute to say
    frame = plan_frame(conversation=prepared)
    assert frame.introductions == INTRODUCTIONS_MINUTES + 1
    assert frame.closing_at == prepared.length_minutes - CLOSING_MINUTES
    plan = _plan(alice, prepared)
    assert [q.text for q, _ in plan] == texts(alice, prepared)
    minutes = [minutes_at for _, minutes_at in plan]
    assert minutes[0] == frame.introductions
    # Three questions share the middle evenly; the who-else question opens the closing.
    step = (frame.closing_at - frame.introductions) / 3
    assert minutes[:3] == pytest.approx([3, 3 + step, 3 + 2 * step])
    assert minutes[3] == frame.closing_at


@pytest.mark.parametrize("length", [5, 15, 20, 30, 45, 60, 180])
@pytest.mark.parametrize("count", [1, 2, 5, 13])
def test_the_plan_fills_the_conversation_exactly(alice, conversation, length, count):
    conversation.length_minutes = length
    conversation.save()
    for index in range(count):
        add(alice, conversation, f"What about part {index}?")
    frame = plan_frame(conversation=conversation)
    minutes = [minutes_at for _, minutes_at in _plan(alice, conversation)]
    step = (frame.closing_at - frame.introductions) / count
    # Introductions + each question's share + the closing minutes = the whole conversation.
    total = minutes[0] + step * count + (length - frame.closing_at)
    assert total == pytest.approx(length)
    assert minutes[-1] + step == pytest.approx(frame.closing_at)
    assert minutes == sorted(minutes) and minutes[0] > 0
    assert frame.closing_at - frame.introductions >= length / 3


def test_several_who_else_questions_share_the_closing_minutes(alice, conversation):
    add(alice, conversation, "What about a?")
    for key in ("who-else-to-talk-to", "who-else-mention-name"):
        chosen_question_add(owner=alice, conversation=conversation, key=f"builtin:{key}")
    minutes = [minutes_at for _, minutes_at in _plan(alice, conversation)]
    assert minutes == pytest.approx([INTRODUCTIONS_MINUTES, 17, 18])


def test_a_who_else_question_in_the_middle_is_asked_in_order(alice, conversation):
    chosen_question_add(owner=alice, conversation=conversation, key=WHO_ELSE_KEY)
    add(alice, conversation, "What about a?")
    minutes = [minutes_at for _, minutes_at in _plan(alice, conversation)]
    assert minutes == pytest.approx([2, 2 + 7.5])


def test_the_plan_of_no_questions_is_empty(alice, conversation):
    assert time_plan(conversation=conversation, questions=[]) == []


def test_the_plan_refuses_questions_of_another_conversation(alice, contact, conversation):
    other = Conversation.objects.create(owner=alice, contact=contact)
    stray = add(alice, other, "What about a?")
    with pytest.raises(PermissionError):
        time_plan(conversation=conversation, questions=[stray])
