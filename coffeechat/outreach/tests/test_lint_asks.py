"""The request rules: polite job asks, doors left open, who the note is for, subject advice."""

import pytest

from coffeechat.outreach.lint import Draft
from coffeechat.outreach.tests.test_lint import found, request, spans

# job-ask -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        ("If it goes well, could you refer me?", "refer me"),
        ("Could you refer me internally?", "refer me"),
        ("Can I send you my CV?", "send you my CV"),
        ("Could I email you my résumé?", "email you my résumé"),
        ("Would you look over my resume?", "look over my resume"),
        ("Here is my CV for context.", "Here is my CV"),
        ("I was wondering whether your team is hiring.", "whether your team is hiring"),
        ("Is your team recruiting right now?", "Is your team recruiting"),
        ("Do you know anyone hiring in Montreal?", "know anyone hiring"),
        ("I'd love to pick your brain about roles on your team.", "pick your brain about roles"),
        ("Are there any roles going?", "roles going"),
        ("Who should I send my application to?", "send my application"),
        ("Tell me how to get hired at your company.", "how to get hired at your"),
    ],
)
def test_job_ask_catches_polite_asks(body, phrase):
    assert spans(request(body), "job-ask") == [phrase]


@pytest.mark.parametrize(
    "body",
    [
        "Could you refer me to someone else I should talk to?",
        "If you can't, could you refer me to a colleague in policy?",
        "Can you recommend anyone else I should talk to?",
        "I'd love to pick your brain about your move into UX.",
        "What do you look for in a CV?",
        "Could you refer me to your colleague Jan in policy?",
        "How did you get a role at your company?",
        "Who is hiring in this field, from what you see?",
    ],
)
def test_job_ask_leaves_asking_for_people_and_advice_alone(body):
    assert not found(request(body), "job-ask")


DOOR_OPEN = [
    "I'd be glad to hear of any news or opportunities in accessibility.",
    "If you hear of any opportunities that fit, I'd be glad to know.",
    "Please keep me in mind if anything comes up.",
    "I'd love to hear about any news or openings you come across.",
    "I took your advice and applied for the site safety internship with the city.",
]


@pytest.mark.parametrize("kind", ["thank_you", "keep_in_touch"])
@pytest.mark.parametrize("body", DOOR_OPEN)
def test_job_ask_lets_a_thank_you_leave_the_door_open(body, kind):
    assert not found(request(body, kind=kind), "job-ask")


@pytest.mark.parametrize("kind", ["request", "nudge"])
@pytest.mark.parametrize("body", DOOR_OPEN)
def test_job_ask_counts_the_open_door_as_the_ask_in_a_request(body, kind):
    findings = found(request(body, kind=kind), "job-ask")
    assert findings and all(finding.severity == "error" for finding in findings)


@pytest.mark.parametrize(
    "body",
    [
        "Please keep me in mind if a position opens up on your team.",
        "Is your team hiring front-end developers?",
        "I've attached my CV in case any roles come up.",
    ],
)
def test_job_ask_still_warns_a_thank_you_that_asks_outright(body):
    [finding] = found(request(body, kind="thank_you"), "job-ask")
    assert finding.severity == "warning"


# not-personal --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "My aunt, Rosa Ferreira, worked with you at the Trust and speaks highly of your work.",
        "My brother was in your cohort and says you gave the best advice.",
        "My mentor at the pharmacy thinks very highly of you.",
        "I noticed you moved from a newsroom into UX writing.",
        "Your Strange Loop talk on compilers got me contributing.",
        "Your Medium post on dbt saved me a week.",
    ],
)
def test_not_personal_accepts_a_connection_by_relation_or_their_path(body):
    assert not found(request(body, subject="Hello"), "not-personal")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ("My aunt told me engineering is a good career.", {}),
        ("My friend said UX is a good field to get into.", {}),
        ("My dad says nursing is hard; could you tell me what the work is like?", {}),
        ("Thank you for your time to talk with me.", {}),
        ("I have long admired Lumen Analytics.", {"organization": "Lumen Analytics"}),
        ("I'd love to hear about your work at Acme.", {"organization": "Acme Corporation"}),
    ],
)
def test_not_personal_is_not_fooled_by_a_relation_or_their_organisation_alone(body, fields):
    assert found(request(body, subject="Hello", **fields), "not-personal")


# no-subject ----------------------------------------------------------------------------------


def test_no_subject_advice_fits_the_kind_of_message():
    def advice(kind: str) -> str:
        [finding] = found(Draft(body="Hello", kind=kind), "no-subject")
        return finding.message

    assert "what you are asking for" in advice("request")
    assert "asking" not in advice("thank_you") and "conversation" in advice("thank_you")
    assert "asking" not in advice("keep_in_touch")
    assert "thread" in advice("nudge")
    assert "time" in advice("confirmation")
