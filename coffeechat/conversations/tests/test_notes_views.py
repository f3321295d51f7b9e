import pytest
from django.urls import reverse

from coffeechat.contacts.models import Contact
from coffeechat.conversations import takeaways as service
from coffeechat.conversations.models import Conversation, State, Takeaway
from coffeechat.conversations.services import conversation_transition
from coffeechat.outreach.models import Message, MessageStatus, Template


@pytest.fixture
def held(alice, conversation):
    conversation_transition(owner=alice, conversation=conversation, to=State.SCHEDULED)
    return conversation_transition(owner=alice, conversation=conversation, to=State.HELD)


@pytest.fixture
def gap(alice, held):
    return service.takeaway_add(owner=alice, conversation=held, kind="gap", text="Learn SQL")


def _rendered_notes(page: str) -> str:
    start = page.index('<div class="notes-body">')
    return page[start : page.index("</div>", start)]


def _detail(conversation) -> str:
    return reverse("conversations:conversation_detail", args=[conversation.pk])


# The notes page


def test_it_shows_the_notes_page(alice_client, held):
    response = alice_client.get(reverse("conversations:notes", args=[held.pk]))
    assert response.status_code == 200
    assert "Save notes" in response.text
    assert "How clear is my next step now?" in response.text
    assert 'type="radio" name="clarity"' in response.text
    assert "Add a takeaway" in response.text
    # Saving the notes is the page's one main action; adding a takeaway is a secondary one.
    assert '<button type="submit" class="secondary">Add takeaway</button>' in response.text
    assert "notes.css" in response.text


def test_it_saves_notes_and_shows_them_sanitised(alice_client, held):
    url = reverse("conversations:notes", args=[held.pk])
    response = alice_client.post(
        url,
        {
            "notes": "## Path\n**Support** first. <script>alert('x')</script>"
            "[x](javascript:alert(1)) <img src=x onerror=alert(2)>",
            "reflection_fit": "Good fit",
            "reflection_next": "Write to Grace",
            "clarity": "4",
        },
    )
    assert response.status_code == 302 and response.url == url
    held.refresh_from_db()
    assert held.clarity == 4 and held.reflection_fit == "Good fit"
    for page in (alice_client.get(url), alice_client.get(_detail(held))):
        rendered = _rendered_notes(page.text)
        assert "<h4>Path</h4>" in rendered
        assert "<strong>Support</strong>" in rendered
        for unwanted in ("<script", "alert", "javascript:", "onerror", "<img"):
            assert unwanted not in rendered
    # Whatever the notes contain, the editor shows them as text.
    editor = alice_client.get(url).text
    assert "&lt;script&gt;" in editor and "<script>alert" not in editor


def test_it_clears_clarity(alice_client, alice, held):
    service.conversation_notes_update(owner=alice, conversation=held, clarity=2)
    alice_client.post(reverse("conversations:notes", args=[held.pk]), {"notes": "x"})
    held.refresh_from_db()
    assert held.clarity is None and held.notes == "x"


def test_it_explains_a_bad_clarity(alice_client, held):
    response = alice_client.post(
        reverse("conversations:notes", args=[held.pk]), {"notes": "x", "clarity": "9"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    held.refresh_from_db()
    assert held.notes == ""


def test_it_offers_no_notes_before_the_conversation_is_booked(alice_client, conversation):
    url = reverse("conversations:notes", args=[conversation.pk])
    page = alice_client.get(url)
    assert page.status_code == 200
    assert "booked or has taken place" in page.text and "Save notes" not in page.text
    response = alice_client.post(url, {"notes": "Too soon"})
    assert "booked or has taken place" in response.text
    conversation.refresh_from_db()
    assert conversation.notes == ""


def test_the_notes_page_refuses_other_methods(alice_client, held):
    response = alice_client.put(reverse("conversations:notes", args=[held.pk]))
    assert response.status_code == 405


# The conversation page


def test_the_conversation_page_shows_takeaways_and_the_thank_you(alice_client, alice, held, gap):
    service.takeaway_add(owner=alice, conversation=held, kind="insight", text="Users first")
    page = alice_client.get(_detail(held))
    assert page.status_code == 200
    assert "Notes and takeaways" in page.text
    assert "Skill gaps" in page.text and "Insights" in page.text
    assert "Learn SQL" in page.text and "Users first" in page.text
    assert reverse("conversations:takeaway_status", args=[gap.pk]) in page.text
    assert "Write the thank-you" in page.text
    assert f'name="takeaway" value="{gap.pk}"' in page.text
    assert "Only for a referral" in page.text


def test_the_conversation_page_offers_no_thank_you_before_it_is_held(alice_client, conversation):
    page = alice_client.get(_detail(conversation))
    assert page.status_code == 200
    assert "Write the thank-you" not in page.text
    assert "Once the conversation is booked" in page.text


# Takeaways


def test_it_adds_a_takeaway_and_returns_to_the_conversation(alice_client, held):
    response = alice_client.post(
        reverse("conversations:takeaway_add", args=[held.pk]),
        {"kind": "resource", "text": "Read *The Design of Everyday Things*"},
    )
    assert response.status_code == 302
    assert response.url == _detail(held) + "#takeaways"
    takeaway = Takeaway.objects.get()
    assert takeaway.kind == "resource" and takeaway.status == "open"


def test_it_returns_to_the_page_the_form_was_on(alice_client, held):
    notes_url = reverse("conversations:notes", args=[held.pk])
    response = alice_client.post(
        reverse("conversations:takeaway_add", args=[held.pk]),
        {"kind": "insight", "text": "x", "next": notes_url + "#takeaways"},
    )
    assert response.url == notes_url + "#takeaways"
    response = alice_client.post(
        reverse("conversations:takeaway_add", args=[held.pk]),
        {"kind": "insight", "text": "y", "next": "https://evil.example/"},
    )
    assert response.url == _detail(held) + "#takeaways"


def test_it_keeps_what_was_typed_when_a_takeaway_is_refused(alice_client, held):
    response = alice_client.post(
        reverse("conversations:takeaway_add", args=[held.pk]),
        {"kind": "referral", "text": "Her old manager", "referral_email": "grace@example.com"},
    )
    assert response.status_code == 200
    assert "Give the name of the person they suggested" in response.text
    assert "Her old manager" in response.text and 'value="grace@example.com"' in response.text
    assert not Takeaway.objects.exists()


def test_a_referral_appears_on_the_people_list_as_a_prospect(alice_client, held, contact):
    response = alice_client.post(
        reverse("conversations:takeaway_add", args=[held.pk]),
        {
            "kind": "referral",
            "text": "",
            "referral_name": "Grace Hopper",
            "referral_email": "grace@example.com",
            "referral_organization": "Naval Research Lab",
            "may_use_name": "on",
        },
        follow=True,
    )
    assert "Added Grace Hopper to your people, referred by Ada Lovelace." in response.text
    grace = Contact.objects.get(name="Grace Hopper")
    assert grace.referred_by == contact and grace.may_use_referrer_name
    people = alice_client.get(reverse("contacts:contact_list"), {"stage": "prospect"})
    assert "Grace Hopper" in people.text
    assert "Naval Research Lab" in people.text


def test_it_ticks_a_takeaway_off_and_reopens_it(alice_client, gap):
    url = reverse("conversations:takeaway_status", args=[gap.pk])
    response = alice_client.post(url, {"status": "done"})
    assert response.status_code == 302
    gap.refresh_from_db()
    assert gap.status == "done" and gap.done_at
    alice_client.post(url, {"status": "open"})
    gap.refresh_from_db()
    assert gap.status == "open" and gap.done_at is None


def test_it_explains_a_refused_status(alice_client, alice, held):
    insight = service.takeaway_add(owner=alice, conversation=held, kind="insight", text="x")
    url = reverse("conversations:takeaway_status", args=[insight.pk])
    response = alice_client.post(url, {"status": "done"}, follow=True)
    assert "Only skill gaps, resources and opportunities" in response.text
    response = alice_client.post(url, {"status": "someday"}, follow=True)
    assert "open, done or dropped" in response.text
    insight.refresh_from_db()
    assert insight.status == "open"


def test_it_deletes_a_takeaway(alice_client, gap):
    page = alice_client.get(
        reverse("conversations:conversation_detail", args=[gap.conversation.pk])
    )
    # Deleting asks first: "Delete…" opens the button that deletes.
    assert '<details class="confirm-inline">' in page.text
    assert '<button type="submit" class="danger small">Yes, delete it</button>' in page.text
    response = alice_client.post(reverse("conversations:takeaway_delete", args=[gap.pk]))
    assert response.status_code == 302
    assert not Takeaway.objects.exists()


@pytest.mark.parametrize(
    "name", ["takeaway_add", "thank_you", "takeaway_status", "takeaway_delete"]
)
def test_the_takeaway_actions_refuse_get(alice_client, held, gap, name):
    pk = held.pk if name in ("takeaway_add", "thank_you") else gap.pk
    assert alice_client.get(reverse(f"conversations:{name}", args=[pk])).status_code == 405
    assert Takeaway.objects.count() == 1 and not Message.objects.exists()


# The lists


@pytest.mark.parametrize(
    ("name", "kind", "title"),
    [
        ("development_plan", "gap", "Development plan"),
        ("reading_list", "resource", "Reading list"),
        ("leads", "opportunity", "Leads"),
    ],
)
def test_each_list_shows_its_items_with_their_conversation(
    alice_client, alice, held, name, kind, title
):
    item = service.takeaway_add(owner=alice, conversation=held, kind=kind, text="The item")
    service.takeaway_add(owner=alice, conversation=held, kind="insight", text="Not an action")
    page = alice_client.get(reverse(f"conversations:{name}"))
    assert page.status_code == 200
    assert f"<h1>{title}</h1>" in page.text
    assert "The item" in page.text and "Not an action" not in page.text
    assert "your conversation with Ada Lovelace" in page.text
    assert reverse("conversations:takeaway_status", args=[item.pk]) in page.text
    assert ">Done</button>" in page.text


@pytest.mark.parametrize("name", ["development_plan", "reading_list", "leads"])
def test_each_list_says_what_will_appear_when_empty(alice_client, name):
    page = alice_client.get(reverse(f"conversations:{name}"))
    assert page.status_code == 200
    assert "Nothing here yet." in page.text and "appears here" in page.text


@pytest.mark.parametrize("name", ["development_plan", "reading_list", "leads"])
def test_the_lists_refuse_post(alice_client, name):
    assert alice_client.post(reverse(f"conversations:{name}")).status_code == 405


def test_a_gap_appears_on_the_development_plan_and_can_be_done_there(alice_client, held):
    alice_client.post(
        reverse("conversations:takeaway_add", args=[held.pk]),
        {"kind": "gap", "text": "Practise usability testing"},
    )
    plan_url = reverse("conversations:development_plan")
    page = alice_client.get(plan_url)
    assert "Practise usability testing" in page.text
    gap = Takeaway.objects.get()
    response = alice_client.post(
        reverse("conversations:takeaway_status", args=[gap.pk]),
        {"status": "done", "next": plan_url},
    )
    assert response.url == plan_url
    page = alice_client.get(plan_url)
    assert "Reopen" in page.text and "Nothing left to do here" in page.text


def test_the_lists_show_only_the_users_own_items(client, bob, gap):
    client.force_login(bob)
    page = client.get(reverse("conversations:development_plan"))
    assert "Learn SQL" not in page.text and "Nothing here yet." in page.text


# The thank-you


def test_the_thank_you_flow(alice_client, alice, held, gap):
    response = alice_client.post(
        reverse("conversations:thank_you", args=[held.pk]), {"takeaway": gap.pk}
    )
    message = Message.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("outreach:message_edit", args=[message.pk])
    assert message.kind == "thank_you" and message.status == MessageStatus.DRAFT
    assert message.conversation == held and "Learn SQL" in message.body
    assert alice_client.get(response.url).status_code == 200

    response = alice_client.post(reverse("outreach:message_mark_sent", args=[message.pk]))
    assert response.status_code == 302
    held.refresh_from_db()
    message.refresh_from_db()
    assert held.state == State.THANKED and held.thanked_at == message.sent_at

    page = alice_client.get(_detail(held))
    assert "Write the thank-you" not in page.text


def test_the_thank_you_offers_insights_and_advice_first(alice_client, alice, held, gap):
    insight = service.takeaway_add(owner=alice, conversation=held, kind="insight", text="Users")
    page = alice_client.get(_detail(held)).text
    assert f'name="takeaway" value="{insight.pk}" checked' in page
    assert page.index(f'value="{insight.pk}"') < page.index(f'value="{gap.pk}"')


def test_the_conversation_page_links_a_thank_you_draft_already_started(alice_client, held):
    alice_client.post(
        reverse("conversations:thank_you", args=[held.pk]), {"takeaway_words": "your advice"}
    )
    draft = Message.objects.get()
    page = alice_client.get(_detail(held)).text
    assert "You have started one" in page
    assert reverse("outreach:message_edit", args=[draft.pk]) in page


def test_a_thank_you_names_the_takeaway_in_the_users_own_words(alice_client, held, gap):
    alice_client.post(
        reverse("conversations:thank_you", args=[held.pk]),
        {"takeaway": gap.pk, "takeaway_words": "your advice to learn SQL before anything else"},
    )
    body = Message.objects.get().body
    assert "your advice to learn SQL before anything else." in body
    assert "Learn SQL" not in body


def test_a_thank_you_without_a_takeaway_is_refused_with_the_reason(alice_client, held):
    response = alice_client.post(
        reverse("conversations:thank_you", args=[held.pk]), {"takeaway": ""}, follow=True
    )
    assert "This message needs the takeaway" in response.text
    assert not Message.objects.exists()


def test_the_thank_you_uses_the_users_own_version(alice_client, alice, held, gap):
    Template.objects.create(
        owner=alice,
        name="My thanks",
        kind="thank_you",
        subject="Thanks!",
        body="Dear {{ first_name }}, thank you for {{ takeaway }}.",
        builtin_key="thank_you_email",
    )
    alice_client.post(reverse("conversations:thank_you", args=[held.pk]), {"takeaway": gap.pk})
    assert Message.objects.get().body == "Dear Ada, thank you for Learn SQL."


def test_a_thank_you_before_the_conversation_was_held_is_refused(
    alice_client, alice, contact, conversation
):
    conversation_transition(owner=alice, conversation=conversation, to=State.SCHEDULED)
    response = alice_client.post(
        reverse("conversations:thank_you", args=[conversation.pk]), follow=True
    )
    assert "A thank-you can only follow a conversation that was held." in response.text
    assert response.redirect_chain[-1][0] == _detail(conversation)
    assert not Message.objects.exists()
    conversation.refresh_from_db()
    assert conversation.state == State.SCHEDULED


def test_a_second_thank_you_is_refused(alice_client, alice, contact):
    thanked = Conversation.objects.create(owner=alice, contact=contact, state=State.THANKED)
    response = alice_client.post(reverse("conversations:thank_you", args=[thanked.pk]), follow=True)
    assert "already thanked Ada Lovelace" in response.text
    assert not Message.objects.exists()


def test_the_thank_you_names_only_a_takeaway_of_this_conversation(alice_client, alice, held):
    other = Conversation.objects.create(owner=alice, contact=held.contact, state=State.HELD)
    elsewhere = service.takeaway_add(owner=alice, conversation=other, kind="gap", text="x")
    url = reverse("conversations:thank_you", args=[held.pk])
    assert alice_client.post(url, {"takeaway": elsewhere.pk}).status_code == 404
    assert alice_client.post(url, {"takeaway": "abc"}).status_code == 404
    assert not Message.objects.exists()


def test_the_thank_you_goes_on_linkedin_for_a_contact_without_email(
    alice_client, held, contact, gap
):
    contact.email = ""
    contact.save()
    alice_client.post(reverse("conversations:thank_you", args=[held.pk]), {"takeaway": gap.pk})
    message = Message.objects.get()
    assert (message.kind, message.channel, message.subject) == ("thank_you", "linkedin", "")
    assert "Learn SQL" in message.body and len(message.body) <= 300


# Another user


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("notes", "get"),
        ("notes", "post"),
        ("takeaway_add", "post"),
        ("thank_you", "post"),
        ("takeaway_status", "post"),
        ("takeaway_delete", "post"),
    ],
)
def test_bob_gets_404(client, bob, held, gap, name, method):
    client.force_login(bob)
    pk = gap.pk if name.startswith("takeaway_") and name != "takeaway_add" else held.pk
    data = {"notes": "bob", "kind": "gap", "text": "bob", "status": "done", "takeaway": gap.pk}
    response = getattr(client, method)(reverse(f"conversations:{name}", args=[pk]), data)
    assert response.status_code == 404
    held.refresh_from_db()
    gap.refresh_from_db()
    assert held.notes == "" and gap.status == "open"
    assert Takeaway.objects.count() == 1 and not Message.objects.exists()


def test_the_thank_you_says_when_you_talked_in_words(alice_client, held):
    from datetime import timedelta

    from django.utils import timezone

    assert "(you talked just now)" in alice_client.get(_detail(held)).text
    Conversation.objects.filter(pk=held.pk).update(held_at=timezone.now() - timedelta(hours=3))
    page = alice_client.get(_detail(held)).text
    assert "(you talked 3\xa0hours ago)" in page and "0\xa0minutes" not in page
    # One unit reads as speech: "1 day ago", not "1 day, 1 hour ago".
    Conversation.objects.filter(pk=held.pk).update(held_at=timezone.now() - timedelta(hours=25))
    page = alice_client.get(_detail(held)).text
    assert "(you talked 1\xa0day ago)" in page
