import pytest
from django.urls import reverse

from coffeechat.accounts.services import profile_update
from coffeechat.outreach.models import Template

FORM = {
    "name": "Alumni request",
    "kind": "request",
    "channel": "email",
    "subject": "Hello {{ first_name }}",
    "body": "Dear {{ first_name }},\nCould we talk for {{ minutes }} minutes?",
}


@pytest.fixture
def template(alice):
    return Template.objects.create(
        owner=alice, name="My note", kind="request", channel="linkedin", body="Hi {{ first_name }}"
    )


@pytest.fixture
def override(alice):
    return Template.objects.create(
        owner=alice,
        name="My nudge",
        kind="nudge",
        subject="Again",
        body="Hello again {{ first_name }}",
        builtin_key="nudge_email",
    )


def test_it_lists_builtins_fields_and_an_empty_state(alice_client):
    response = alice_client.get(reverse("outreach:template_list"))
    assert response.status_code == 200
    text = response.text
    assert "Request by e-mail" in text and "Thank-you" in text
    assert reverse("outreach:template_customise", args=["request_email"]) in text
    assert "You have no templates of your own yet." in text
    assert "{{ why_them }}" in text and "The one thing from the conversation" in text
    assert "{{ their_work }}" not in text  # a private note is not a field
    assert '<span class="badge">Built-in</span>' in text


def test_it_lists_own_templates_and_customised_builtins(alice_client, template, override):
    text = alice_client.get(reverse("outreach:template_list")).text
    assert "You have no templates of your own yet." not in text
    assert "My note" in text and reverse("outreach:template_edit", args=[template.pk]) in text
    assert reverse("outreach:template_delete", args=[template.pk]) in text
    assert "Restore the original" in text
    assert ">Customised</span>" in text
    assert reverse("outreach:template_customise", args=["nudge_email"]) not in text
    assert reverse("outreach:template_customise", args=["request_email"]) in text


def test_it_refuses_a_post_to_the_list(alice_client):
    assert alice_client.post(reverse("outreach:template_list")).status_code == 405


def test_it_creates_a_template(alice, alice_client):
    response = alice_client.get(reverse("outreach:template_create"))
    assert response.status_code == 200 and 'hx-post="/' in response.text
    response = alice_client.post(reverse("outreach:template_create"), FORM)
    assert response.status_code == 302 and response.url == reverse("outreach:template_list")
    created = Template.objects.get(owner=alice)
    assert created.name == "Alumni request" and created.builtin_key == ""


def test_it_shows_what_is_wrong_and_saves_nothing(alice_client):
    response = alice_client.post(
        reverse("outreach:template_create"), {**FORM, "body": "Hi\n\n{{ tilte }}"}
    )
    assert response.status_code == 200
    assert "Line 3: there is no field {{ tilte }}. Did you mean {{ title }}?" in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert not Template.objects.exists()


def test_it_refuses_a_subject_on_a_linkedin_note(alice_client):
    response = alice_client.post(
        reverse("outreach:template_create"), {**FORM, "channel": "linkedin"}
    )
    assert "A LinkedIn note has no subject" in response.text
    assert not Template.objects.exists()


def test_it_fills_the_customise_form_from_the_builtin(alice_client):
    response = alice_client.get(reverse("outreach:template_customise", args=["thank_you_email"]))
    assert response.status_code == 200
    assert "Customise “Thank-you”" in response.text
    assert "One thing I took from our conversation in particular" in response.text


def test_it_saves_a_customised_builtin(alice, alice_client):
    url = reverse("outreach:template_customise", args=["nudge_email"])
    response = alice_client.post(url, {**FORM, "kind": "nudge"})
    assert response.status_code == 302
    saved = Template.objects.get(owner=alice)
    assert saved.builtin_key == "nudge_email"
    # A second visit goes to the version already there.
    response = alice_client.get(url)
    assert response.url == reverse("outreach:template_edit", args=[saved.pk])
    alice_client.post(url, {**FORM, "kind": "nudge"})
    assert Template.objects.filter(owner=alice).count() == 1


def test_it_answers_404_for_an_unknown_builtin(alice_client):
    url = reverse("outreach:template_customise", args=["no_such_thing"])
    assert alice_client.get(url).status_code == 404


def test_it_refuses_a_put_to_customise(alice_client):
    url = reverse("outreach:template_customise", args=["nudge_email"])
    assert alice_client.put(url).status_code == 405


def test_it_edits_a_template(alice_client, template):
    url = reverse("outreach:template_edit", args=[template.pk])
    response = alice_client.get(url)
    assert response.status_code == 200 and "Edit “My note”" in response.text
    response = alice_client.post(url, {**FORM, "name": "Renamed"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "Renamed" and template.channel == "email"


def test_it_keeps_a_template_when_the_edit_is_bad(alice_client, template):
    url = reverse("outreach:template_edit", args=[template.pk])
    response = alice_client.post(url, {**FORM, "body": "{% for x in first_name %}{% endfor %}"})
    assert "{% for %} is not available" in response.text
    template.refresh_from_db()
    assert template.body == "Hi {{ first_name }}"


def test_it_deletes_a_template_after_asking(alice_client, template):
    url = reverse("outreach:template_delete", args=[template.pk])
    response = alice_client.get(url)
    assert response.status_code == 200 and "Delete “My note”?" in response.text
    response = alice_client.post(url)
    assert response.status_code == 302
    assert not Template.objects.exists()


def test_it_restores_a_builtin_after_asking(alice_client, override):
    url = reverse("outreach:template_delete", args=[override.pk])
    response = alice_client.get(url)
    assert "Restore the original “A polite follow-up”?" in response.text
    response = alice_client.post(url, follow=True)
    assert "Restored the original “A polite follow-up”." in response.text
    assert not Template.objects.exists()


def test_it_refuses_a_put_to_delete(alice_client, template):
    url = reverse("outreach:template_delete", args=[template.pk])
    assert alice_client.put(url).status_code == 405


def test_it_previews_with_sample_values(alice, alice_client):
    profile_update(owner=alice, display_name="Jordan Ellery")
    response = alice_client.post(
        reverse("outreach:template_preview"),
        {"subject": "Hi {{ first_name }}", "body": "From {{ my_name }}. {{ why_them }}"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "<html" not in response.text
    assert "Hi Priya" in response.text
    assert "From Jordan Ellery. Your talk on redesigning bus timetables" in response.text


def test_it_previews_the_problems(alice_client):
    response = alice_client.post(
        reverse("outreach:template_preview"), {"subject": "", "body": "a\n{{ nobody }}"}
    )
    assert "Line 2: there is no field {{ nobody }}" in response.text


def test_it_counts_a_linkedin_note(alice_client):
    response = alice_client.post(
        reverse("outreach:template_preview"),
        {"channel": "linkedin", "subject": "", "body": "x" * 310},
    )
    assert "310 of 300 characters" in response.text and "too long" in response.text


def test_it_previews_a_huge_template_with_the_size_message(alice_client):
    response = alice_client.post(
        reverse("outreach:template_preview"), {"subject": "", "body": "{{" * 500_000}
    )
    assert response.status_code == 200
    assert "A template can be at most 5,000 characters." in response.text


def test_it_previews_a_template_that_fills_in_too_long_with_the_cap(alice, alice_client):
    profile_update(owner=alice, pitch="I retrain as a data analyst. " * 40)
    body = "{{ " + " ~ ".join(["my_pitch"] * 440) + " }}"
    response = alice_client.post(
        reverse("outreach:template_preview"), {"subject": "Hi", "body": body}
    )
    assert response.status_code == 200
    assert "would be longer than 100,000 characters" in response.text


def test_it_refuses_a_get_to_the_preview(alice_client):
    assert alice_client.get(reverse("outreach:template_preview")).status_code == 405


@pytest.mark.parametrize("name", ["template_edit", "template_delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_alices_templates_from_bob(client, bob, template, name, method):
    client.force_login(bob)
    response = getattr(client, method)(reverse(f"outreach:{name}", args=[template.pk]), FORM)
    assert response.status_code == 404
    template.refresh_from_db()
    assert template.name == "My note"


def test_it_lists_only_the_users_own_templates(client, bob, template):
    client.force_login(bob)
    assert "My note" not in client.get(reverse("outreach:template_list")).text


def test_it_refuses_a_subject_on_two_lines(alice_client):
    response = alice_client.post(
        reverse("outreach:template_create"),
        {**FORM, "subject": "Hello\r\nBcc: mallory@evil.example"},
    )
    assert response.status_code == 200
    assert "This must fit on one line." in response.text
    assert not Template.objects.exists()
