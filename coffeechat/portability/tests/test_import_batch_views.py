"""The imports page: each import to tag, review or undo, for its owner only."""

import pytest
from django.urls import reverse

from coffeechat.contacts.models import Contact, Tag
from coffeechat.contacts.services import contact_create
from coffeechat.conversations.models import Conversation
from coffeechat.portability.importers import import_contacts, parse_file
from coffeechat.portability.models import ImportBatch

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
ROWS = (
    "Ann,Lee,,,Loom,CTO,12 Mar 2024\n"
    "Bo,Chan,,ann@x.example,Loom,CEO,12 Mar 2024\n"
    "Cy,Diaz,,,Quill,Analyst,12 Mar 2024\n"
)


@pytest.fixture
def batch(alice):
    people = parse_file("linkedin", (HEADER + ROWS).encode(), filename="Connections.csv")
    return import_contacts(
        owner=alice, incoming=people, kind="linkedin", filename="Connections.csv"
    ).batch


def test_the_imports_page_lists_each_import_with_its_counts(alice_client, batch):
    response = alice_client.get(reverse("portability:imports"))
    assert response.status_code == 200
    assert "Connections.csv" in response.text
    assert "3 new, 0 merged, 0 skipped." in response.text
    assert f"{reverse('contacts:contact_list')}?batch={batch.pk}" in response.text
    assert reverse("portability:import_undo", args=[batch.pk]) in response.text


def test_the_imports_page_says_when_there_are_none(alice_client):
    response = alice_client.get(reverse("portability:imports"))
    assert "No imports yet." in response.text
    # One way in, not the same button twice.
    assert response.text.count(reverse("portability:import") + '"') == 1


def test_review_lists_the_people_of_the_import(alice, alice_client, batch):
    contact_create(owner=alice, name="Zed Old")
    response = alice_client.get(reverse("contacts:contact_list"), {"batch": batch.pk})
    assert "Ann Lee" in response.text and "Zed Old" not in response.text
    assert "The people of one import." in response.text
    assert 'name="batch"' in response.text


def test_tagging_an_import_from_its_page(alice, alice_client, batch):
    url = reverse("portability:import_tag", args=[batch.pk])
    response = alice_client.post(url, {"name": "Fair 2026"}, follow=True)
    assert "tagged “Fair 2026”" in response.text
    tag = Tag.objects.get(owner=alice)
    assert Contact.objects.filter(tags=tag).count() == 3
    assert "Fair 2026" in alice_client.get(reverse("portability:imports")).text


def test_a_bad_tag_is_refused_with_its_reason(alice, alice_client, batch):
    url = reverse("portability:import_tag", args=[batch.pk])
    response = alice_client.post(url, {"name": "a, b"}, follow=True)
    assert "Tag: Give one tag name, without commas." in response.text
    response = alice_client.post(url, {"name": "x" * 51}, follow=True)
    assert "Tag:" in response.text
    assert not Tag.objects.exists()


def test_the_undo_page_says_exactly_what_will_happen(alice, alice_client, batch):
    ann = Contact.objects.get(owner=alice, name="Ann Lee")
    Conversation.objects.create(owner=alice, contact=ann)
    url = reverse("portability:import_undo", args=[batch.pk])
    response = alice_client.get(url)
    assert response.status_code == 200
    text = " ".join(response.text.split())
    assert "Removes 2 people" in text
    assert "Keeps 1 person" in text and "Ann Lee" in text
    assert "Removes 1 organisation it added that nobody is left at." in text
    # Looking writes nothing.
    assert Contact.objects.owned_by(alice).count() == 3

    response = alice_client.post(url, follow=True)
    assert "Undid Connections.csv: removed 2 people, kept 1 with activity since" in response.text
    assert list(Contact.objects.owned_by(alice).values_list("name", flat=True)) == ["Ann Lee"]
    assert "Undone" in response.text

    response = alice_client.post(url, follow=True)
    assert "already undone" in response.text
    assert "nothing more to undo" in alice_client.get(url).text


def test_the_undo_page_lists_the_fields_it_will_empty(alice, alice_client):
    contact_create(owner=alice, name="Ann Lee", email="ann@x.example")
    people = parse_file(
        "linkedin", (HEADER + "Ann,Lee,,ann@x.example,Loom,CTO,\n").encode(), filename="c.csv"
    )
    batch = import_contacts(owner=alice, incoming=people, kind="linkedin", filename="c.csv").batch
    response = alice_client.get(reverse("portability:import_undo", args=[batch.pk]))
    text = " ".join(response.text.split())
    assert "Empties what it filled in on 1 person" in text
    assert "Ann Lee: organisation, title and source" in text


@pytest.mark.parametrize("name", ["portability:import_tag", "portability:import_undo"])
def test_another_users_import_is_not_found_and_nothing_changes(bob, client, batch, name):
    client.force_login(bob)
    url = reverse(name, args=[batch.pk])
    assert client.post(url, {"name": "mine"}).status_code == 404
    if name.endswith("undo"):
        assert client.get(url).status_code == 404
    batch.refresh_from_db()
    assert batch.undone_at is None and batch.tag is None
    assert Contact.objects.count() == 3 and not Tag.objects.exists()
    assert "Connections.csv" not in client.get(reverse("portability:imports")).text


def test_bobs_review_link_shows_nobody_of_alices(bob, client, batch):
    client.force_login(bob)
    response = client.get(reverse("contacts:contact_list"), {"batch": batch.pk})
    assert "Ann Lee" not in response.text


def test_a_confirmed_import_leads_to_the_imports_page(alice, alice_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("Connections.csv", (HEADER + ROWS).encode())
    url = reverse("portability:import")
    response = alice_client.post(url, {"action": "preview", "kind": "linkedin", "file": upload})
    response = alice_client.post(
        url, {"action": "confirm", "token": response.context["token"]}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portability:imports")
    assert ImportBatch.objects.get(owner=alice).created_count == 3
