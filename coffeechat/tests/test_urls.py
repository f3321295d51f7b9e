"""Every URL of the app that names an object must hide it from a second user."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coffeechat.conversations.models import ChosenQuestion, Question, Takeaway
from coffeechat.outreach.models import Message, Template
from coffeechat.portability.importers import IncomingContact, import_contacts

# How to find alice's object for each kind of id a URL may carry. A URL with an id not
# listed here fails the test, so a new kind of object cannot slip past it.
OBJECTS = {
    "contact_pk": lambda f: f["contact"],
    "organization_pk": lambda f: f["organization"],
    "conversation_pk": lambda f: f["conversation"],
    "message_pk": lambda f: f["message"],
    "template_pk": lambda f: f["template"],
    "chosen_question_pk": lambda f: f["chosen_question"],
    "question_pk": lambda f: f["question"],
    "takeaway_pk": lambda f: f["takeaway"],
    "batch_pk": lambda f: f["import_batch"],
}
# Kwargs that are not objects of a user (tokens are tested where they are issued; a key names
# a built-in template, which ships with the app; a kind names an export format, and each user
# only ever exports their own data).
NOT_OBJECTS = {"token", "key", "kind"}


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


def _object_patterns():
    found = []
    for name, pattern in _patterns(get_resolver()):
        kwargs = set(pattern.pattern.converters)
        if kwargs - NOT_OBJECTS:
            found.append((name, sorted(kwargs)))
    return found


@pytest.fixture
def fixtures(alice, contact, organization, conversation):
    message = Message.objects.create(owner=alice, contact=contact, kind="request")
    template = Template.objects.create(
        owner=alice, name="My request", kind="request", subject="Hi", body="Hi {{ first_name }}"
    )
    return {
        "contact": contact,
        "organization": organization,
        "conversation": conversation,
        "message": message,
        "template": template,
        "chosen_question": ChosenQuestion.objects.create(
            owner=alice, conversation=conversation, category="advice", text="What would you do?"
        ),
        "question": Question.objects.create(
            owner=alice, category="advice", text="What do you wish you had known?"
        ),
        "takeaway": Takeaway.objects.create(
            owner=alice, conversation=conversation, kind="gap", text="Learn SQL"
        ),
        "import_batch": import_contacts(
            owner=alice,
            incoming=[IncomingContact(name="Bea Imported", file="c.csv", line=2)],
            kind="google",
            filename="c.csv",
        ).batch,
    }


def test_it_knows_every_kind_of_object_in_the_urls():
    unknown = {k for _, kwargs in _object_patterns() for k in kwargs} - set(OBJECTS) - NOT_OBJECTS
    assert not unknown, f"add these URL kwargs to OBJECTS: {unknown}"
    assert len(_object_patterns()) >= 6


@pytest.mark.parametrize(("name", "kwargs"), _object_patterns())
def test_it_answers_404_to_another_user(client, bob, fixtures, name, kwargs):
    url = reverse(name, kwargs={k: OBJECTS[k](fixtures).pk for k in kwargs})
    client.force_login(bob)
    before = {key: obj.updated_at for key, obj in fixtures.items()}
    statuses = {
        method: getattr(client, method)(url, {"name": "changed", "text": "changed"}).status_code
        for method in ("get", "post")
    }
    # A view refuses the method it does not take (405) and hides the object on the other.
    assert set(statuses.values()) <= {404, 405}, (url, statuses)
    assert 404 in statuses.values(), (url, statuses)
    for key, obj in fixtures.items():
        obj.refresh_from_db()  # still there
        assert obj.updated_at == before[key], f"{url} changed {key}"
