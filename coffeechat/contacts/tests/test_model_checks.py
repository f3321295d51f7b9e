"""Bad values are refused by the services, whichever door they came in by."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from coffeechat.contacts.models import Contact, Organization, Tag
from coffeechat.contacts.services import (
    contact_create,
    contact_set_tags,
    contact_update,
    organization_create,
    organization_update,
)
from coffeechat.lib.validation import TEXT_LIMIT

BAD = [
    pytest.param({"name": "Ada\x00Lovelace"}, "name", id="nul-in-name"),
    pytest.param({"name": "Ada\r\nLovelace"}, "name", id="crlf-in-name"),
    pytest.param({"name": "Ada\u2028Lovelace"}, "name", id="line-separator-in-name"),
    pytest.param({"name": "Ada \udcff"}, "name", id="lone-surrogate-in-name"),
    pytest.param({"name": "A" * 201}, "name", id="long-name"),
    pytest.param({"title": "Analyst\nand spy"}, "title", id="lf-in-title"),
    pytest.param({"research_notes": "x" * (TEXT_LIMIT + 1)}, "research_notes", id="long-notes"),
    pytest.param({"research_notes": "a\x00b"}, "research_notes", id="nul-in-notes"),
    pytest.param({"their_work": "\x1b[31mred"}, "their_work", id="escape-in-text"),
    pytest.param({"connected_on": date(9999, 1, 1)}, "connected_on", id="year-9999"),
    pytest.param({"connected_on": date(1, 1, 1)}, "connected_on", id="year-0001"),
    pytest.param({"time_zone": "Mars/Olympus_Mons"}, "time_zone", id="unknown-zone"),
    pytest.param({"time_zone": "Europe/London\x00"}, "time_zone", id="nul-in-zone"),
    pytest.param({"other_emails": ["ada@example.com\x00"]}, "other_emails", id="nul-in-email"),
    pytest.param({"phone": "+44\x0020"}, "phone", id="nul-in-phone"),
]


@pytest.mark.parametrize(("values", "field"), BAD)
def test_it_refuses_a_bad_value_when_adding_a_contact(alice, values, field):
    fields = {"name": "Ada Lovelace", **values}
    with pytest.raises(ValidationError) as refusal:
        contact_create(owner=alice, **fields)
    assert field in refusal.value.message_dict
    assert not Contact.objects.exists()


@pytest.mark.parametrize(("values", "field"), BAD)
def test_it_refuses_a_bad_value_when_changing_a_contact(alice, contact, values, field):
    with pytest.raises(ValidationError) as refusal:
        contact_update(owner=alice, contact=contact, **values)
    assert field in refusal.value.message_dict
    contact.refresh_from_db()
    assert (contact.name, contact.title, contact.time_zone) == ("Ada Lovelace", "Analyst", "")


def test_it_keeps_tabs_and_spaces_out_of_names_but_takes_them(alice):
    ada = contact_create(owner=alice, name="  Ada\t Lovelace ", time_zone=" Europe/London ")
    assert (ada.name, ada.time_zone) == ("Ada Lovelace", "Europe/London")


def test_it_refuses_a_bad_organisation_name_by_the_option_it_came_from(alice):
    with pytest.raises(ValidationError) as refusal:
        contact_create(owner=alice, name="Ada", organization_name="Analytical\nEngines")
    assert "organization_name" in refusal.value.message_dict
    assert not Organization.objects.exists() and not Contact.objects.exists()


@pytest.mark.parametrize("name", ["Engines\x00", "Analytical\r\nEngines", "E" * 201])
def test_it_refuses_a_bad_organisation(alice, organization, name):
    with pytest.raises(ValidationError) as refusal:
        organization_create(owner=alice, name=name)
    assert "name" in refusal.value.message_dict
    with pytest.raises(ValidationError):
        organization_update(owner=alice, organization=organization, name=name)
    organization.refresh_from_db()
    assert organization.name == "Analytical Engines"


def test_it_refuses_a_bad_research_note_on_an_organisation(alice, organization):
    with pytest.raises(ValidationError) as refusal:
        organization_update(owner=alice, organization=organization, research_notes="\x00")
    assert "research_notes" in refusal.value.message_dict


@pytest.mark.parametrize("tag", ["mentor\x00", "men\ntor"])
def test_it_refuses_a_bad_tag(alice, contact, tag):
    with pytest.raises(ValidationError) as refusal:
        contact_set_tags(owner=alice, contact=contact, names=["ok", tag])
    assert "tags" in refusal.value.message_dict
    assert not Tag.objects.exists()
