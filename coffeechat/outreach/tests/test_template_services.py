import pytest
from django.core.exceptions import ValidationError

from coffeechat.outreach.models import Template
from coffeechat.outreach.services import template_create, template_delete, template_update

GOOD = {
    "name": "  Alumni   request ",
    "kind": "request",
    "channel": "email",
    "subject": "Hello {{ first_name }}",
    "body": "Dear {{ first_name }},\n\nCould we talk for {{ minutes }} minutes?\n\n",
}


def _refused(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.message_dict if hasattr(caught.value, "error_dict") else {}


def test_it_creates_a_template(alice):
    template = template_create(owner=alice, **GOOD)
    template.refresh_from_db()
    assert template.owner == alice and template.name == "Alumni request"
    assert template.body == "Dear {{ first_name }},\n\nCould we talk for {{ minutes }} minutes?"
    assert template.builtin_key == ""


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"body": "Dear {{ frist_name }}"}, "body", "Line 1: there is no field {{ frist_name }}"),
        ({"body": "Hi\n{% if x %}"}, "body", "Line 2:"),
        ({"subject": "Hi {{ name }}"}, "subject", "there is no field {{ name }}"),
        ({"body": "{% include 'secrets' %}"}, "body", "{% include %} is not available"),
        ({"body": "   "}, "body", "Write the message."),
        ({"name": " "}, "name", "Give the template a name."),
        ({"kind": "reply"}, "kind", "is not a kind"),
        ({"channel": "phone"}, "channel", "e-mail or for a LinkedIn note"),
        ({"subject": ""}, "subject", "An e-mail needs a subject."),
        ({"channel": "linkedin"}, "subject", "A LinkedIn note has no subject"),
    ],
)
def test_it_refuses_a_bad_template_and_saves_nothing(alice, change, field, words):
    errors = _refused(template_create, owner=alice, **{**GOOD, **change})
    assert words in " ".join(errors[field])
    assert not Template.objects.exists()


def test_it_accepts_a_linkedin_note_without_a_subject(alice):
    template = template_create(owner=alice, **{**GOOD, "channel": "linkedin", "subject": ""})
    assert template.channel == "linkedin" and template.subject == ""


def test_it_customises_a_builtin_once(alice, bob):
    template = template_create(owner=alice, builtin_key="nudge_email", **GOOD)
    assert template.builtin_key == "nudge_email"
    with pytest.raises(ValidationError, match="already customised"):
        template_create(owner=alice, builtin_key="nudge_email", **GOOD)
    assert Template.objects.filter(owner=alice).count() == 1
    # Another user customises the same built-in independently.
    template_create(owner=bob, builtin_key="nudge_email", **GOOD)


def test_it_refuses_an_unknown_builtin(alice):
    with pytest.raises(ValidationError, match="no built-in template"):
        template_create(owner=alice, builtin_key="nope", **GOOD)
    assert not Template.objects.exists()


def test_it_updates_a_template(alice):
    template = template_create(owner=alice, **GOOD)
    template_update(
        owner=alice, template=template, name="Short", body="Hi {{ first_name }}", subject="Hi"
    )
    template.refresh_from_db()
    assert (template.name, template.subject, template.body) == (
        "Short",
        "Hi",
        "Hi {{ first_name }}",
    )


def test_it_refuses_a_bad_update_and_changes_nothing(alice):
    template = template_create(owner=alice, **GOOD)
    errors = _refused(
        template_update, owner=alice, template=template, body="Hi {{ first_name.__class__ }}"
    )
    assert errors["body"][0].startswith("Line 1:")
    assert template.body == GOOD["body"].strip()
    template.refresh_from_db()
    assert template.body == GOOD["body"].strip()


def test_it_refuses_to_change_what_a_template_was_copied_from(alice):
    template = template_create(owner=alice, **GOOD)
    with pytest.raises(TypeError):
        template_update(owner=alice, template=template, builtin_key="nudge_email")


def test_it_refuses_another_users_template(alice, bob):
    template = template_create(owner=alice, **GOOD)
    with pytest.raises(PermissionError):
        template_update(owner=bob, template=template, name="Mine now")
    with pytest.raises(PermissionError):
        template_delete(owner=bob, template=template)
    template.refresh_from_db()
    assert template.name == "Alumni request"


def test_it_deletes_a_template(alice):
    template = template_create(owner=alice, builtin_key="request_email", **GOOD)
    template_delete(owner=alice, template=template)
    assert not Template.objects.exists()
    # The original is back, so it can be customised again.
    template_create(owner=alice, builtin_key="request_email", **GOOD)


@pytest.mark.parametrize("separator", ["\r\n", "\n", "\r", "\u2028", "\x85"])
def test_it_refuses_a_subject_on_two_lines(alice, separator):
    subject = f"Hello{separator}Bcc: mallory@evil.example"
    errors = _refused(template_create, owner=alice, **{**GOOD, "subject": subject})
    assert errors == {"subject": ["This must fit on one line."]}
    assert not Template.objects.exists()
    template = template_create(owner=alice, **GOOD)
    errors = _refused(template_update, owner=alice, template=template, subject=subject)
    assert errors == {"subject": ["This must fit on one line."]}
    template.refresh_from_db()
    assert template.subject == GOOD["subject"]
