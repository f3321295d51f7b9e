"""The one way services change a saved row: validate, save the named fields, say if it changed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from coffeechat.contacts.models import Contact, Organization
from coffeechat.contacts.services import contact_update, organization_update
from coffeechat.lib.model_checks import update_row

ALLOWED = ("name", "industry", "website")


@pytest.fixture
def organization(alice):
    return Organization.objects.create(owner=alice, name="Brightwell", industry="Health")


def _age(row) -> None:
    """Moves the row's updated_at into the past, so a save is seen to change it."""
    past = row.updated_at - timedelta(days=1)
    type(row).objects.filter(pk=row.pk).update(updated_at=past)
    row.refresh_from_db()


def test_it_saves_the_changed_fields_and_says_so(organization):
    _age(organization)
    before = organization.updated_at

    assert update_row(organization, {"industry": "Public health"}, allowed=ALLOWED) is True

    stored = Organization.objects.get(pk=organization.pk)
    assert (stored.name, stored.industry) == ("Brightwell", "Public health")
    assert organization.industry == "Public health"
    assert stored.updated_at > before


def test_it_writes_nothing_when_nothing_changes(organization):
    _age(organization)
    before = organization.updated_at

    assert update_row(organization, {"industry": "Health"}, allowed=ALLOWED) is False

    assert Organization.objects.get(pk=organization.pk).updated_at == before


def test_it_leaves_other_fields_as_another_writer_left_them(organization):
    Organization.objects.filter(pk=organization.pk).update(website="https://brightwell.example")

    update_row(organization, {"industry": "Care"}, allowed=ALLOWED)

    stored = Organization.objects.get(pk=organization.pk)
    assert (stored.industry, stored.website) == ("Care", "https://brightwell.example")


def test_a_refused_change_leaves_the_row_and_the_database_as_they_were(organization):
    with pytest.raises(ValidationError) as caught:
        update_row(organization, {"industry": "x" * 201}, allowed=ALLOWED)

    assert "industry" in caught.value.message_dict
    assert organization.industry == "Health"
    assert Organization.objects.get(pk=organization.pk).industry == "Health"


def test_a_field_not_allowed_is_a_programming_error(organization):
    with pytest.raises(TypeError, match="owner"):
        update_row(organization, {"owner": None}, allowed=ALLOWED)


def test_a_check_may_tidy_and_derive_and_what_it_derives_is_saved(alice):
    contact = Contact.objects.create(
        owner=alice, name="Ada Lovelace", first_name="Ada", last_name="Lovelace"
    )

    contact_update(owner=alice, contact=contact, name="  Grace   Hopper ")

    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.name, stored.first_name, stored.last_name) == ("Grace Hopper", "Grace", "Hopper")


def test_services_share_the_semantics(alice, organization):
    with pytest.raises(ValidationError):
        organization_update(owner=alice, organization=organization, website="not a link")
    assert organization.website == ""
    assert Organization.objects.get(pk=organization.pk).website == ""
