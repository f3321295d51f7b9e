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


# Choosing whom to import ------------------------------------------------------------------

CHOICE = (
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    b"Ann,Lee,,,Loom,CTO,12 Mar 2024\n"
    b"Bo,Chan,,,Loom,CEO,12 Mar 2024\n"
    b"Cy,Diaz,,,Quill,Analyst,12 Mar 2024\n"
    b"Di,Eng,,,,Student,12 Mar 2024\n"
    b",,,,,,12 Mar 2024\n"
)


def chosen_names(alice) -> list[str]:
    return sorted(Contact.objects.owned_by(alice).values_list("name", flat=True))


def confirm(client, response, **choice):
    data = {"action": "confirm", "token": token_of(response), "choosing": "on", **choice}
    return client.post(URL, data)


def test_the_preview_groups_people_by_organisation_and_lists_the_unnamed_lines(alice_client):
    response = preview(alice_client, "linkedin", "Connections.csv", CHOICE)
    groups = response.context["groups"]
    assert [(g.name, [r.person.name for r in g.rows]) for g in groups] == [
        ("Loom", ["Ann Lee", "Bo Chan"]),
        ("Quill", ["Cy Diaz"]),
        ("No organisation", ["Di Eng"]),
    ]
    assert "4 people to import" in response.text
    assert "left out (line 6)" in response.text
    assert 'data-select="none"' in response.text


def test_it_imports_only_the_rows_chosen(alice, alice_client):
    response = preview(alice_client, "linkedin", "Connections.csv", CHOICE)
    response = confirm(alice_client, response, row="0,2-3")
    assert response.status_code == 302
    assert chosen_names(alice) == ["Ann Lee", "Cy Diaz", "Di Eng"]
    page = alice_client.get(response.url)
    assert "3 new, 0 merged, 0 skipped" in page.text


def test_it_imports_the_boxes_a_page_without_javascript_sends(alice, alice_client):
    response = preview(alice_client, "linkedin", "Connections.csv", CHOICE)
    confirm(alice_client, response, row=["1", "3"])
    assert chosen_names(alice) == ["Bo Chan", "Di Eng"]


def test_it_imports_whole_organisations_chosen(alice, alice_client):
    response = preview(alice_client, "linkedin", "Connections.csv", CHOICE)
    confirm(alice_client, response, group=["0"], row=["2"])
    assert chosen_names(alice) == ["Ann Lee", "Bo Chan", "Cy Diaz"]


@pytest.mark.parametrize(
    "choice",
    [
        {"row": "0,9"},
        {"row": "3-1"},
        {"row": "-1"},
        {"row": "0;1"},
        {"row": "١"},
        {"row": ["0-3", "4"]},
        {"row": ["0", "x"]},
        {"group": ["3"]},
        {"group": ["0,1", "2"]},
        {"row": "9" * 30},
        {"row": "0\n1"},
    ],
)
def test_it_refuses_a_choice_outside_the_previewed_file(alice, alice_client, choice):
    response = preview(alice_client, "linkedin", "Connections.csv", CHOICE)
    response = confirm(alice_client, response, **choice)
    assert response.status_code == 200
    assert "does not match the file you previewed" in response.text
    assert not Contact.objects.exists()
    # The preview is still there to choose again.
    response = confirm(alice_client, response, row="0")
    assert chosen_names(alice) == ["Ann Lee"]


def test_it_refuses_to_import_nobody(alice, alice_client):
    response = preview(alice_client, "linkedin", "Connections.csv", CHOICE)
    for choice in ({}, {"row": ""}, {"row": "4"}):
        response = confirm(alice_client, response, **choice)
        assert "Choose at least one person to import." in response.text
    assert not Contact.objects.exists()


def test_a_large_file_is_chosen_by_organisation(alice, alice_client, monkeypatch):
    monkeypatch.setattr(views, "LISTED_ROWS", 3)
    response = preview(alice_client, "linkedin", "Connections.csv", CHOICE)
    assert 'name="row"' not in response.text
    assert response.text.count('name="group"') == 3
    confirm(alice_client, response, group=["1", "2"])
    assert chosen_names(alice) == ["Cy Diaz", "Di Eng"]


def test_it_accepts_linkedins_whole_export(alice, alice_client):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("Basic_LinkedInDataExport/Connections.csv", CHOICE)
        zipped.writestr("Basic_LinkedInDataExport/Profile.csv", "First Name\nAlice\n")
    response = preview(alice_client, "linkedin", "export.zip", buffer.getvalue())
    assert response.status_code == 200, response.text
    assert "4 people to import" in response.text
    confirm(alice_client, response, row="0-4")
    assert len(chosen_names(alice)) == 4


def test_a_hostile_archive_is_refused_with_one_line(alice, alice_client):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("../../Connections.csv", CHOICE)
    response = preview(alice_client, "linkedin", "export.zip", buffer.getvalue())
    assert "export.zip: the archive holds a file whose path leads outside it" in response.text
    assert views.SESSION_KEY not in alice_client.session
