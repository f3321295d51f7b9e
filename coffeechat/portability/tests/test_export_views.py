import csv
import io
import json

import pytest
from django.urls import reverse


def test_it_offers_every_export(alice_client):
    page = alice_client.get(reverse("portability:export"))
    for kind in ("json", "csv", "vcard", "ics"):
        assert reverse("portability:export_download", args=[kind]) in page.text


def test_it_downloads_everything_as_json(alice_client, contact, conversation):
    response = alice_client.get(reverse("portability:export_download", args=["json"]))
    assert response["Content-Disposition"] == 'attachment; filename="coffeechat.json"'
    data = json.loads(response.content)
    assert data["format"] == "coffeechat"
    assert [c["name"] for c in data["contacts"]] == ["Ada Lovelace"]


def test_it_downloads_contacts_as_csv_and_vcard(alice_client, contact):
    text = alice_client.get(reverse("portability:export_download", args=["csv"])).content
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows[0]["name"] == "Ada Lovelace"
    vcard = alice_client.get(reverse("portability:export_download", args=["vcard"])).content
    assert b"FN:Ada Lovelace" in vcard


def test_it_downloads_the_calendar(alice_client):
    response = alice_client.get(reverse("portability:export_download", args=["ics"]))
    assert response.content.startswith(b"BEGIN:VCALENDAR")


def test_it_gives_each_user_only_their_own_data(client, bob, contact):
    client.force_login(bob)
    data = json.loads(client.get(reverse("portability:export_download", args=["json"])).content)
    assert data["contacts"] == []
    assert b"Ada" not in client.get(reverse("portability:export_download", args=["csv"])).content


@pytest.mark.parametrize("kind", ["pdf", "xml"])
def test_it_refuses_an_unknown_kind(alice_client, kind):
    response = alice_client.get(reverse("portability:export_download", args=[kind]))
    assert response.status_code == 404
