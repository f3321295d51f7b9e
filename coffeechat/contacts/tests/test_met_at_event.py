"""Where and when you met someone: typed on the person's form, shown on their page."""

from datetime import date

from django.urls import reverse

from coffeechat.contacts.models import Contact, Source
from coffeechat.contacts.services import contact_create


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
