import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coffeechat.accounts.models import Profile
from coffeechat.accounts.services import profile_get, profile_update
from coffeechat.lib.text import speaking_time, word_count

PITCH = (
    "I am a chemistry graduate moving into battery research. I have spent two years in a "
    "quality lab and want to understand how research teams choose what to test next."
)


def _profile_data(**overrides):
    data = {
        "display_name": "Alice",
        "pitch": PITCH,
        "time_zone": "Europe/London",
        "weekly_goal_requests": 3,
        "weekly_goal_conversations": 1,
        "default_cadence_days": 90,
    }
    return {**data, **overrides}


def test_it_estimates_speaking_time_at_150_words_a_minute():
    assert word_count("one two three") == 3
    assert speaking_time("") == "nothing to say yet"
    assert speaking_time("word " * 75) == "about 30 seconds"
    assert speaking_time("word " * 150) == "about 1 minute"
    assert speaking_time("word " * 225) == "about 1 and a half minutes"
    assert speaking_time("word " * 300) == "about 2 minutes"


def test_it_saves_the_pitch_and_shows_its_speaking_time(alice, alice_client):
    response = alice_client.post(reverse("accounts:profile"), _profile_data())
    assert response.status_code == 302
    assert profile_get(owner=alice).pitch == PITCH
    page = alice_client.get(reverse("accounts:profile"))
    assert "30 words · about 10 seconds to say aloud" in page.text


def test_it_updates_the_speaking_time_as_the_user_types(alice_client):
    response = alice_client.post(reverse("accounts:pitch_timing"), {"pitch": "word " * 160})
    assert response.text.strip().startswith("160 words · about 1 minute")
    assert "try to stay under a minute" in response.text
    assert alice_client.get(reverse("accounts:pitch_timing")).status_code == 405


def test_it_does_not_time_a_pitch_over_the_size_limit(alice, alice_client):
    profile_get(owner=alice)
    response = alice_client.post(reverse("accounts:pitch_timing"), {"pitch": "word " * 200_000})
    assert response.status_code == 200
    assert response.text.strip() == "Keep this to 20,000 characters (it has 1,000,000)."
    page = alice_client.post(reverse("accounts:profile"), _profile_data(pitch="w" * 30_000))
    assert "Keep this to 5,000 characters (it has 30,000)." in page.text
    # One stored before the limit is shown, not timed.
    Profile.objects.filter(owner=alice).update(pitch="w" * 30_000)
    page = alice_client.get(reverse("accounts:profile"))
    assert "Keep this to 20,000 characters (it has 30,000)." in page.text


def test_it_refuses_an_unknown_time_zone(alice, alice_client):
    response = alice_client.post(
        reverse("accounts:profile"), _profile_data(time_zone="Mars/Olympus")
    )
    assert response.status_code == 200
    assert "“Mars/Olympus” is not a time zone; use a name such as Europe/London." in response.text
    assert profile_get(owner=alice).time_zone == "UTC"


def test_it_keeps_each_users_profile_apart(alice, bob, client):
    client.force_login(bob)
    client.post(reverse("accounts:profile"), _profile_data(pitch="Bob's pitch"))
    assert profile_get(owner=alice).pitch == ""


def test_it_shows_times_in_the_users_time_zone(alice, alice_client, contact):
    from datetime import UTC, datetime

    from coffeechat.conversations.models import Conversation

    conversation = Conversation.objects.create(
        owner=alice,
        contact=contact,
        state="requested",
        requested_at=datetime(2026, 7, 1, 8, 0, tzinfo=UTC),
    )
    url = reverse("conversations:conversation_detail", args=[conversation.pk])
    assert "Wed 1 Jul 2026, 08:00" in alice_client.get(url).text
    alice_client.post(reverse("accounts:profile"), _profile_data(time_zone="Asia/Tokyo"))
    assert "Wed 1 Jul 2026, 17:00" in alice_client.get(url).text


BREAKS = ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85", "\v"]


@pytest.mark.parametrize("separator", BREAKS)
def test_it_refuses_a_name_on_two_lines_and_saves_nothing(alice, alice_client, separator):
    name = f'Jo "X"{separator}ATTENDEE:mailto:mallory@evil.example'
    response = alice_client.post(reverse("accounts:profile"), _profile_data(display_name=name))
    assert response.status_code == 200
    assert "This must fit on one line." in response.text
    assert profile_get(owner=alice).display_name == ""


@pytest.mark.parametrize("separator", BREAKS)
def test_the_profile_service_refuses_a_name_on_two_lines(alice, separator):
    with pytest.raises(ValidationError) as caught:
        profile_update(owner=alice, display_name=f"Jo{separator}Bcc: x@evil.example")
    assert caught.value.message_dict == {"display_name": ["This must fit on one line."]}
    assert profile_get(owner=alice).display_name == ""


def test_it_keeps_a_name_in_any_script(alice, alice_client):
    name = 'José Müller · Алексей · 山田 太郎 · محمد · Jo "JJ" O\'Brien, Jr.'
    response = alice_client.post(reverse("accounts:profile"), _profile_data(display_name=name))
    assert response.status_code == 302
    assert profile_get(owner=alice).display_name == name


# The pitch in one sentence


def test_it_saves_the_pitch_in_one_sentence_beside_the_pitch(alice, alice_client):
    sentence = "I am a chemistry graduate moving into battery research."
    response = alice_client.post(
        reverse("accounts:profile"), _profile_data(pitch_sentence=f"  {sentence} ")
    )
    assert response.status_code == 302
    assert profile_get(owner=alice).pitch_sentence == sentence
    page = alice_client.get(reverse("accounts:profile")).text
    assert f'value="{sentence}"' in page
    assert "It opens your requests and LinkedIn notes" in page
    assert page.index('name="pitch"') < page.index('name="pitch_sentence"')


@pytest.mark.parametrize(
    ("sentence", "refusal"),
    [
        ("w" * 121, "Keep this to 120 characters (it has 121)."),
        ("I teach.\nI want to research.", "This must fit on one line."),
    ],
)
def test_it_refuses_a_pitch_sentence_too_long_or_over_two_lines(
    alice, alice_client, sentence, refusal
):
    page = alice_client.post(reverse("accounts:profile"), _profile_data(pitch_sentence=sentence))
    assert page.status_code == 200
    assert refusal in page.text
    assert profile_get(owner=alice).pitch_sentence == ""
    with pytest.raises(ValidationError):
        profile_update(owner=alice, pitch_sentence=sentence)
