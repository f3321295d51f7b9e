"""A conversation's notes saved as they are typed, never over newer notes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coffeechat.conversations import takeaways as service
from coffeechat.conversations.models import State
from coffeechat.conversations.services import conversation_transition


@pytest.fixture
def held(alice, conversation):
    conversation_transition(owner=alice, conversation=conversation, to=State.SCHEDULED)
    return conversation_transition(owner=alice, conversation=conversation, to=State.HELD)


def _autosave(client, conversation, **data):
    return client.post(reverse("conversations:notes_autosave", args=[conversation.pk]), data)


def test_a_save_from_an_older_version_does_not_overwrite_newer_notes(alice, held):
    old = service.notes_version(held)
    service.conversation_notes_update(owner=alice, conversation=held, notes="Newer")
    with pytest.raises(ValidationError, match="changed in another window"):
        service.conversation_notes_update(
            owner=alice, conversation=held, notes="Older", version=old
        )
    held.refresh_from_db()
    assert held.notes == "Newer"


def test_a_change_of_state_is_no_conflict(alice, held):
    version = service.notes_version(held)
    conversation_transition(owner=alice, conversation=held, to=State.THANKED)
    service.conversation_notes_update(
        owner=alice, conversation=held, notes="Still mine", version=version
    )
    held.refresh_from_db()
    assert held.notes == "Still mine"


def test_it_saves_notes_as_typed_and_answers_the_new_version(alice_client, held):
    response = _autosave(
        alice_client,
        held,
        notes="Moved from teaching",
        reflection_fit="It fits",
        reflection_next="",
        clarity="4",
        version=service.notes_version(held),
    )
    assert response.status_code == 200
    held.refresh_from_db()
    assert (held.notes, held.reflection_fit, held.clarity) == ("Moved from teaching", "It fits", 4)
    assert response.json()["version"] == service.notes_version(held)


def test_it_answers_the_saved_notes_formatted_and_sanitised(alice_client, held):
    response = _autosave(alice_client, held, notes="**Bold** <script>alert(1)</script>")
    shows = response.json()["shows"]
    assert "<strong>Bold</strong>" in shows
    assert "<script>" not in shows


def test_it_refuses_a_save_from_an_older_page_with_409(alice, alice_client, held):
    old = service.notes_version(held)
    service.conversation_notes_update(owner=alice, conversation=held, notes="Newer")
    response = _autosave(alice_client, held, notes="Older", version=old)
    assert response.status_code == 409
    assert "changed in another window" in response.json()["error"]
    held.refresh_from_db()
    assert held.notes == "Newer"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"notes": "x" * 20_001}, "notes: Keep this to 20,000 characters"),
        ({"notes": "a\x00b"}, "notes:"),
        ({"notes": "Fine", "clarity": "9"}, "clarity:"),
        ({"reflection_fit": "Only this"}, "Nothing to save"),
    ],
)
def test_it_refuses_notes_it_cannot_keep_and_changes_nothing(alice_client, held, data, words):
    response = _autosave(alice_client, held, **data)
    assert response.status_code == 400
    assert words in response.json()["error"]
    held.refresh_from_db()
    assert held.notes == "" and held.reflection_fit == ""


def test_it_refuses_notes_before_the_conversation_is_booked(alice_client, conversation):
    response = _autosave(alice_client, conversation, notes="Too soon")
    assert response.status_code == 400
    assert "booked or has taken place" in response.json()["error"]


def test_another_user_gets_404_and_changes_nothing(client, bob, held):
    client.force_login(bob)
    assert _autosave(client, held, notes="Mine").status_code == 404
    held.refresh_from_db()
    assert held.notes == ""


def test_it_refuses_get(alice_client, held):
    url = reverse("conversations:notes_autosave", args=[held.pk])
    assert alice_client.get(url).status_code == 405


def test_the_notes_page_shows_refused_stale_notes_and_saving_again_keeps_them(
    alice, alice_client, held
):
    old = service.notes_version(held)
    service.conversation_notes_update(owner=alice, conversation=held, notes="Elsewhere")
    url = reverse("conversations:notes", args=[held.pk])
    response = alice_client.post(url, {"notes": "Mine", "version": old})
    assert response.status_code == 409
    assert "Mine" in response.text and "changed in another window" in response.text
    again = alice_client.post(url, {"notes": "Mine", "version": service.notes_version(held)})
    assert again.status_code == 302
    held.refresh_from_db()
    assert held.notes == "Mine"
