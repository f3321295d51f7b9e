"""The contact form's small choices: how you know them, and which organisation."""

import re

import pytest
from django.urls import reverse

from coffeechat.contacts.models import Contact, Organization, Source
from coffeechat.contacts.organization_names import (
    ORGANIZATION_SUGGESTIONS,
    organization_names,
    organization_similar,
)
from coffeechat.lib.text import organization_key

pytestmark = pytest.mark.django_db
NEW = reverse("contacts:contact_create")


def _selected_source(page: str) -> str:
    select = re.search(r'<select name="source".*?</select>', page, re.S)
    assert select is not None
    chosen = re.search(r'<option value="(\w+)" selected>', select.group(0))
    assert chosen is not None
    return chosen.group(1)


def _person(**fields) -> dict:
    return {"name": "Bea Smith", "source": "alumni", "priority": 2, **fields}


# How you know them


def test_a_new_person_is_not_taken_for_a_friend_unless_the_user_says_so(alice_client):
    page = alice_client.get(NEW).text
    assert _selected_source(page) == Source.COLD != Source.FRIEND_FAMILY
    # The same start as the model, the importers and the command line give.
    assert Contact._meta.get_field("source").default == Source.COLD


def test_editing_keeps_how_you_know_them(alice_client, contact):
    page = alice_client.get(reverse("contacts:contact_edit", args=[contact.pk])).text
    assert _selected_source(page) == Source.ALUMNI


def test_a_source_chosen_is_saved(alice, alice_client):
    alice_client.post(NEW, _person(source="friend_family"))
    assert Contact.objects.get(owner=alice).source == Source.FRIEND_FAMILY


# Organisation suggestions


def test_the_organisation_field_suggests_the_owners_organisations(
    alice, bob, alice_client, organization
):
    Organization.objects.create(owner=bob, name="Bob's Secret Employer")
    page = alice_client.get(NEW).text
    assert 'list="organization-names"' in page
    datalist = re.search(r'<datalist id="organization-names">.*?</datalist>', page, re.S).group(0)
    assert '<option value="Analytical Engines">' in datalist
    assert "Secret" not in page


def test_suggestions_are_capped(alice):
    Organization.objects.bulk_create(
        Organization(owner=alice, name=f"Org {n:04d}") for n in range(ORGANIZATION_SUGGESTIONS + 5)
    )
    names = organization_names(owner=alice)
    assert len(names) == ORGANIZATION_SUGGESTIONS and names[0] == "Org 0000"


# "Did you mean Brightwell Health?"


@pytest.fixture
def brightwell(alice):
    return Organization.objects.create(owner=alice, name="Brightwell Health")


@pytest.mark.parametrize(
    "typed", ["Brightwell Health Ltd", "brightwell health limited", "Brightwell-Health, Inc."]
)
def test_a_name_like_an_organisation_kept_means_that_one(alice, brightwell, typed):
    assert organization_similar(owner=alice, name=typed) == brightwell


@pytest.mark.parametrize("typed", ["Brightwell Health", "Brightwell", "Brightwell Care Ltd", "Ltd"])
def test_an_exact_or_different_name_is_not_questioned(alice, brightwell, typed):
    assert organization_similar(owner=alice, name=typed) is None


def test_another_users_organisation_is_never_suggested(bob, brightwell):
    assert organization_similar(owner=bob, name="Brightwell Health Ltd") is None


def test_the_legal_form_is_left_out_of_the_key():
    assert organization_key("Brightwell Health Ltd.") == "brightwell health"
    assert organization_key("Co") == "co"  # a name that is only a legal form stays a name


def test_typing_a_near_name_asks_before_making_a_second_organisation(
    alice, alice_client, brightwell
):
    response = alice_client.post(NEW, _person(organization_name="Brightwell Health Ltd"))
    assert response.status_code == 200
    assert "Did you mean Brightwell Health?" in response.text
    assert (
        'name="organization_choice" value="existing" class="secondary small">Use Brightwell Health<'
        in response.text
    )
    assert not Contact.objects.exists()
    assert Organization.objects.filter(owner=alice).count() == 1


def test_choosing_the_existing_organisation_uses_it(alice, alice_client, brightwell):
    response = alice_client.post(
        NEW, _person(organization_name="Brightwell Health Ltd", organization_choice="existing")
    )
    assert response.status_code == 302
    assert Contact.objects.get(owner=alice).organization == brightwell
    assert Organization.objects.filter(owner=alice).count() == 1


def test_choosing_a_new_organisation_makes_it(alice, alice_client, brightwell):
    response = alice_client.post(
        NEW, _person(organization_name="Brightwell Health Ltd", organization_choice="new")
    )
    assert response.status_code == 302
    assert Contact.objects.get(owner=alice).organization.name == "Brightwell Health Ltd"
    assert Organization.objects.filter(owner=alice).count() == 2


def test_editing_asks_too(alice, alice_client, contact, brightwell):
    url = reverse("contacts:contact_edit", args=[contact.pk])
    response = alice_client.post(
        url, _person(name=contact.name, organization_name="BRIGHTWELL HEALTH LLC")
    )
    assert "Did you mean Brightwell Health?" in response.text
    contact.refresh_from_db()
    assert contact.organization.name == "Analytical Engines"
