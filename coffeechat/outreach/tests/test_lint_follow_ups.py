"""The follow-up rules: a specific thank-you, a keep-in-touch note with something in it, and
the LinkedIn connection note's 300 characters."""

import pytest

from coffeechat.outreach.lint import LINKEDIN_NOTE_LIMIT, Draft
from coffeechat.outreach.tests.test_lint import found


def thank_you(body: str, **fields) -> Draft:
    return Draft(body=body, subject="Thank you", kind="thank_you", **fields)


def touch(body: str, subject: str = "Hello again", **fields) -> Draft:
    return Draft(body=body, subject=subject, kind="keep_in_touch", **fields)


# vague-thank-you -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Thank you so much. I appreciated all your advice.",
        "Thanks! I learned so much from our conversation.",
        "Thank you. Everything you shared was so useful, and I feel more confident.",
        "Thanks, your tips were great and I will definitely follow your advice going forward.",
        "Thank you for your insights; I will take them on board.",
        "Thank you. You mentioned {{ takeaway }}, which I will try.",
    ],
)
def test_vague_thank_you_sees_through_thanks_that_name_nothing(body):
    [finding] = found(thank_you(body), "vague-thank-you")
    assert finding.severity == "warning"


@pytest.mark.parametrize(
    "body",
    [
        "Thank you, Ella! I've already joined the museum educators' Slack you mentioned.",
        "Thank you. Your explanation of how catastrophe models are validated was fascinating.",
        "Thank you for introducing me to Kenji at the port authority.",
        "Thanks. I learned that conservation teams hire accountants too.",
        "Thank you. Your advice to shadow an informatics nurse was what I needed.",
    ],
)
def test_vague_thank_you_accepts_one_thing_named(body):
    assert not found(thank_you(body), "vague-thank-you")


# empty-touch ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "subject", "words"),
    [
        (
            "I came across an article this week that made me think of you. Hope all is well.",
            "Something I read",
            "link",
        ),
        ("I just saw your news and wanted to say congratulations!", "Congratulations!", "news"),
        ("Congrats on the news, Claire! So happy for you.", "", "news"),
        ("Congratulations on {{ their_news }}!", "Congratulations", "news"),
        ("A quick update since our chat: things are going well!", "Update", "did"),
        ("Just checking in to see how things are going!", "Hi", "reason"),
        ("You have helped me so much. I would love to return the favour.", "Hi", "offer"),
        ("If there is ever anything I can help with, just say!", "Hi", "offer"),
        (
            "Hope you had a lovely start to the year!\n\nBest,\nHamid\nhttps://hamid.example",
            "Hello",
            "reason",
        ),
    ],
)
def test_empty_touch_flags_a_note_with_nothing_in_it(body, subject, words):
    [finding] = found(touch(body, subject), "empty-touch")
    assert finding.severity == "error"
    assert words in finding.message


def test_empty_touch_points_at_an_empty_slot():
    body = "I came across this and thought of you.\n\nTitle: Who owns the last mile?\nLink:\n"
    [finding] = found(touch(body), "empty-touch")
    assert body[finding.start : finding.end] == "Link:"


@pytest.mark.parametrize(
    ("body", "subject"),
    [
        (
            "I came across this piece on open-data licences and thought of you: "
            "https://civicdata.example/licences",
            "An article",
        ),
        ("I came across the regulator's new report and thought of you. I've attached it.", "Hi"),
        ("Congratulations on your appointment as head of network planning!", "Congratulations"),
        ("Congratulations on the promotion to design director, Marcus!", ""),
        ("I just read that the waterfront restoration won the heritage award.", "Well done"),
        ("A quick update: I've enrolled in the informatics certificate.", "An update"),
        ("I'm now volunteering at the food bank two evenings a week.", "News"),
        ("I would like to return the favour: I could review your conference slides.", "Hi"),
        ("Happy to introduce you to the planning team at Northbank if useful.", "An offer"),
    ],
)
def test_empty_touch_accepts_a_link_news_or_something_done(body, subject):
    assert not found(touch(body, subject), "empty-touch")


def test_empty_touch_is_for_keep_in_touch_notes_only():
    draft = Draft(body="Just checking in!", subject="Hi", kind="nudge")
    assert not found(draft, "empty-touch")


# too-long on LinkedIn ------------------------------------------------------------------------


def test_a_linkedin_connection_request_over_300_characters_is_an_error():
    body = "Thanks for your talk on design systems! " * 8
    assert len(body.strip()) > LINKEDIN_NOTE_LIMIT
    [finding] = found(Draft(body=body, channel="linkedin"), "too-long")
    assert finding.severity == "error"


def test_a_linkedin_message_to_a_connection_is_held_to_words_not_characters():
    body = "Thanks again for the call; the Slack group you mentioned is great. " * 5
    assert len(body) > LINKEDIN_NOTE_LIMIT
    draft = Draft(body=body, channel="linkedin", kind="thank_you")
    assert not found(draft, "too-long")
