from coffeechat.contacts import selectors, services
from coffeechat.contacts.models import Source
from coffeechat.conversations.models import Conversation, State


def _names(contacts):
    return [c.name for c in contacts]


def test_it_searches_name_organisation_and_title(alice, contact):
    services.contact_create(owner=alice, name="Bea Smith", title="Engine designer")
    services.contact_create(owner=alice, name="Cy Jones", organization_name="Loom Works")
    assert _names(selectors.contact_list(owner=alice, query="lovelace")) == ["Ada Lovelace"]
    assert _names(selectors.contact_list(owner=alice, query="analytical")) == ["Ada Lovelace"]
    assert _names(selectors.contact_list(owner=alice, query="engine")) == [
        "Ada Lovelace",
        "Bea Smith",
    ]
    assert _names(selectors.contact_list(owner=alice, query="loom cy")) == ["Cy Jones"]


def test_it_filters_by_source_and_tag(alice, contact):
    other = services.contact_create(
        owner=alice, name="Bea", source=Source.LINKEDIN, tags=["Design"]
    )
    assert _names(selectors.contact_list(owner=alice, source="alumni")) == [contact.name]
    assert _names(selectors.contact_list(owner=alice, tag="design")) == [other.name]


def test_it_derives_the_stage_from_the_latest_conversation(alice, contact):
    bea = services.contact_create(owner=alice, name="Bea")
    assert selectors.contact_get(owner=alice, pk=contact.pk).stage == "prospect"
    Conversation.objects.create(owner=alice, contact=contact, state=State.DECLINED)
    Conversation.objects.create(owner=alice, contact=contact, state=State.SCHEDULED)
    Conversation.objects.create(owner=alice, contact=bea, state=State.PLANNED)
    assert selectors.contact_get(owner=alice, pk=contact.pk).stage == "scheduled"
    assert _names(selectors.contact_list(owner=alice, stage="scheduled")) == ["Ada Lovelace"]
    assert _names(selectors.contact_list(owner=alice, stage="prospect")) == ["Bea"]


def test_it_sorts(alice, contact):
    services.contact_create(owner=alice, name="Zed", priority=1)
    assert _names(selectors.contact_list(owner=alice, sort="-name")) == ["Zed", "Ada Lovelace"]
    assert _names(selectors.contact_list(owner=alice, sort="priority")) == ["Zed", "Ada Lovelace"]
    assert _names(selectors.contact_list(owner=alice, sort="nonsense")) == ["Ada Lovelace", "Zed"]


def test_it_shows_nobody_elses_contacts(bob, contact):
    assert list(selectors.contact_list(owner=bob)) == []
    assert list(selectors.organization_list(owner=bob)) == []


def test_it_lists_the_timeline_oldest_first(alice, contact, conversation):
    from django.utils import timezone

    from coffeechat.outreach.models import Message

    message = Message.objects.create(
        owner=alice, contact=contact, kind="request", status="sent", sent_at=timezone.now()
    )
    timeline = selectors.contact_timeline(owner=alice, contact=contact)
    assert [e.obj for e in timeline] == [conversation, message]


def test_search_finds_an_organisation_of_the_owner_only(alice, bob, contact):
    services.contact_create(owner=bob, name="Bob's Person", organization_name="Analytical Works")
    assert _names(selectors.contact_list(owner=alice, query="analytical")) == ["Ada Lovelace"]
    assert _names(selectors.contact_list(owner=bob, query="analytical")) == ["Bob's Person"]


def test_the_organisation_list_counts_each_ones_people(alice, bob, contact):
    services.contact_create(owner=alice, name="Bea", organization_name="Analytical Engines")
    services.contact_create(owner=alice, name="Cy", organization_name="Loom Works")
    services.organization_create(owner=alice, name="Empty Org")
    services.contact_create(owner=bob, name="Dee", organization_name="Analytical Engines")
    found = {o.name: o.people for o in selectors.organization_list(owner=alice)}
    assert found == {"Analytical Engines": 2, "Empty Org": 0, "Loom Works": 1}


def test_whether_someone_has_anyone_in_their_list_is_one_query_of_their_own(
    alice, bob, django_assert_num_queries
):
    services.contact_create(owner=bob, name="Bea Smith")
    with django_assert_num_queries(1) as captured:
        assert selectors.has_contacts(owner=alice) is False
    # Read in the order of the index of names, which begins with the owner.
    assert 'ORDER BY "contacts_contact"."name"' in captured.captured_queries[0]["sql"]
    services.contact_create(owner=alice, name="Ada Lovelace")
    assert selectors.has_contacts(owner=alice) is True
