import pytest
from django.core.exceptions import ValidationError

from coffeechat.contacts.models import Contact, Organization, Source
from coffeechat.contacts.selectors import contact_list
from coffeechat.contacts.services import contact_create
from coffeechat.conversations import takeaways as service
from coffeechat.conversations.models import Conversation, State, Takeaway, TakeawayKind
from coffeechat.conversations.services import conversation_transition


@pytest.fixture
def held(alice, conversation):
    conversation_transition(owner=alice, conversation=conversation, to=State.SCHEDULED)
    return conversation_transition(owner=alice, conversation=conversation, to=State.HELD)


@pytest.fixture
def bobs_conversation(bob):
    person = contact_create(owner=bob, name="Bob's Friend")
    conversation = Conversation.objects.create(owner=bob, contact=person)
    conversation_transition(owner=bob, conversation=conversation, to=State.SCHEDULED)
    return conversation_transition(owner=bob, conversation=conversation, to=State.HELD)


# Notes and reflection


def test_it_saves_notes_and_the_reflection(alice, held):
    service.conversation_notes_update(
        owner=alice,
        conversation=held,
        notes="  She started in **support**.\r\n- then product  ",
        reflection_fit="Fits: I like talking to users.",
        reflection_next="Ask about the apprenticeship.",
        clarity=4,
    )
    held.refresh_from_db()
    assert held.notes == "She started in **support**.\n- then product"
    assert held.reflection_fit == "Fits: I like talking to users."
    assert held.reflection_next == "Ask about the apprenticeship."
    assert held.clarity == 4


def test_it_leaves_what_is_not_given_and_clears_clarity_with_none(alice, held):
    service.conversation_notes_update(owner=alice, conversation=held, notes="First", clarity=3)
    service.conversation_notes_update(owner=alice, conversation=held, reflection_fit="Later")
    held.refresh_from_db()
    assert (held.notes, held.reflection_fit, held.clarity) == ("First", "Later", 3)
    service.conversation_notes_update(owner=alice, conversation=held, clarity=None)
    held.refresh_from_db()
    assert held.clarity is None and held.notes == "First"


@pytest.mark.parametrize("clarity", [0, 6, -1, "3", True, 2.5])
def test_it_refuses_a_clarity_outside_one_to_five(alice, held, clarity):
    with pytest.raises(ValidationError) as caught:
        service.conversation_notes_update(
            owner=alice, conversation=held, notes="kept?", clarity=clarity
        )
    assert "1 to 5" in str(caught.value.message_dict["clarity"])
    held.refresh_from_db()
    assert held.notes == "" and held.clarity is None


def test_it_refuses_notes_that_are_too_long(alice, held):
    with pytest.raises(ValidationError) as caught:
        service.conversation_notes_update(
            owner=alice, conversation=held, notes="x" * (service.MAX_NOTES_CHARS + 1)
        )
    assert "notes" in caught.value.message_dict


@pytest.mark.parametrize(
    "state", [State.SCHEDULED, State.HELD, State.THANKED, State.NO_SHOW], ids=str
)
def test_it_takes_notes_once_the_conversation_is_booked(alice, contact, state):
    conversation = Conversation.objects.create(owner=alice, contact=contact, state=state)
    service.conversation_notes_update(owner=alice, conversation=conversation, notes="Noted")
    service.takeaway_add(owner=alice, conversation=conversation, kind="insight", text="Noted")
    conversation.refresh_from_db()
    assert conversation.notes == "Noted"


@pytest.mark.parametrize(
    "state",
    [State.PLANNED, State.REQUESTED, State.DECLINED, State.NO_REPLY, State.CANCELLED],
    ids=str,
)
def test_it_refuses_notes_before_the_conversation_is_booked(alice, contact, state):
    conversation = Conversation.objects.create(owner=alice, contact=contact, state=state)
    with pytest.raises(ValidationError) as caught:
        service.conversation_notes_update(owner=alice, conversation=conversation, notes="Too soon")
    assert "booked or has taken place" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        service.takeaway_add(owner=alice, conversation=conversation, kind="insight", text="No")
    conversation.refresh_from_db()
    assert conversation.notes == "" and not Takeaway.objects.exists()


def test_it_refuses_notes_on_another_users_conversation(alice, bobs_conversation):
    with pytest.raises(PermissionError):
        service.conversation_notes_update(owner=alice, conversation=bobs_conversation, notes="x")
    bobs_conversation.refresh_from_db()
    assert bobs_conversation.notes == ""


# Takeaways


@pytest.mark.parametrize("kind", TakeawayKind.values)
def test_it_records_each_kind_of_takeaway(alice, held, kind):
    takeaway = service.takeaway_add(
        owner=alice,
        conversation=held,
        kind=kind,
        text="  Write to the design guild  ",
        referral_name="Grace Hopper",
    )
    assert takeaway.kind == kind and takeaway.text == "Write to the design guild"
    assert takeaway.status == "open" and takeaway.done_at is None
    assert takeaway.owner == alice and takeaway.conversation == held
    assert (takeaway.referral_contact is not None) == (kind == TakeawayKind.REFERRAL)


def test_it_ignores_the_referral_fields_for_other_kinds(alice, held):
    service.takeaway_add(
        owner=alice, conversation=held, kind="advice", text="Be patient", referral_name="Grace"
    )
    assert Contact.objects.count() == 1


def test_it_needs_the_text(alice, held):
    with pytest.raises(ValidationError) as caught:
        service.takeaway_add(owner=alice, conversation=held, kind="insight", text="   ")
    assert "Write the takeaway" in caught.value.message_dict["text"][0]
    assert not Takeaway.objects.exists()


def test_it_refuses_a_takeaway_longer_than_2000_characters(alice, held):
    service.takeaway_add(owner=alice, conversation=held, kind="insight", text="x" * 2000)
    with pytest.raises(ValidationError) as caught:
        service.takeaway_add(owner=alice, conversation=held, kind="insight", text="x" * 2001)
    assert "2,000 characters" in caught.value.message_dict["text"][0]
    assert Takeaway.objects.count() == 1


def test_it_refuses_an_unknown_kind(alice, held):
    with pytest.raises(ValidationError) as caught:
        service.takeaway_add(owner=alice, conversation=held, kind="gossip", text="x")
    assert "kind" in caught.value.message_dict


def test_it_refuses_a_takeaway_on_another_users_conversation(alice, bobs_conversation):
    with pytest.raises(PermissionError):
        service.takeaway_add(
            owner=alice,
            conversation=bobs_conversation,
            kind="referral",
            text="Talk to Grace",
            referral_name="Grace Hopper",
            referral_email="grace@example.com",
        )
    assert not Takeaway.objects.exists()
    assert not Contact.objects.filter(name="Grace Hopper").exists()


# Referrals


def test_a_referral_creates_a_prospect_referred_by_the_person_talked_to(alice, held, contact):
    takeaway = service.takeaway_add(
        owner=alice,
        conversation=held,
        kind="referral",
        text="",
        referral_name="Grace Hopper",
        referral_email="Grace@Example.com",
        referral_organization="Naval Research Lab",
        referral_title="Rear Admiral",
        may_use_name=True,
    )
    grace = takeaway.referral_contact
    assert grace.name == "Grace Hopper" and grace.first_name == "Grace"
    assert grace.email == "grace@example.com"
    assert grace.title == "Rear Admiral"
    assert grace.organization == Organization.objects.get(name="Naval Research Lab")
    assert grace.source == Source.REFERRAL
    assert grace.referred_by == contact
    assert grace.may_use_referrer_name is True
    assert grace.connection_note == "Referred by Ada Lovelace."
    assert takeaway.may_use_name is True
    assert takeaway.text == "Talk to Grace Hopper"
    listed = contact_list(owner=alice).get(pk=grace.pk)
    assert listed.stage == "prospect"
    assert not grace.conversations.exists()


def test_a_referral_links_an_existing_organisation(alice, held, organization):
    takeaway = service.takeaway_add(
        owner=alice,
        conversation=held,
        kind="referral",
        text="Her colleague",
        referral_name="Charles Babbage",
        referral_organization="analytical engines",
    )
    assert takeaway.referral_contact.organization == organization
    assert Organization.objects.count() == 1


def test_a_referral_keeps_may_use_name_off_unless_said(alice, held):
    takeaway = service.takeaway_add(
        owner=alice, conversation=held, kind="referral", text="", referral_name="Grace Hopper"
    )
    assert takeaway.may_use_name is False
    assert takeaway.referral_contact.may_use_referrer_name is False


def test_a_referral_links_an_existing_contact_by_email_instead_of_duplicating(alice, held, contact):
    grace = contact_create(owner=alice, name="Grace B. Hopper", email="grace@example.com")
    takeaway = service.takeaway_add(
        owner=alice,
        conversation=held,
        kind="referral",
        text="Talk to Grace",
        referral_name="Grace Hopper",
        referral_email="GRACE@example.com",
        may_use_name=True,
    )
    assert takeaway.referral_contact == grace
    assert Contact.objects.filter(owner=alice).count() == 2
    grace.refresh_from_db()
    assert grace.name == "Grace B. Hopper"
    assert grace.referred_by == contact and grace.may_use_referrer_name is True
    assert takeaway.may_use_name is True


def test_a_referral_keeps_an_existing_referrer(alice, held):
    first = contact_create(owner=alice, name="Sam Okafor")
    grace = contact_create(
        owner=alice, name="Grace Hopper", email="grace@example.com", referred_by=first
    )
    takeaway = service.takeaway_add(
        owner=alice,
        conversation=held,
        kind="referral",
        text="",
        referral_email="grace@example.com",
    )
    grace.refresh_from_db()
    assert takeaway.referral_contact == grace and grace.referred_by == first


def test_the_same_referral_noted_twice_without_an_email_is_one_contact(alice, held):
    first = service.takeaway_add(
        owner=alice, conversation=held, kind="referral", text="", referral_name="Tomás Silva"
    )
    again = service.takeaway_add(
        owner=alice, conversation=held, kind="referral", text="", referral_name=" tomás  silva"
    )
    assert again.referral_contact == first.referral_contact
    assert Contact.objects.filter(name__icontains="Silva").count() == 1


def test_a_namesake_referred_by_someone_else_is_another_contact(alice, held):
    contact_create(owner=alice, name="Tomás Silva")
    takeaway = service.takeaway_add(
        owner=alice, conversation=held, kind="referral", text="", referral_name="Tomás Silva"
    )
    assert takeaway.referral_contact.referred_by == held.contact
    assert Contact.objects.filter(name="Tomás Silva").count() == 2


def test_a_referral_does_not_link_another_users_contact(alice, bob, held):
    contact_create(owner=bob, name="Bob's Grace", email="grace@example.com")
    takeaway = service.takeaway_add(
        owner=alice,
        conversation=held,
        kind="referral",
        text="",
        referral_name="Grace Hopper",
        referral_email="grace@example.com",
    )
    assert takeaway.referral_contact.owner == alice
    assert takeaway.referral_contact.name == "Grace Hopper"


def test_a_referral_needs_a_name_or_a_known_email(alice, held):
    with pytest.raises(ValidationError) as caught:
        service.takeaway_add(
            owner=alice,
            conversation=held,
            kind="referral",
            text="Someone",
            referral_email="nobody@example.com",
        )
    assert "referral_name" in caught.value.message_dict
    assert Contact.objects.count() == 1 and not Takeaway.objects.exists()


def test_a_referral_refuses_a_bad_email_and_writes_nothing(alice, held):
    with pytest.raises(ValidationError) as caught:
        service.takeaway_add(
            owner=alice,
            conversation=held,
            kind="referral",
            text="",
            referral_name="Grace Hopper",
            referral_email="not an address",
        )
    assert "not a valid e-mail" in caught.value.message_dict["referral_email"][0]
    assert Contact.objects.count() == 1 and not Takeaway.objects.exists()


def test_a_referral_cannot_be_the_person_talked_to(alice, held, contact):
    with pytest.raises(ValidationError) as caught:
        service.takeaway_add(
            owner=alice,
            conversation=held,
            kind="referral",
            text="",
            referral_email=contact.email,
        )
    assert "own address" in caught.value.message_dict["referral_email"][0]


# Status and deletion


@pytest.mark.parametrize("kind", ["gap", "resource", "opportunity"])
def test_it_ticks_an_action_off_and_reopens_it(alice, held, kind):
    takeaway = service.takeaway_add(owner=alice, conversation=held, kind=kind, text="Learn SQL")
    service.takeaway_set_status(owner=alice, takeaway=takeaway, status="done")
    takeaway.refresh_from_db()
    assert takeaway.status == "done" and takeaway.done_at is not None
    service.takeaway_set_status(owner=alice, takeaway=takeaway, status="open")
    takeaway.refresh_from_db()
    assert takeaway.status == "open" and takeaway.done_at is None
    service.takeaway_set_status(owner=alice, takeaway=takeaway, status="dropped")
    takeaway.refresh_from_db()
    assert takeaway.status == "dropped" and takeaway.done_at is None


@pytest.mark.parametrize("kind", ["insight", "advice"])
def test_it_does_not_tick_off_what_is_not_an_action(alice, held, kind):
    takeaway = service.takeaway_add(owner=alice, conversation=held, kind=kind, text="Be curious")
    with pytest.raises(ValidationError) as caught:
        service.takeaway_set_status(owner=alice, takeaway=takeaway, status="done")
    assert "status" in caught.value.message_dict
    takeaway.refresh_from_db()
    assert takeaway.status == "open"


def test_it_refuses_an_unknown_status(alice, held):
    takeaway = service.takeaway_add(owner=alice, conversation=held, kind="gap", text="SQL")
    with pytest.raises(ValidationError):
        service.takeaway_set_status(owner=alice, takeaway=takeaway, status="someday")


def test_it_refuses_changing_another_users_takeaway(bob, held, alice):
    takeaway = service.takeaway_add(owner=alice, conversation=held, kind="gap", text="SQL")
    with pytest.raises(PermissionError):
        service.takeaway_set_status(owner=bob, takeaway=takeaway, status="done")
    with pytest.raises(PermissionError):
        service.takeaway_delete(owner=bob, takeaway=takeaway)
    takeaway.refresh_from_db()
    assert takeaway.status == "open"


def test_deleting_a_referral_keeps_the_person(alice, held):
    takeaway = service.takeaway_add(
        owner=alice, conversation=held, kind="referral", text="", referral_name="Grace Hopper"
    )
    service.takeaway_delete(owner=alice, takeaway=takeaway)
    assert not Takeaway.objects.exists()
    assert Contact.objects.filter(name="Grace Hopper").exists()


# Selectors


def test_the_lists_show_open_first_then_newest_first(alice, held, bobs_conversation, bob):
    old = service.takeaway_add(owner=alice, conversation=held, kind="gap", text="Old gap")
    done = service.takeaway_add(owner=alice, conversation=held, kind="gap", text="Done gap")
    dropped = service.takeaway_add(owner=alice, conversation=held, kind="gap", text="Dropped")
    new = service.takeaway_add(owner=alice, conversation=held, kind="gap", text="New gap")
    service.takeaway_set_status(owner=alice, takeaway=done, status="done")
    service.takeaway_set_status(owner=alice, takeaway=dropped, status="dropped")
    service.takeaway_add(owner=alice, conversation=held, kind="resource", text="A book")
    service.takeaway_add(owner=bob, conversation=bobs_conversation, kind="gap", text="Bob's")
    assert list(service.development_plan(owner=alice)) == [new, old, done, dropped]


def test_each_list_holds_its_own_kind(alice, held):
    for kind in TakeawayKind.values:
        service.takeaway_add(
            owner=alice, conversation=held, kind=kind, text=kind, referral_name="Grace Hopper"
        )
    assert [t.text for t in service.development_plan(owner=alice)] == ["gap"]
    assert [t.text for t in service.reading_list(owner=alice)] == ["resource"]
    assert [t.text for t in service.leads(owner=alice)] == ["opportunity"]
    assert service.takeaway_list(owner=alice).count() == 6
    some = service.takeaway_list(owner=alice, kinds=["insight", "advice"], statuses=["open"])
    assert sorted(t.text for t in some) == ["advice", "insight"]


def test_the_lists_fetch_conversation_and_contact_in_one_query(
    alice, held, django_assert_num_queries
):
    for text in ("A", "B", "C"):
        service.takeaway_add(owner=alice, conversation=held, kind="gap", text=text)
    with django_assert_num_queries(1):
        names = [t.conversation.contact.name for t in service.development_plan(owner=alice)]
    assert names == ["Ada Lovelace"] * 3
