from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from jinja2.sandbox import SecurityError

from coffeechat.accounts.services import profile_update
from coffeechat.contacts.models import Contact
from coffeechat.outreach import templating
from coffeechat.outreach.models import Template
from coffeechat.outreach.templating import (
    BUILTINS,
    FIELDS,
    SLOTS,
    merge_fields,
    render,
    template_check,
    template_get,
    templates_for,
)

# Values like the demo's: every field filled, some of them long.
DEMO_FIELDS = {
    "first_name": "Ines",
    "last_name": "Carvalho",
    "full_name": "Ines Carvalho",
    "organization": "Tidewater Analytics",
    "title": "Head of Research",
    "why_them": "Your work testing flood maps with residents is what I most want to learn about.",
    "our_connection": "We spoke in the Q&A after your talk at the Service Design Gathering.",
    "referrer": "Marcus Webb",
    "area": "Climate adaptation, public services, energy",
    "my_name": "Jordan Ellery",
    "my_pitch": "I taught geography for six years and now explore user research.",
    "signature": "Jordan Ellery\nExploring user research and service design",
    "minutes": "20",
    "date": "Tuesday 24 November",
    "time": "10:00",
    "time_zone": "Europe/Lisbon (WET)",
    "place": "https://meet.example/ines",
    "format": "video call",
    "takeaway": "research teams in councils often hire people who have taught",
    "article_title": "Maps people can act on",
    "article_link": "https://example.org/maps",
    "update": "I wrote up my flood-data fieldwork as a case study",
    "their_news": "your new role as Head of Research",
    "offer": "share my notes from the flood-data workshop",
    "moved_by": "them",
    "introduce_to": "Leila Nasser at Fernleaf Energy",
    "introduce_why": "Her work on payment letters is close to what I hope to do",
}


def _errors(subject: str = "", body: str = "") -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        template_check(subject=subject, body=body)
    return caught.value.message_dict


# Rendering


def test_it_fills_in_fields():
    assert render("Dear {{ first_name }}, {{ minutes }} minutes?", DEMO_FIELDS) == (
        "Dear Ines, 20 minutes?"
    )


def test_it_shows_an_empty_field_as_a_placeholder():
    text = render("About {{ why_them }} and {{ my_name }}.", {"why_them": "  "})
    assert text == "About [why them] and [your name]."


def test_it_treats_an_empty_field_as_false_in_if():
    text = "{% if referrer %}{{ referrer }} sent me.{% else %}Hello.{% endif %}"
    assert render(text, {"referrer": ""}) == "Hello."
    assert render(text, {"referrer": "Sam"}) == "Sam sent me."


def test_it_applies_the_safe_filters():
    text = "{{ first_name|upper }} {{ title|default('there') }} {{ organization|lower }}"
    assert render(text, {"first_name": "Ada", "organization": "ACME"}) == "ADA there acme"


def test_it_leaves_html_alone_in_plain_text():
    assert render("{{ first_name }}", {"first_name": "<b>Ada</b> & co"}) == "<b>Ada</b> & co"


def test_it_ignores_values_that_are_not_fields():
    assert render("{{ first_name }}", {"first_name": "Ada", "os": "x"}) == "Ada"


def test_it_refuses_to_render_a_template_it_would_not_save():
    with pytest.raises(ValidationError):
        render("{{ first_name.__class__ }}", DEMO_FIELDS)


# The sandbox


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__ }}",
        "{{ first_name.__class__.__mro__ }}",
        "{{ first_name.bar }}",
        "{{ first_name['upper'] }}",
        "{{ first_name.upper() }}",
        "{{ first_name.format(x=1) }}",
        "{% include 'x' %}",
        "{% import 'x' as forms %}",
        "{% from 'x' import field %}",
        "{% extends 'base.html' %}",
        "{% for letter in first_name %}{{ letter }}{% endfor %}",
        "{% set x = first_name %}",
        "{% macro m() %}{% endmacro %}",
        "{{ 'a' * 100000000 }}",
        "{{ '%999999999d' % 1 }}",
        "{{ first_name|attr('__class__') }}",
        "{{ range(10) }}",
        "{{ lipsum() }}",
    ],
)
def test_it_refuses_anything_but_fields(body):
    assert _errors(body=body)["body"][0].startswith("Line 1: ")
    with pytest.raises(ValidationError):
        render(body, DEMO_FIELDS)


@pytest.mark.parametrize(
    "body",
    ["{{ ''.__class__ }}", "{{ a.upper() }}", "{{ 'a' * 3 }}", "{{ a.__class__.__mro__ }}"],
)
def test_its_engine_refuses_attributes_calls_and_arithmetic_even_unchecked(body):
    with pytest.raises(SecurityError):
        templating._env.from_string(body).render(a="x")


def test_its_engine_has_no_loader_globals_or_unsafe_filters():
    env = templating._env
    assert env.loader is None and env.globals == {}
    assert set(env.filters) == {"upper", "lower", "title", "capitalize", "trim", "default"}
    assert env.autoescape is False


# Checking at save time


def test_it_accepts_fields_ifs_and_filters_and_renders_them():
    subject = "Hello {{ first_name|title }}"
    body = "{% if referrer %}{{ referrer }} suggested I write.{% endif %}\n{{ signature }}"
    assert template_check(subject=subject, body=body) is None
    fields = {"first_name": "ada", "referrer": "Sam", "signature": "Kim"}
    assert render(subject, fields) == "Hello Ada"
    assert render(body, fields) == "Sam suggested I write.\nKim"


def test_it_names_an_unknown_field_with_its_line_and_a_guess():
    errors = _errors(subject="Hi", body="Dear {{ first_name }},\n\nAbout {{ tilte }}.")
    assert errors == {"body": ["Line 3: there is no field {{ tilte }}. Did you mean {{ title }}?"]}


def test_it_names_broken_syntax_with_its_line():
    errors = _errors(subject="Hi {{ first_name", body="One\nTwo\n{{ first_name }\nFour")
    assert errors["subject"][0].startswith("Line 1: ")
    assert errors["body"] == ["Line 3: unexpected '}'"]


def test_it_names_the_line_of_an_unclosed_if():
    message = _errors(body="One\nTwo {% if first_name %}\nThree")["body"][0]
    assert message.startswith("Line 2: ") and "endif" in message and "Jinja" not in message


def test_it_names_an_unknown_filter():
    assert "no filter “join”" in _errors(body="{{ first_name|join }}")["body"][0]


def test_it_refuses_a_very_long_template():
    assert "at most" in _errors(body="x" * 6000)["body"][0]


# The built-ins


@pytest.mark.parametrize("slug", BUILTINS)
def test_every_builtin_passes_its_check_and_fills_in_completely(slug):
    builtin = BUILTINS[slug]
    template_check(subject=builtin.subject, body=builtin.body)
    assert builtin.key == f"builtin:{slug}" and builtin.builtin
    text = render(builtin.subject, DEMO_FIELDS) + "\n" + render(builtin.body, DEMO_FIELDS)
    for name in FIELDS:
        assert templating._placeholder(name) not in text, (slug, name)
    assert "{" not in text


def test_every_family_has_an_email_and_a_linkedin_form():
    families = {
        "request",
        "request_referral",
        "nudge",
        "confirmation",
        "reminder",
        "reschedule",
        "thank_you",
        "keep_in_touch_article",
        "keep_in_touch_update",
        "keep_in_touch_congratulations",
        "keep_in_touch_offer",
        "introduction",
        "after_event",
    }
    assert set(BUILTINS) == {f"{f}_{c}" for f in families for c in ("email", "linkedin")}
    for slug, builtin in BUILTINS.items():
        assert slug == f"{builtin.family}_{builtin.channel}"
        assert bool(builtin.subject) == (builtin.channel == "email"), slug
    kinds = {slug: b.kind for slug, b in BUILTINS.items()}
    assert kinds["nudge_email"] == "nudge" and kinds["thank_you_linkedin"] == "thank_you"
    assert kinds["reminder_email"] == "confirmation" and kinds["introduction_email"] == "other"


def test_the_keep_in_touch_messages_have_required_slots():
    assert BUILTINS["keep_in_touch_article_email"].slots == ("article_title", "article_link")
    assert BUILTINS["keep_in_touch_update_linkedin"].slots == ("update",)
    assert BUILTINS["keep_in_touch_congratulations_email"].slots == ("their_news",)
    assert BUILTINS["keep_in_touch_offer_email"].slots == ("offer",)
    assert BUILTINS["keep_in_touch_offer_linkedin"].slots == ("offer",)
    assert BUILTINS["reschedule_email"].slots == ("moved_by",)
    assert BUILTINS["thank_you_linkedin"].slots == ("takeaway",)
    assert BUILTINS["introduction_email"].slots == ("introduce_to", "introduce_why")
    assert BUILTINS["request_email"].slots == ()


def test_the_reschedule_is_worded_for_who_moved_it():
    body = BUILTINS["reschedule_email"].body
    theirs = render(body, DEMO_FIELDS)
    mine = render(body, {**DEMO_FIELDS, "moved_by": "me"})
    assert "sorry" in mine and "sorry" not in theirs
    assert "Thank you for letting me know" in theirs


def test_the_email_request_is_short_personal_and_a_question():
    builtin = BUILTINS["request_email"]
    assert (builtin.kind, builtin.channel) == ("request", "email")
    words = len((builtin.subject + " " + builtin.body).replace("{{ ", "{{").split())
    assert words <= 90
    for field in ("{{ minutes }}", "{{ why_them }}", "{{ our_connection }}"):
        assert field in builtin.body
    assert "?" in builtin.body and "thank you" in builtin.body.lower()
    assert "job" in builtin.body.lower()  # says it is not asking for one


def test_the_linkedin_request_fits_in_a_note_with_long_values():
    builtin = BUILTINS["request_linkedin"]
    assert (builtin.kind, builtin.channel, builtin.subject) == ("request", "linkedin", "")
    long_values = {
        **DEMO_FIELDS,
        "first_name": "Alexandra",
        "my_name": "Jordan Ellery-Okonkwo",
        "why_them": "We met at the Service Design Gathering in Leeds last spring, and your "
        "talk on maps stayed with me.",
        "area": "climate adaptation and public services",
    }
    assert len(render(builtin.body, long_values)) <= 300


def test_the_referral_request_names_the_referrer():
    builtin = BUILTINS["request_referral_email"]
    assert "{{ referrer }} suggested I contact you" in builtin.subject + builtin.body
    assert "Marcus Webb suggested I contact you" in render(builtin.subject, DEMO_FIELDS)


def test_the_thank_you_names_the_takeaway():
    assert "{{ takeaway }}" in BUILTINS["thank_you_email"].body


# Merge fields


def test_it_merges_the_contact_and_the_profile(alice, contact):
    profile_update(
        owner=alice,
        display_name="Jordan Ellery",
        pitch="I taught geography.",
        goal_fields="Climate adaptation.\n",
        signature="",
    )
    contact.their_work = "A talk on\nflood maps."
    contact.connection_note = "Same university."
    contact.why_them = "your talk on\nflood maps is why I am writing"
    contact.our_connection = "We both studied at Northbank "
    contact.save()
    fields = merge_fields(owner=alice, contact=contact, slots={"takeaway": "Start small. "})
    assert set(fields) == set(FIELDS) - set(SLOTS) | {"takeaway"}
    assert fields["first_name"] == "Ada" and fields["full_name"] == "Ada Lovelace"
    assert fields["organization"] == "Analytical Engines" and fields["title"] == "Analyst"
    assert fields["why_them"] == "Your talk on flood maps is why I am writing."
    assert fields["our_connection"] == "We both studied at Northbank."
    # The private notes are nowhere among the values.
    assert not any("flood maps." in v or "Same university" in v for v in fields.values())
    assert fields["area"] == "climate adaptation"
    assert fields["my_name"] == fields["signature"] == "Jordan Ellery"
    assert fields["my_pitch"] == "I taught geography."
    assert fields["minutes"] == "20" and fields["takeaway"] == "Start small"
    assert fields["referrer"] == "" and fields["date"] == ""


def test_it_names_the_referrer_only_when_allowed(alice, contact):
    referred = Contact.objects.create(owner=alice, name="Bea Smith", referred_by=contact)
    assert merge_fields(owner=alice, contact=referred)["referrer"] == ""
    referred.may_use_referrer_name = True
    assert merge_fields(owner=alice, contact=referred)["referrer"] == "Ada Lovelace"


def test_it_gives_the_time_in_the_contacts_zone(alice, contact, conversation):
    profile_update(owner=alice, time_zone="Europe/London")
    conversation.scheduled_for = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    conversation.length_minutes = 30
    conversation.format = "video"
    conversation.place = "https://meet.example/x"
    contact.time_zone = "America/New_York"
    fields = merge_fields(owner=alice, contact=contact, conversation=conversation)
    assert fields["date"] == "Tuesday 24 November" and fields["time"] == "05:00"
    assert fields["time_zone"] == "America/New_York (EST)"
    assert (fields["minutes"], fields["format"]) == ("30", "video call")
    assert fields["place"] == "https://meet.example/x"
    contact.time_zone = ""
    fields = merge_fields(owner=alice, contact=contact, conversation=conversation)
    assert (fields["time"], fields["time_zone"]) == ("10:00", "Europe/London (GMT)")


def test_it_refuses_another_users_contact(bob, contact):
    with pytest.raises(PermissionError):
        merge_fields(owner=bob, contact=contact)


# What is offered


def _keys(choices):
    return [c.key for c in choices]


def test_it_offers_the_builtins_and_own_templates(alice, bob):
    own = Template.objects.create(owner=alice, name="Mine", kind="request", body="Hi")
    Template.objects.create(owner=bob, name="Bob's", kind="request", body="Hi")
    keys = _keys(templates_for(owner=alice))
    assert keys[: len(BUILTINS)] == [b.key for b in BUILTINS.values()]
    assert keys[len(BUILTINS) :] == [f"own:{own.pk}"]
    nudges = _keys(templates_for(owner=alice, kind="nudge"))
    assert nudges == ["builtin:nudge_email", "builtin:nudge_linkedin"]


def test_a_customised_builtin_replaces_the_original(alice, bob):
    mine = Template.objects.create(
        owner=alice, name="My nudge", kind="nudge", body="Hi", builtin_key="nudge_email"
    )
    Template.objects.create(
        owner=bob, name="Bob's nudge", kind="nudge", body="Hi", builtin_key="request_email"
    )
    keys = _keys(templates_for(owner=alice))
    assert f"own:{mine.pk}" in keys and "builtin:nudge_email" not in keys
    assert keys.count(f"own:{mine.pk}") == 1
    assert "builtin:request_email" in keys
    offered = templates_for(owner=alice, kind="nudge", contact=None)
    assert [(c.name, c.builtin, c.family) for c in offered][0] == ("My nudge", False, "nudge")
    # Asked for by the built-in's key, it is still the user's version.
    assert template_get(owner=alice, key="builtin:nudge_email").key == f"own:{mine.pk}"


def test_it_offers_the_referral_request_only_when_the_name_may_be_used(alice, contact):
    own = Template.objects.create(
        owner=alice, name="Via", kind="request", channel="linkedin", body="{{ referrer }} says hi"
    )
    person = Contact.objects.create(owner=alice, name="Bea Smith", email="bea@example.com")
    keys = _keys(templates_for(owner=alice, contact=person))
    assert "builtin:request_referral_email" not in keys and f"own:{own.pk}" not in keys
    person.referred_by = contact
    keys = _keys(templates_for(owner=alice, contact=person))
    assert "builtin:request_referral_email" not in keys
    person.may_use_referrer_name = True
    keys = _keys(templates_for(owner=alice, contact=person))
    assert "builtin:request_referral_email" in keys and f"own:{own.pk}" in keys


def test_it_offers_only_linkedin_templates_without_an_email(alice):
    person = Contact.objects.create(owner=alice, name="Bea Smith")
    offered = templates_for(owner=alice, contact=person)
    assert offered and {c.channel for c in offered} == {"linkedin"}
    assert "builtin:thank_you_linkedin" in _keys(offered)
    person.other_emails = ["bea@example.com"]
    assert "builtin:request_email" in _keys(templates_for(owner=alice, contact=person))


def test_it_gets_a_template_by_key(alice, bob):
    own = Template.objects.create(owner=alice, name="Mine", kind="request", body="Hi")
    assert template_get(owner=alice, key="builtin:thank_you_email") == BUILTINS["thank_you_email"]
    got = template_get(owner=alice, key=f"own:{own.pk}")
    assert (got.name, got.body, got.builtin) == ("Mine", "Hi", False)
    for key in (f"own:{own.pk}", "builtin:nope", "own:x", "request_email", ""):
        with pytest.raises(LookupError):
            template_get(owner=bob if key.startswith("own:") else alice, key=key)


def test_a_customised_builtin_follows_its_new_key(alice):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "coffeechat.outreach.migrations.0004_builtin_keys_by_family_and_channel"
    )
    mine = Template.objects.create(
        owner=alice,
        name="My update",
        kind="keep_in_touch",
        subject="News",
        body="Hi {{ first_name }}, {{ update }}.",
        builtin_key="keep_in_touch_update",
    )
    migration.rename(apps, None)
    mine.refresh_from_db()
    assert mine.builtin_key == "keep_in_touch_update_email"
    offered = _keys(templates_for(owner=alice, kind="keep_in_touch"))
    assert f"own:{mine.pk}" in offered and "builtin:keep_in_touch_update_email" not in offered


# Bounded output


def _joined(field: str, times: int) -> str:
    return "{{ " + " ~ ".join([field] * times) + " }}"


def test_it_joins_fields_with_a_tilde():
    assert render("{{ first_name ~ ' ' ~ last_name }}", DEMO_FIELDS) == "Ines Carvalho"
    assert render("{{ 'a' ~ 'b' }}", {}) == "ab"


def test_it_refuses_to_join_past_the_output_cap_before_joining():
    body = _joined("my_pitch", 441)
    assert (
        len(body) <= templating.MAX_TEMPLATE_CHARS and template_check(subject="", body=body) is None
    )
    with pytest.raises(ValidationError, match="longer than 100,000 characters"):
        render(body, {"my_pitch": "x" * 1_000_000})
    # Joined in parentheses, each join is held to the cap on its own.
    nested = "{{ (" + " ~ ".join(["my_pitch"] * 20) + ") ~ (my_pitch ~ my_pitch) }}"
    with pytest.raises(ValidationError, match="longer than 100,000 characters"):
        render(nested, {"my_pitch": "x" * 6_000})


def test_it_stops_filling_in_once_the_output_passes_the_cap():
    assert render("{{ my_pitch }}" * 10, {"my_pitch": "x" * 10_000}) == "x" * 100_000
    with pytest.raises(ValidationError, match="longer than 100,000 characters"):
        render("{{ my_pitch }}" * 11, {"my_pitch": "x" * 10_000})
    with pytest.raises(ValidationError, match="longer than 100,000 characters"):
        render("{{ my_pitch|upper }}", {"my_pitch": "x" * 100_001})


@pytest.mark.parametrize("name", ["self", "loop", "caller", "varargs", "kwargs"])
def test_it_refuses_jinjas_own_names_as_unknown_fields(name):
    body = "Hi {{ " + name + " }}"
    assert _errors(body=body)["body"][0].startswith(f"Line 1: there is no field {{{{ {name} }}}}.")
    with pytest.raises(ValidationError, match="there is no field"):
        render(body, DEMO_FIELDS)
