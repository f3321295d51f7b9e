"""Where and when you met someone: typed on the person's form, shown on their page."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coffeechat.contacts.models import Contact, Source
from coffeechat.contacts.services import contact_create, contact_update


def _post(client, **fields):
    data = {"name": "Lee Chen", "source": "event", "priority": 2, **fields}
    return client.post(reverse("contacts:contact_create"), data)


def test_the_form_saves_where_and_the_day_you_met(alice, alice_client):
    response = _post(alice_client, met_at="  the Climate Careers   meetup ", met_on="2025-06-10")

    lee = Contact.objects.get(owner=alice, name="Lee Chen")
    assert response.status_code == 302
    assert (lee.source, lee.met_at, lee.met_on) == (
        Source.EVENT,
        "the Climate Careers meetup",
        date(2025, 6, 10),
    )
    page = alice_client.get(lee.get_absolute_url()).text
    assert "at the Climate Careers meetup on Tuesday 10 June 2025" in page
    assert "Met at an event" in page


def test_a_day_out_of_range_or_not_a_day_is_refused_in_one_line(alice_client):
    for bad, message in (("9999-01-01", "Choose a date between"), ("10/06/25x", "valid date")):
        response = _post(alice_client, met_on=bad)
        assert response.status_code == 200
        assert message in response.text
    assert not Contact.objects.exists()


def test_where_you_met_is_one_line_of_limited_size(alice_client):
    for bad in ("the meetup\nand after", "x" * 201):
        response = _post(alice_client, met_at=bad)
        assert response.status_code == 200
    assert not Contact.objects.exists()


def test_the_edit_form_shows_what_was_saved(alice, alice_client):
    lee = contact_create(
        owner=alice,
        name="Lee Chen",
        source=Source.EVENT,
        met_at="the meetup",
        met_on=date(2025, 6, 10),
    )

    page = alice_client.get(reverse("contacts:contact_edit", args=[lee.pk])).text

    assert 'value="the meetup"' in page and 'value="2025-06-10"' in page


# Who could introduce you


def test_the_form_saves_who_could_introduce_you_and_the_page_links_them(alice, alice_client):
    sam = contact_create(owner=alice, name="Sam Okafor")

    response = alice_client.post(
        reverse("contacts:contact_create"),
        {"name": "Priya Raman", "source": "cold", "priority": 2, "introducer": sam.pk},
    )

    priya = Contact.objects.get(owner=alice, name="Priya Raman")
    assert response.status_code == 302 and priya.introducer == sam
    page = alice_client.get(priya.get_absolute_url()).text
    assert "Could introduce you" in page and sam.get_absolute_url() in page
    form = alice_client.get(reverse("contacts:contact_edit", args=[priya.pk])).text
    assert f'<option value="{sam.pk}" selected>Sam Okafor</option>' in form


def test_another_users_contact_or_themselves_cannot_be_the_introducer(alice, bob, alice_client):
    bobs = contact_create(owner=bob, name="Bob's Friend")
    priya = contact_create(owner=alice, name="Priya Raman")
    edit = reverse("contacts:contact_edit", args=[priya.pk])

    for introducer in (bobs.pk, priya.pk):
        response = alice_client.post(
            edit, {"name": "Priya Raman", "source": "cold", "priority": 2, "introducer": introducer}
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.text

    priya.refresh_from_db()
    assert priya.introducer is None
    with pytest.raises(ValidationError, match="cannot introduce you to themselves"):
        contact_update(owner=alice, contact=priya, introducer=priya)
    with pytest.raises(PermissionError):
        contact_update(owner=alice, contact=priya, introducer=bobs)


def test_a_backup_keeps_who_could_introduce_you_and_where_you_met(alice, bob):
    import io
    import json

    from coffeechat.portability.backup import restore_json
    from coffeechat.portability.exporters import export_json

    priya = contact_create(owner=alice, name="Priya Raman", met_at="the meetup")
    # Made after Priya: the restore meets the reference before the person it names.
    sam = contact_create(owner=alice, name="Sam Okafor", met_on=date(2025, 6, 10))
    contact_update(owner=alice, contact=priya, introducer=sam)
    stream = io.BytesIO()
    export_json(owner=alice, stream=stream)

    restore_json(owner=bob, data=json.loads(stream.getvalue()))

    restored = Contact.objects.get(owner=bob, name="Priya Raman")
    assert restored.introducer == Contact.objects.get(owner=bob, name="Sam Okafor")
    assert (restored.met_at, restored.introducer.met_on) == ("the meetup", date(2025, 6, 10))


def test_the_command_line_adds_someone_met_at_an_event(alice):
    from click.testing import CliRunner

    from coffeechat.cli import main

    def run(*args):
        return CliRunner().invoke(main, ["contacts", "add", "Lee Chen", "--source", "event", *args])

    result = run("--met-at", "the Climate Careers meetup", "--met-on", "2025-06-10")
    assert result.exit_code == 0, result.output
    lee = Contact.objects.get(name="Lee Chen")
    assert (lee.met_at, lee.met_on) == ("the Climate Careers meetup", date(2025, 6, 10))

    for bad, message in (("10 June", "--met-on: Enter a valid date."), ("9999-01-01", "--met-on")):
        result = run("--met-on", bad)
        assert result.exit_code == 1
        assert message in result.output and "Traceback" not in result.output
    result = run("--met-at", "x" * 201)
    assert result.exit_code == 1 and "--met-at" in result.output
    assert Contact.objects.count() == 1
