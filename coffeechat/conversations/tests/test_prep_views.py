import os
import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coffeechat.accounts.services import profile_update
from coffeechat.conversations.etiquette import HABITS
from coffeechat.conversations.models import ChosenQuestion, Question
from coffeechat.conversations.question_bank import BUILTIN_QUESTIONS
from coffeechat.conversations.questions import (
    OWN_QUESTION_NOTICE,
    chosen_question_add,
    chosen_question_list,
)

# Playwright's sync API runs an event loop in this thread; Django's ORM is used between steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HTMX = {"HX-Request": "true"}
FIRST_KEY, _, FIRST_TEXT = BUILTIN_QUESTIONS[0]


def url(name: str, *args) -> str:
    return reverse(f"conversations:{name}", args=args)


def chosen_texts(alice, conversation) -> list[str]:
    return [q.text for q in chosen_question_list(owner=alice, conversation=conversation)]


def choose(alice, conversation, *texts: str) -> list[ChosenQuestion]:
    return [
        chosen_question_add(owner=alice, conversation=conversation, text=text, category="advice")
        for text in texts
    ]


# The prep page -----------------------------------------------------------------------------


def test_it_shows_the_prep_page(alice_client, alice, conversation):
    choose(alice, conversation, "Do you enjoy the work?")
    response = alice_client.get(url("prep", conversation.pk))
    assert response.status_code == 200
    assert "Prepare for Ada Lovelace" in response.text
    assert "Still to prepare" in response.text
    assert "At least 3 questions to ask (1 chosen so far)" in response.text
    assert "invites a one-word yes or no" in response.text  # the chosen question's findings
    assert 'hx-trigger="input changed delay:300ms"' in response.text
    assert url("question_lint") in response.text
    assert url("prep_sheet", conversation.pk) in response.text
    assert "prep.css" in response.text


def test_it_prompts_for_a_question_of_your_own_with_your_research(
    alice_client, alice, contact, organization, conversation
):
    contact.research_notes = "Moved from <b>poetry</b> into engines"
    contact.research_done = ["profile"]
    contact.save()
    organization.research_notes = "Builds difference engines"
    organization.save()
    chosen_question_add(owner=alice, conversation=conversation, key=f"builtin:{FIRST_KEY}")
    page = alice_client.get(url("prep", conversation.pk)).text
    assert "Ask at least one question of your own, drawn from your research" in page
    assert "What your research turned up" in page and "only you see it" in page
    assert "Moved from &lt;b&gt;poetry&lt;/b&gt; into engines" in page
    assert "Builds difference engines" in page
    assert "Done on the checklist: Read their profile and the path that led to their role" in page
    assert OWN_QUESTION_NOTICE in page
    # Writing one takes the notice away at once, in the status swapped out of band.
    response = alice_client.post(
        url("question_add", conversation.pk),
        {"text": "What made you leave poetry for engines?", "category": "career_path"},
        headers=HTMX,
    )
    assert 'id="prep-status"' in response.text and OWN_QUESTION_NOTICE not in response.text
    assert OWN_QUESTION_NOTICE not in alice_client.get(url("prep", conversation.pk)).text


def test_without_research_it_says_where_to_note_it(alice_client, conversation):
    page = alice_client.get(url("prep", conversation.pk)).text
    assert "What your research turned up" not in page
    assert "You have noted no research on Ada yet" in page
    assert OWN_QUESTION_NOTICE in page


def test_the_bank_leaves_out_questions_already_chosen(alice_client, alice, conversation):
    second_text = BUILTIN_QUESTIONS[1][2]
    before = alice_client.get(url("prep", conversation.pk)).text
    assert f'value="builtin:{FIRST_KEY}"' in before and second_text in before
    chosen_question_add(owner=alice, conversation=conversation, key=f"builtin:{FIRST_KEY}")
    after = alice_client.get(url("prep", conversation.pk)).text
    assert f'value="builtin:{FIRST_KEY}"' not in after
    assert after.count(FIRST_TEXT) == 1  # on the list, no longer in the bank


def test_it_refuses_a_post_to_the_prep_page(alice_client, conversation):
    assert alice_client.post(url("prep", conversation.pk)).status_code == 405


# Adding, moving, removing ------------------------------------------------------------------


def test_it_adds_from_the_bank_and_goes_back_to_the_page(alice_client, alice, conversation):
    response = alice_client.post(
        url("question_add", conversation.pk), {"key": f"builtin:{FIRST_KEY}"}
    )
    assert response.status_code == 302 and response.url == url("prep", conversation.pk)
    assert chosen_texts(alice, conversation) == [FIRST_TEXT]


def test_it_answers_htmx_with_the_list_and_out_of_band_status_and_bank(
    alice_client, alice, conversation
):
    response = alice_client.post(
        url("question_add", conversation.pk), {"key": f"builtin:{FIRST_KEY}"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="chosen"')
    assert 'id="prep-status"' in response.text and 'id="bank"' in response.text
    assert response.text.count('hx-swap-oob="true"') == 2
    assert FIRST_TEXT in response.text
    assert f'value="builtin:{FIRST_KEY}"' not in response.text


def test_it_adds_a_question_written_on_the_page(alice_client, alice, conversation):
    response = alice_client.post(
        url("question_add", conversation.pk),
        {"text": "What would you read first?", "category": "resources"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'id="own-question"' in response.text  # the form comes back empty
    assert chosen_texts(alice, conversation) == ["What would you read first?"]
    assert not Question.objects.exists()  # the bank is not changed


def test_it_keeps_a_refused_question_with_the_reason(alice_client, conversation):
    data = {"text": "Are you hiring <b>now</b>?", "category": "advice"}
    response = alice_client.post(url("question_add", conversation.pk), data)
    assert response.status_code == 200
    assert "asks them for a job" in response.text
    assert "Are you hiring &lt;b&gt;now&lt;/b&gt;?</textarea>" in response.text
    htmx = alice_client.post(url("question_add", conversation.pk), data, headers=HTMX)
    assert "asks them for a job" in htmx.text and 'id="own-question"' in htmx.text
    assert not ChosenQuestion.objects.exists()


def test_it_explains_a_duplicate(alice_client, alice, conversation):
    chosen_question_add(owner=alice, conversation=conversation, key=f"builtin:{FIRST_KEY}")
    data = {"key": f"builtin:{FIRST_KEY}"}
    response = alice_client.post(url("question_add", conversation.pk), data, headers=HTMX)
    assert "already on the list for this conversation" in response.text
    assert 'role="alert"' in response.text
    page = alice_client.post(url("question_add", conversation.pk), data, follow=True)
    assert "already on the list for this conversation" in page.text
    assert ChosenQuestion.objects.count() == 1


def test_it_moves_a_question(alice_client, alice, conversation):
    a, b, c = choose(alice, conversation, "What about a?", "What about b?", "What about c?")
    response = alice_client.post(
        url("question_move", conversation.pk, c.pk), {"direction": "up"}, headers=HTMX
    )
    assert response.status_code == 200
    assert chosen_texts(alice, conversation) == ["What about a?", "What about c?", "What about b?"]
    text = response.text
    assert text.index("What about c?") < text.index("What about b?")
    response = alice_client.post(url("question_move", conversation.pk, a.pk), {"direction": "down"})
    assert response.status_code == 302
    assert chosen_texts(alice, conversation) == ["What about c?", "What about a?", "What about b?"]


def test_it_refuses_a_nonsense_direction(alice_client, alice, conversation):
    (a,) = choose(alice, conversation, "What about a?")
    response = alice_client.post(
        url("question_move", conversation.pk, a.pk), {"direction": "left"}, follow=True
    )
    assert "Move a question up or down." in response.text


def test_it_removes_a_question(alice_client, alice, conversation):
    a, b = choose(alice, conversation, "What about a?", "What about b?")
    response = alice_client.post(url("question_remove", conversation.pk, a.pk), headers=HTMX)
    assert response.status_code == 200 and "What about a?" not in response.text
    assert chosen_texts(alice, conversation) == ["What about b?"]
    response = alice_client.post(url("question_remove", conversation.pk, b.pk), follow=True)
    assert "Removed “What about b?”." in response.text
    assert chosen_texts(alice, conversation) == []


def test_a_question_of_another_conversation_is_not_found(alice_client, alice, contact):
    from coffeechat.conversations.models import Conversation

    first = Conversation.objects.create(owner=alice, contact=contact)
    second = Conversation.objects.create(owner=alice, contact=contact)
    (a,) = choose(alice, first, "What about a?")
    for name in ("question_move", "question_remove"):
        response = alice_client.post(url(name, second.pk, a.pk), {"direction": "up"})
        assert response.status_code == 404
    assert chosen_texts(alice, first) == ["What about a?"]


@pytest.mark.parametrize("name", ["question_add", "question_move", "question_remove"])
def test_changes_refuse_get(alice_client, alice, conversation, name):
    (a,) = choose(alice, conversation, "What about a?")
    args = (conversation.pk,) if name == "question_add" else (conversation.pk, a.pk)
    assert alice_client.get(url(name, *args)).status_code == 405


# Live lint ---------------------------------------------------------------------------------


def test_it_lints_a_question_as_it_is_typed(alice_client):
    response = alice_client.post(url("question_lint"), {"text": "Do you <i>enjoy</i> it?"})
    assert response.status_code == 200 and "<html" not in response.text
    assert "invites a one-word yes or no" in response.text
    assert "<i>" not in response.text
    good = alice_client.post(url("question_lint"), {"text": "What do you enjoy about it?"})
    assert "Open, and only they can answer it." in good.text
    empty = alice_client.post(url("question_lint"), {"text": ""})
    assert empty.text.strip() == ""


def test_lint_refuses_a_huge_text_with_the_size_message(alice_client):
    response = alice_client.post(url("question_lint"), {"text": "why " * 250_000})
    assert response.status_code == 200
    assert "Keep this to 20,000 characters (it has 1,000,000)." in response.text


def test_lint_refuses_get(alice_client):
    assert alice_client.get(url("question_lint")).status_code == 405


# The question bank page --------------------------------------------------------------------


def test_it_shows_the_whole_bank(alice_client):
    response = alice_client.get(url("question_bank"))
    assert response.status_code == 200
    for _, _, text in BUILTIN_QUESTIONS:
        assert text.replace("'", "&#x27;") in response.text
    assert "Who else to talk to" in response.text


def test_it_adds_an_own_question_to_the_bank(alice_client, alice):
    response = alice_client.post(
        url("question_bank"), {"text": "What would you <em>read</em>?", "category": "resources"}
    )
    assert response.status_code == 302 and response.url.endswith("#resources")
    question = Question.objects.get(owner=alice)
    page = alice_client.get(url("question_bank"))
    assert "What would you &lt;em&gt;read&lt;/em&gt;?" in page.text
    assert url("question_delete", question.pk) in page.text


def test_it_explains_a_refused_own_question(alice_client):
    response = alice_client.post(url("question_bank"), {"text": "What is your salary?"})
    assert response.status_code == 200
    assert "asks what they earn" in response.text
    assert "Choose what the question is about from the list." in response.text
    assert "What is your salary?</textarea>" in response.text
    assert not Question.objects.exists()


def test_it_deletes_an_own_question(alice_client, alice):
    question = Question.objects.create(owner=alice, category="advice", text="What now?")
    response = alice_client.post(url("question_delete", question.pk), follow=True)
    assert "Deleted “What now?”" in response.text
    assert not Question.objects.exists()


def test_deleting_refuses_get(alice_client, alice):
    question = Question.objects.create(owner=alice, category="advice", text="What now?")
    assert alice_client.get(url("question_delete", question.pk)).status_code == 405
    assert Question.objects.exists()


def test_the_bank_refuses_other_methods(alice_client):
    assert alice_client.put(url("question_bank")).status_code == 405


# The prep sheet ----------------------------------------------------------------------------


@pytest.fixture
def sheet_ready(alice, contact, organization, conversation):
    contact.research_notes = "Moved from <script>alert(1)</script> physics"
    contact.their_work = "The Notes on the Analytical Engine"
    contact.connection_note = "Same college, ten years apart"
    contact.location = "London"
    contact.time_zone = "Europe/London"
    contact.save()
    organization.research_notes = "Builds <b>engines</b>"
    organization.save()
    profile_update(owner=alice, pitch="I am a maths teacher curious about computing.")
    conversation.scheduled_for = datetime(2030, 5, 6, 14, 0, tzinfo=UTC)
    conversation.length_minutes = 30
    conversation.place = "The Royal Society café"
    conversation.save()
    choose(alice, conversation, "What about first?", "What about second?", "What about third?")
    chosen_question_add(owner=alice, conversation=conversation, key="builtin:who-else-to-talk-to")
    return conversation


def test_the_sheet_has_everything_for_the_conversation(alice_client, sheet_ready):
    response = alice_client.get(url("prep_sheet", sheet_ready.pk))
    assert response.status_code == 200
    text = response.text
    for expected in (
        "Ada Lovelace",
        "Analyst, Analytical Engines",
        "London · Europe/London",
        "The Notes on the Analytical Engine",
        "Same college, ten years apart",
        "I am a maths teacher curious about computing.",
        "about 5 seconds to say aloud",
        "Monday 6 May 2030, 14:00",
        "30 minutes",
        "The Royal Society café",
        "Introductions, then your pitch",
        "Who else should I talk to? Then thank them for their time",
        'class="sheet-ruled"',
        'id="print-sheet"',
        "prep.css",
    ):
        assert expected in text, expected
    order = ["What about first?", "What about second?", "What about third?", "Who else do you"]
    positions = [text.index(question) for question in order]
    assert positions == sorted(positions)
    assert text.index("Then thank them") < text.index("Who else do you")
    assert "14:02" in text and "14:27" in text and "14:30" in text  # the time plan, by the clock


def test_the_sheet_carries_the_day_of_etiquette(alice_client, sheet_ready):
    text = alice_client.get(url("prep_sheet", sheet_ready.pk)).text
    assert "On the day:" in text
    for habit in HABITS:
        assert habit.short in text, habit.short
    for words in ("dress", "few minutes early", "Listen more", "notes discreetly", "time",
                  "who else", "their name"):  # fmt: skip
        assert any(words in habit.short for habit in HABITS), words


def test_the_sheet_escapes_html_in_notes(alice_client, sheet_ready):
    text = alice_client.get(url("prep_sheet", sheet_ready.pk)).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Builds &lt;b&gt;engines&lt;/b&gt;" in text


def test_the_sheet_of_an_unbooked_conversation_counts_minutes(alice_client, conversation):
    text = alice_client.get(url("prep_sheet", conversation.pk)).text
    assert "Not booked yet" in text
    assert "Not written yet" in text
    assert "No questions chosen yet" in text
    assert "17′" in text and "20′" in text


def test_the_sheet_refuses_post(alice_client, conversation):
    assert alice_client.post(url("prep_sheet", conversation.pk)).status_code == 405


# The panel on the conversation page --------------------------------------------------------


def test_the_conversation_page_shows_what_is_left_to_prepare(alice_client, alice, conversation):
    choose(alice, conversation, "What about a?")
    text = alice_client.get(url("conversation_detail", conversation.pk)).text
    assert "1 question chosen" in text
    for missing in ("<li>Research notes on", "<li>At least 3 questions", "<li>Your pitch"):
        assert missing in text
    assert url("prep", conversation.pk) in text and url("prep_sheet", conversation.pk) in text


def test_the_conversation_page_says_when_preparation_is_done(alice_client, sheet_ready):
    text = alice_client.get(url("conversation_detail", sheet_ready.pk)).text
    assert "4 questions chosen" in text and "ready to talk." in text
    assert "<li>At least 3 questions" not in text


# Another user ------------------------------------------------------------------------------


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def test_another_user_finds_none_of_it(bob_client, alice, conversation):
    (chosen,) = choose(alice, conversation, "What about a?")
    question = Question.objects.create(owner=alice, category="advice", text="What now?")
    for method, target in [
        ("get", url("prep", conversation.pk)),
        ("get", url("prep_sheet", conversation.pk)),
        ("post", url("question_add", conversation.pk)),
        ("post", url("question_move", conversation.pk, chosen.pk)),
        ("post", url("question_remove", conversation.pk, chosen.pk)),
        ("post", url("question_delete", question.pk)),
    ]:
        data = {"key": f"builtin:{FIRST_KEY}", "direction": "up"} if method == "post" else {}
        response = getattr(bob_client, method)(target, data)
        assert response.status_code == 404, target
    assert chosen_texts(alice, conversation) == ["What about a?"]
    assert Question.objects.filter(pk=question.pk).exists()


def test_another_users_own_questions_stay_out_of_the_bank(bob_client, alice):
    Question.objects.create(owner=alice, category="advice", text="What is alice's secret?")
    text = bob_client.get(url("question_bank")).text
    assert "alice" not in text.lower().replace("alice_client", "")
    assert "Delete" not in text


# In the browser ----------------------------------------------------------------------------


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_prepares_in_the_browser_and_prints_one_page(live_server, page):
    from coffeechat.accounts.services import local_user_get_or_create, login_link_create
    from coffeechat.contacts.models import Contact, Organization
    from coffeechat.conversations.models import Conversation

    owner = local_user_get_or_create()
    organization = Organization.objects.create(
        owner=owner, name="Analytical Engines", research_notes="Note. " * 60
    )
    contact = Contact.objects.create(
        owner=owner, name="Ada Lovelace", title="Analyst", organization=organization,
        research_notes="Research. " * 60, their_work="Notes on the engine. " * 10,
        connection_note="Alumni of the same college.", location="London",
    )  # fmt: skip
    profile_update(owner=owner, pitch="I teach maths and I am curious about computing. " * 8)
    conversation = Conversation.objects.create(
        owner=owner, contact=contact, length_minutes=30,
        scheduled_for=datetime(2030, 5, 6, 14, 0, tzinfo=UTC), place="The café on the corner",
    )  # fmt: skip

    page.goto(f"{live_server.url}/accounts/login/{login_link_create(owner=owner)}/")
    page.goto(f"{live_server.url}{url('prep', conversation.pk)}")
    bank = page.locator("#bank")
    for text in [BUILTIN_QUESTIONS[i][2] for i in (0, 8, 15, 40, 71)]:
        bank.locator("li", has_text=text).get_by_role("button", name="Add").click()
        expect(page.locator("#chosen")).to_contain_text(text)
        expect(bank).not_to_contain_text(text)
    expect(page.locator("#prep-status")).to_contain_text("Ready to talk")

    last = page.locator("#chosen li").nth(4)
    last.get_by_role("button", name=re.compile("earlier")).click()
    expect(page.locator("#chosen li").nth(3)).to_contain_text(BUILTIN_QUESTIONS[71][2])

    page.get_by_role("textbox", name="Question").fill("Do you like the work?")
    expect(page.locator("#own-findings")).to_contain_text("invites a one-word yes or no")
    page.get_by_role("textbox", name="Question").fill("What do you like about the work?")
    expect(page.locator("#own-findings")).to_contain_text("Open, and only they can answer it.")
    page.get_by_label("What it is about").select_option("culture")
    page.get_by_role("button", name="Add to this conversation").click()
    expect(page.locator("#chosen li")).to_have_count(6)
    expect(page.get_by_role("textbox", name="Question")).to_have_value("")

    page.get_by_role("link", name="Print the prep sheet").click()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    for paper in ("A4", "Letter"):
        assert _pdf_pages(page.pdf(format=paper, prefer_css_page_size=True)) == 1, paper
