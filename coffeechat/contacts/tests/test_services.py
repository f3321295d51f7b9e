import pytest
from django.core.exceptions import ValidationError

from coffeechat.accounts.services import profile_update
from coffeechat.contacts import services
from coffeechat.contacts.models import Contact, Organization, Source


def test_it_creates_a_contact_with_split_name_and_organisation(alice):
    contact = services.contact_create(
        owner=alice,
        name="  Grace   Brewster Hopper ",
        organization_name="US Navy",
        email="Grace@Example.COM",
        linkedin_url="http://linkedin.com/in/grace-hopper/?trk=x",
        source=Source.FORMER_COLLEAGUE,
    )
    assert contact.name == "Grace Brewster Hopper"
    assert (contact.first_name, contact.last_name) == ("Grace", "Brewster Hopper")
    assert contact.email == "grace@example.com"
    assert contact.linkedin_url == "https://www.linkedin.com/in/grace-hopper"
    assert contact.organization.name == "US Navy"
    assert contact.owner == alice


def test_it_reuses_an_organisation_whatever_its_case(alice, organization):
    contact = services.contact_create(
        owner=alice, name="Ann", organization_name="analytical ENGINES"
    )
    assert contact.organization == organization
    assert Organization.objects.owned_by(alice).count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Ann", "email": "not-an-address"}, "email"),
        ({"name": "Ann", "linkedin_url": "javascript:alert(1)"}, "linkedin_url"),
        ({"name": "Ann", "source": "carrier-pigeon"}, "source"),
    ],
)
def test_it_refuses_bad_fields_and_writes_nothing(alice, fields, field):
    with pytest.raises(ValidationError) as caught:
        services.contact_create(owner=alice, **fields)
    assert field in caught.value.message_dict
    assert not Contact.objects.exists()


def test_it_refuses_a_duplicate_email_and_names_the_existing_contact(alice, contact):
    with pytest.raises(services.DuplicateContact) as caught:
        services.contact_create(owner=alice, name="Someone Else", email="ADA@example.com")
    assert caught.value.duplicate.contact == contact
    assert "Ada Lovelace" in caught.value.messages[0]
    assert Contact.objects.count() == 1


def test_it_refuses_a_duplicate_linkedin_url_however_it_is_written(alice):
    services.contact_create(owner=alice, name="Ann", linkedin_url="https://www.linkedin.com/in/ann")
    with pytest.raises(services.DuplicateContact):
        services.contact_create(owner=alice, name="Ann B", linkedin_url="linkedin.com/in/ann/")


def test_it_does_not_call_another_users_contact_a_duplicate(bob, contact):
    mine = services.contact_create(owner=bob, name="Ada Lovelace", email="ada@example.com")
    assert mine.owner == bob


def test_it_does_not_write_the_organisation_when_the_contact_is_refused(alice):
    with pytest.raises(ValidationError):
        services.contact_create(owner=alice, name="Ann", organization_name="New Org", email="bad")
    assert not Organization.objects.exists()


def test_it_resplits_the_name_on_rename(alice, contact):
    services.contact_update(owner=alice, contact=contact, name="Augusta Ada King")
    contact.refresh_from_db()
    assert (contact.first_name, contact.last_name) == ("Augusta", "Ada King")


def test_it_refuses_a_contact_referred_by_themselves(alice, contact):
    with pytest.raises(ValidationError):
        services.contact_update(owner=alice, contact=contact, referred_by=contact)


def test_it_refuses_to_touch_another_users_contact(bob, contact):
    with pytest.raises(PermissionError):
        services.contact_update(owner=bob, contact=contact, title="Hacked")
    with pytest.raises(PermissionError):
        services.contact_delete(owner=bob, contact=contact)
    contact.refresh_from_db()
    assert contact.title == "Analyst"


def test_it_sets_tags_once_whatever_their_case(alice, contact):
    services.contact_set_tags(owner=alice, contact=contact, names=["Design", "design ", "Climate"])
    assert sorted(t.name for t in contact.tags.all()) == ["Climate", "Design"]
    services.contact_set_tags(owner=alice, contact=contact, names=["climate"])
    assert [t.name for t in contact.tags.all()] == ["Climate"]


def test_it_deletes_an_organisation_but_keeps_its_people(alice, contact, organization):
    services.organization_delete(owner=alice, organization=organization)
    contact.refresh_from_db()
    assert contact.organization is None


def test_it_refuses_a_second_organisation_with_the_same_name(alice, organization):
    with pytest.raises(ValidationError) as caught:
        services.organization_create(owner=alice, name="ANALYTICAL engines")
    assert "name" in caught.value.message_dict


def test_it_cautions_about_a_current_coworker(alice, organization):
    assert services.coworker_warning(owner=alice, organization=organization) == ""
    profile_update(owner=alice, current_employer="Analytical  Engines")
    alice.refresh_from_db()
    warning = services.coworker_warning(owner=alice, organization=organization)
    assert "You work at Analytical Engines" in warning
