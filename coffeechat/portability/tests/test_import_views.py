import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coffeechat.contacts.models import Contact
from coffeechat.contacts.services import contact_create
from coffeechat.portability import views

FILES = Path(__file__).parent / "files"
URL = "/portability/import/"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (FILES / name).read_bytes())


def preview(client, kind: str, name: str, content: bytes | None = None):
    return client.post(URL, {"action": "preview", "kind": kind, "file": upload(name, content)})


def token_of(response) -> str:
    return response.context["token"]


def test_it_is_mounted_where_the_navigation_expects_it():
    assert reverse("portability:import") == URL


def test_it_shows_the_form(alice_client):
    response = alice_client.get(URL)
    assert response.status_code == 200
    assert "Import your network" in response.text
    assert 'enctype="multipart/form-data"' in response.text
    assert "Connections.csv" in response.text


def test_it_previews_then_imports_on_confirmation(alice, alice_client):
    contact_create(owner=alice, name="Ada King", email="ada@engines.example")
    response = preview(alice_client, "google", "google-contacts.csv")
    assert response.status_code == 200
    assert not Contact.objects.filter(owner=alice, name="Tiny").exists()
    summary = response.context["summary"]
    assert (summary.new, summary.merged, summary.skipped) == (3, 1, 0)
    assert "merged into Ada King" in response.text
    assert "José María Núñez Jr." in response.text

    response = alice_client.post(URL, {"action": "confirm", "token": token_of(response)})
    assert response.status_code == 302 and response.url == reverse("portability:imports")
    assert Contact.objects.owned_by(alice).count() == 4
    page = alice_client.get(response.url)
    assert "Imported google-contacts.csv: 3 new, 1 merged, 0 skipped." in page.text
    assert views.SESSION_KEY not in alice_client.session


def test_it_lists_every_person_to_choose_from(alice_client):
    rows = "".join(f"P{i},Person,,,Org,Analyst,12 Mar 2024\n" for i in range(30))
    content = (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" + rows
    ).encode()
    response = preview(alice_client, "linkedin", "Connections.csv", content)
    assert "30 people to import" in response.text
    assert "P0 Person" in response.text and "P29 Person" in response.text
    assert response.text.count('name="row"') == 30


def test_it_explains_a_bad_file_and_imports_nothing(alice, alice_client):
    response = preview(alice_client, "linkedin", "Messages.csv")
    assert response.status_code == 200
    assert "Messages.csv, line 1: this is not LinkedIn&#x27;s Connections.csv" in response.text
    assert not Contact.objects.exists()
    assert views.SESSION_KEY not in alice_client.session


def test_it_escapes_what_the_file_says(alice_client):
    content = b"First Name,Last Name,Labels,E-mail 1 - Value\n<script>x</script>,Smith,,\n"
    response = preview(alice_client, "google", "contacts.csv", content)
    assert "<script>x</script>" not in response.text
    assert "&lt;script&gt;x&lt;/script&gt; Smith" in response.text


def test_it_requires_a_file_and_a_known_kind(alice_client):
    response = alice_client.post(URL, {"action": "preview", "kind": "myspace"})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Select a valid choice." in response.text


def test_it_keeps_a_large_file_in_the_data_directory_until_confirmed(
    alice, alice_client, settings, monkeypatch
):
    monkeypatch.setattr(views, "SESSION_LIMIT", 100)
    response = preview(alice_client, "linkedin", "Connections.csv")
    kept = list((Path(settings.HOME) / "imports").glob("*.upload"))
    assert [path.name for path in kept] == [f"{token_of(response)}.upload"]
    assert "data" not in alice_client.session[views.SESSION_KEY]
    alice_client.post(URL, {"action": "confirm", "token": token_of(response)})
    assert Contact.objects.owned_by(alice).count() == 9
    assert not kept[0].exists()


def test_it_keeps_no_more_than_a_small_file_in_the_session(alice_client, settings):
    rows = b"".join(b"Ann,Lee,,,Acme,Analyst,01 Jan 2024\n" for _ in range(3000))
    content = (FILES / "Connections.csv").read_bytes() + rows
    assert len(content) > views.SESSION_LIMIT
    response = preview(alice_client, "linkedin", "Connections.csv", content)
    assert response.status_code == 200
    assert "data" not in alice_client.session[views.SESSION_KEY]
    assert len(str(dict(alice_client.session))) < 1000
    [kept] = (Path(settings.HOME) / "imports").glob("*.upload")
    alice_client.post(URL, {"action": "confirm", "token": token_of(response)})
    assert not kept.exists()


def test_it_deletes_kept_files_after_an_hour(alice_client, settings, monkeypatch):
    monkeypatch.setattr(views, "SESSION_LIMIT", 100)
    response = preview(alice_client, "linkedin", "Connections.csv")
    [kept] = (Path(settings.HOME) / "imports").glob("*.upload")
    hour_ago = time.time() - 3601
    import os

    os.utime(kept, (hour_ago, hour_ago))
    alice_client.get(URL)
    assert not kept.exists()
    response = alice_client.post(URL, {"action": "confirm", "token": token_of(response)})
    assert response.status_code == 302 and response.url == URL
    assert not Contact.objects.exists()


def test_it_refuses_a_confirmation_without_the_previews_token(alice_client):
    preview(alice_client, "linkedin", "Connections.csv")
    response = alice_client.post(URL, {"action": "confirm", "token": "guess"}, follow=True)
    assert "That preview has expired." in response.text
    assert not Contact.objects.exists()


def test_bob_can_neither_confirm_nor_see_alices_import(alice, bob, client):
    client.force_login(alice)
    token = token_of(preview(client, "linkedin", "Connections.csv"))
    client.logout()
    client.force_login(bob)
    response = client.post(URL, {"action": "confirm", "token": token})
    assert response.status_code == 302 and response.url == URL
    assert not Contact.objects.exists()

    client.logout()
    client.force_login(alice)
    preview_again = preview(client, "linkedin", "Connections.csv")
    client.post(URL, {"action": "confirm", "token": token_of(preview_again)})
    assert Contact.objects.owned_by(alice).count() == 9
    client.logout()
    client.force_login(bob)
    people = client.get(reverse("contacts:contact_list"))
    assert "Ada Lovelace" not in people.text
    assert Contact.objects.owned_by(bob).count() == 0


def test_it_refuses_other_methods(alice_client):
    assert alice_client.put(URL).status_code == 405


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_asks_a_stranger_to_log_in(client, method):
    response = getattr(client, method)(URL)
    assert response.status_code == 302 and "/accounts/" in response.url
