import pytest

from coffeechat.outreach.lint import KINDS, RULES, Draft, Finding, lint

GOOD_REQUEST = """Dear Ms. Okafor,

I'm a final-year design student at Carleton, and your talk on accessible checkout flows at \
UX Ottawa changed how I approach forms. I'm exploring a career in accessibility research and \
would value your perspective on how you moved into the field. Would you have 20 minutes for a \
call or coffee in the next few weeks? Thank you for considering it.

Best regards,
Sam Lee"""

GOOD_SUBJECT = "Your talk on accessible checkout flows"

GOOD_THANK_YOU = """Dear Ms. Okafor,

Thank you for your time on Tuesday. You mentioned that screen-reader testing belongs in every \
sprint, and I have already started doing it on my course project.

Best regards,
Sam Lee"""


def request(body: str, **fields) -> Draft:
    return Draft(body=body, subject=fields.pop("subject", GOOD_SUBJECT), **fields)


def found(draft: Draft, code: str) -> list[Finding]:
    return [f for f in lint(draft) if f.code == code]


def spans(draft: Draft, code: str, field: str = "body") -> list[str]:
    return [
        draft.body[f.start : f.end]
        for f in found(draft, code)
        if f.field == field and f.start is not None
    ]


def words(count: int) -> str:
    return " ".join(["word"] * count)


# The whole linter ----------------------------------------------------------------------------


def test_it_finds_nothing_in_a_good_request():
    assert lint(request(GOOD_REQUEST)) == []


def test_it_finds_nothing_in_a_good_thank_you():
    draft = Draft(body=GOOD_THANK_YOU, subject="Thank you", kind="thank_you")
    assert lint(draft) == []


def test_it_orders_errors_then_warnings_then_tips_then_by_position():
    body = "[Name], are you hiring? " + words(80) + " Any openings? [Company]"
    findings = lint(Draft(body=body, do_not_contact=True))
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=["error", "warning", "tip"].index)
    errors = [f for f in findings if f.severity == "error"]
    assert [f.code for f in errors] == [
        "do-not-contact",
        "placeholder",
        "job-ask",
        "job-ask",
        "placeholder",
    ]
    starts = [f.start for f in errors[1:]]
    assert starts == sorted(starts)
    assert {"no-subject", "no-time-ask", "no-thanks", "too-long"} <= {f.code for f in findings}


def test_rules_have_unique_kebab_case_codes():
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert code == code.lower() and " " not in code and "_" not in code


def test_each_rule_reports_under_its_own_code():
    drafts = [
        Draft(body="", kind=kind, channel=channel, do_not_contact=True)
        for kind in KINDS
        for channel in ("email", "linkedin", "phone")
    ] + [Draft(body="TODO: are you hiring? " + words(200))]
    for rule in RULES:
        for draft in drafts:
            for finding in rule.check(draft):
                assert finding.code == rule.code
                assert finding.severity in ("error", "warning", "tip")
                assert finding.field in ("body", "subject")


def test_rules_apply_only_to_their_kinds_and_channels():
    by_code = {rule.code: rule for rule in RULES}
    assert by_code["no-time-ask"].applies_to(Draft(body="", kind="request"))
    assert not by_code["no-time-ask"].applies_to(Draft(body="", kind="thank_you"))
    assert not by_code["no-subject"].applies_to(Draft(body="", channel="linkedin"))
    assert by_code["do-not-contact"].applies_to(Draft(body="", kind="other", channel="phone"))


# too-long ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "channel", "count", "severity"),
    [
        ("request", "email", 76, "tip"),
        ("request", "email", 150, "tip"),
        ("request", "email", 151, "warning"),
        ("nudge", "email", 101, "warning"),
        ("thank_you", "email", 151, "warning"),
        ("keep_in_touch", "linkedin", 151, "warning"),
    ],
)
def test_too_long_flags_long_messages(kind, channel, count, severity):
    draft = Draft(body=words(count), kind=kind, channel=channel)
    [finding] = found(draft, "too-long")
    assert finding.severity == severity
    assert str(count) in finding.message


@pytest.mark.parametrize(
    ("kind", "channel", "count"),
    [
        ("request", "email", 75),
        ("nudge", "email", 50),
        ("thank_you", "email", 150),
        ("reply", "email", 400),
        ("request", "phone", 400),
        ("request", "linkedin", 55),
    ],
)
def test_too_long_leaves_short_messages_alone(kind, channel, count):
    assert not found(Draft(body=words(count), kind=kind, channel=channel), "too-long")


def test_too_long_points_at_the_first_word_over_the_limit():
    body = " ".join(f"w{i}" for i in range(1, 161))
    [finding] = found(Draft(body=body), "too-long")
    assert body[finding.start : finding.end].split()[0] == "w151"
    assert finding.end == len(body)


def test_too_long_counts_linkedin_note_characters():
    body = "  " + "a" * 342 + "\n"
    [finding] = found(Draft(body=body, channel="linkedin"), "too-long")
    assert finding.severity == "error"
    assert "342" in finding.message and "42 characters over" in finding.message
    assert (finding.start, finding.end) == (302, 344)


def test_too_long_allows_a_linkedin_note_of_exactly_300_characters():
    assert not found(Draft(body="a" * 300, channel="linkedin"), "too-long")


# no-question ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ["I would like to talk to you for 20 minutes.", "Let me know if 20 minutes works."],
)
def test_no_question_flags_a_request_without_a_question(body):
    [finding] = found(request(body), "no-question")
    assert finding.severity == "tip"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Would you have 20 minutes next week?", "request"),
        ("Could we talk?\nThanks.", "request"),
        ("Thank you for your time.", "thank_you"),
    ],
)
def test_no_question_accepts_a_question_or_another_kind(body, kind):
    assert not found(request(body, kind=kind), "no-question")


# about-me ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "I am a student. I'm keen on design. My portfolio is online. I've built apps. "
        "I'd value my chance to ask you.",
        "Me, myself and I: my plans, my goals, mine alone.",
    ],
)
def test_about_me_flags_notes_that_talk_mostly_about_the_sender(body):
    [finding] = found(request(body), "about-me")
    assert finding.severity == "tip"


@pytest.mark.parametrize(
    "body",
    [
        "I am a student. I like design. I read your post. I wonder how you did it. "
        "Your path interests me. Would you share your story?",
        "I am keen. I like it. I want it.",  # too few to matter
        "",
    ],
)
def test_about_me_accepts_a_balanced_note(body):
    assert not found(request(body), "about-me")


# job-ask -------------------------------------------------------------------------------------

JOB_ASKS = [
    ("Do you have any openings on your team?", "any openings on your team"),
    ("Are you hiring?", "Are you hiring"),
    ("Is your design team hiring right now?", "Is your design team hiring"),
    ("Is Acme hiring?", "Is Acme hiring"),
    ("I am looking for a job in UX research.", "looking for a job"),
    ("Could you help me get a job at your company?", "help me get a job"),
    ("I would love a job at your firm.", "love a job"),
    ("I'd love to be considered for the analyst position.", "be considered for"),
    ("Would you refer me for the data analyst role?", "refer me for the data analyst role"),
    ("I would welcome a referral for the open analyst role.", "referral for the open analyst role"),
    ("Could you pass my résumé on to your manager?", "pass my résumé"),
    ("Would you pass along my resume?", "pass along my resume"),
    ("Would you forward my CV to the hiring team?", "forward my CV"),
    ("I've attached my resume for your review.", "attached my resume"),
    ("My CV is attached.", "My CV is attached"),
    ("Could you put in a good word for me?", "put in a good word"),
    ("Please tell me about any job opportunities.", "job opportunities"),
    ("Any vacancies in your department?", "vacancies"),
    ("Are there any positions available?", "positions available"),
    ("Is there an opening on your team?", "an opening"),
    ("I'd love to work for your company.", "love to work for your company"),
    ("I'd love to join your team.", "love to join your team"),
    ("Please keep me in mind.", "keep me in mind"),
    ("Tell me if anything opens up.", "if anything opens up"),
    ("If you hear of anything, tell me.", "If you hear of anything"),
    ("Could you help me get my foot in the door?", "my foot in the door"),
    ("Could you help me get in the door?", "me get in the door"),
    ("Could you introduce me to the hiring manager?", "introduce me to the hiring manager"),
    ("Could you hire me?", "hire me"),
    ("I hope to get hired at a firm like yours.", "I hope to get hired"),
]


@pytest.mark.parametrize(("body", "phrase"), JOB_ASKS)
def test_job_ask_flags_asking_for_a_job(body, phrase):
    draft = request(body)
    assert spans(draft, "job-ask") == [phrase]
    assert all(f.severity == "error" for f in found(draft, "job-ask"))


@pytest.mark.parametrize(
    "body",
    [
        "I admire your job as a designer at Acme.",
        "What does a typical day in your job look like?",
        "How did you get your first job in the field?",
        "How is the job market for new graduates?",
        "Could you give me a referral to someone else I should talk to?",
        "Is there anyone else you'd recommend I speak with?",
        "How did you get your foot in the door?",
        "How did you get hired at Acme?",
        "What do you look for when you are hiring junior designers?",
        "What is the hiring process like?",
        "What jobs are available to someone with a biology degree?",
        "What roles are open to career changers?",
        "How did you land your current role?",
        "What do you look for in a résumé?",
        "I'm not looking for a job; I'd value your advice.",
        "I'm not asking for a job, only for your perspective.",
        "Thank you for the opportunity to learn.",
        "I'd love to join you for coffee.",
        "Your opening keynote was great.",
        "I'm glad to resume our conversation.",
    ],
)
def test_job_ask_leaves_innocent_uses_of_job_words_alone(body):
    assert not found(request(body), "job-ask")


def test_job_ask_gives_one_span_per_ask():
    body = "Are you hiring? If not, please keep me in mind. Thanks!"
    assert spans(request(body), "job-ask") == ["Are you hiring", "keep me in mind"]


@pytest.mark.parametrize(
    ("kind", "severity"),
    [("request", "error"), ("nudge", "error"), ("thank_you", "warning"), ("other", "warning")],
)
def test_job_ask_is_an_error_in_requests_and_nudges_only(kind, severity):
    [finding] = found(request("Are you hiring?", kind=kind), "job-ask")
    assert finding.severity == severity


def test_job_ask_ignores_a_reply_sending_the_resume_they_asked_for():
    assert not found(request("As you asked, I've attached my résumé.", kind="reply"), "job-ask")


def test_job_ask_checks_the_subject():
    [finding] = found(request("Hello", subject="Any openings at Acme?"), "job-ask")
    assert (finding.field, finding.start) == ("subject", None)
    assert "any openings" in finding.message.casefold()


# no-time-ask and long-time-ask ---------------------------------------------------------------


@pytest.mark.parametrize(
    "ask",
    [
        "20 minutes",
        "15-20 minutes",
        "15–30 minutes",
        "15 to 20 minutes",
        "twenty minutes",
        "twenty-five minutes",
        "half an hour",
        "a half-hour",
        "a quarter of an hour",
        "a 20-minute call",
        "15 min",
        "10 mins",
    ],
)
def test_time_ask_accepts_15_to_30_minutes(ask):
    draft = request(f"Would you have {ask} for a call?")
    assert not found(draft, "no-time-ask")
    assert not found(draft, "long-time-ask")


@pytest.mark.parametrize(
    "body",
    ["Could we meet for coffee?", "Could you spare a few minutes?", "Could we talk soon?"],
)
def test_no_time_ask_flags_a_request_without_a_length(body):
    [finding] = found(request(body), "no-time-ask")
    assert finding.severity == "warning"
    assert "15–30 minutes" in finding.message


def test_no_time_ask_is_for_requests_only():
    assert not found(request("Thanks again.", kind="thank_you"), "no-time-ask")


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        ("Could you spare an hour next week?", "an hour"),
        ("Would 60 minutes work?", "60 minutes"),
        ("Could we talk for 30-45 minutes?", "30-45 minutes"),
        ("Could we meet for one or two hours?", "one or two hours"),
    ],
)
def test_long_time_ask_flags_more_than_30_minutes(body, phrase):
    draft = request(body)
    [finding] = found(draft, "long-time-ask")
    assert finding.severity == "warning"
    assert draft.body[finding.start : finding.end] == phrase
    assert not found(draft, "no-time-ask")


def test_long_time_ask_trusts_a_short_ask_next_to_a_long_duration():
    body = "I spent an hour on your article. Would you have 20 minutes?"
    assert not found(request(body), "long-time-ask")


# no-thanks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["request", "nudge", "thank_you"])
def test_no_thanks_flags_a_message_without_thanks(kind):
    [finding] = found(request("Would you have 20 minutes?", kind=kind), "no-thanks")
    assert finding.severity == "warning"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Thank you for considering it.", "request"),
        ("Thanks in advance!", "request"),
        ("I'd be grateful for 20 minutes.", "nudge"),
        ("I really appreciated our talk.", "thank_you"),
        ("I appreciate your time.", "request"),
        ("See you Tuesday at 10.", "confirmation"),
    ],
)
def test_no_thanks_accepts_thanks_or_another_kind(body, kind):
    assert not found(request(body, kind=kind), "no-thanks")


# not-personal --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ("I am a student and would like to talk to you.", {}),
        ("I admire your work.", {"their_work": "Led the checkout redesign"}),
        ("Could we talk?", {"organization": "Acme Corporation", "referrer": "Maria Gomez"}),
        # Their organisation's name is in every note a template writes.
        ("How did you start at Acme?", {"organization": "Acme Corporation"}),
        ("My aunt says engineering pays well. Could you tell me about it?", {}),
    ],
)
def test_not_personal_flags_a_generic_request(body, fields):
    [finding] = found(request(body, subject="Hello", **fields), "not-personal")
    assert finding.severity == "warning"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ("I loved the redesigned checkout.", {"their_work": "Led the checkout redesign"}),
        ("Your accessibility work is great.", {"their_work": "Wrote about accessible forms"}),
        ("We were both at MIT.", {"connection": "Alumni of MIT"}),
        ("I met you at PyCon.", {"connection": "Met at PyCon 2024"}),
        ("Maria thought we should talk.", {"referrer": "Maria Gomez"}),
        ("I enjoyed your talk on data ethics.", {}),
        ("Your article on hiring was sharp.", {}),
        ("I read your thread last week.", {}),
        ("As a fellow Carleton graduate…", {}),
        ("Maria suggested I write to you.", {}),
        ("I'm an alum of your programme.", {}),
    ],
)
def test_not_personal_accepts_a_request_that_says_why_them(body, fields):
    assert not found(request(body, subject="Hello", **fields), "not-personal")


def test_not_personal_is_for_requests_only():
    assert not found(request("Thanks.", subject="Hi", kind="nudge"), "not-personal")


# placeholder ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "placeholder"),
    [
        ("Dear {{ first_name }},", "{{ first_name }}"),
        ("{% if referrer %}Hi{% endif %}", "{% if referrer %}"),
        ("Dear {first_name},", "{first_name}"),
        ("Dear [Name],", "[Name]"),
        ("I work at [Company].", "[Company]"),
        ("I admire [their work].", "[their work]"),
        ("Your work on [specific project/publication]", "[specific project/publication]"),
        ("Dear <Name>,", "<Name>"),
        ("Call me at XXX.", "XXX"),
        ("TODO: add the ask", "TODO"),
        ("I met you at ___.", "___"),
    ],
)
def test_placeholder_flags_unfilled_fields(body, placeholder):
    draft = request(body)
    assert spans(draft, "placeholder")[0] == placeholder
    assert all(f.severity == "error" for f in found(draft, "placeholder"))


def test_placeholder_gives_one_span_each():
    body = "Dear [Name], I loved [their work]."
    assert spans(request(body), "placeholder") == ["[Name]", "[their work]"]


@pytest.mark.parametrize(
    "body",
    [
        "See my portfolio [here](https://example.com).",
        "As noted [1], it works.",
        "Line one<br>line two",
        "Write to <ada@example.com> or <https://example.com>.",
        "The x-axis shows 10x growth; xx marks the spot.",
        "My to-do list for today is short.",
        "It is a __init__ method.",
        "A {} pair and a lone } brace.",
    ],
)
def test_placeholder_leaves_ordinary_text_alone(body):
    assert not found(request(body), "placeholder")


def test_placeholder_checks_the_subject():
    [finding] = found(request("Hello", subject="Advice on [Field]"), "placeholder")
    assert (finding.field, finding.start, finding.severity) == ("subject", None, "error")
    assert "[Field]" in finding.message


# no-subject ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["request", "thank_you", "nudge"])
def test_no_subject_flags_an_email_without_one(kind):
    [finding] = found(Draft(body="Hello", subject="  ", kind=kind), "no-subject")
    assert (finding.severity, finding.field) == ("warning", "subject")


@pytest.mark.parametrize(
    ("subject", "kind", "channel"),
    [
        ("Twenty minutes?", "request", "email"),
        ("", "reply", "email"),
        ("", "request", "linkedin"),
        ("", "request", "phone"),
    ],
)
def test_no_subject_accepts_a_subject_a_reply_or_another_channel(subject, kind, channel):
    draft = Draft(body="Hello", subject=subject, kind=kind, channel=channel)
    assert not found(draft, "no-subject")


# vague-thank-you -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "takeaways"),
    [
        ("Thank you for your time yesterday. It was great to talk.", ()),
        ("Thank you for a great chat.", ("Read Inclusive Design Patterns",)),
    ],
)
def test_vague_thank_you_flags_a_thank_you_without_a_takeaway(body, takeaways):
    draft = Draft(body=body, subject="Thanks", kind="thank_you", takeaways=takeaways)
    [finding] = found(draft, "vague-thank-you")
    assert finding.severity == "warning"


@pytest.mark.parametrize(
    ("body", "takeaways"),
    [
        ("Thanks! I've ordered Inclusive Design Patterns.", ("Read Inclusive Design Patterns",)),
        ("Thanks! I'll start testing with screen readers.", ("Test with a screen reader",)),
        ("Thank you. You mentioned the design guild.", ()),
        ("Thank you for your advice on portfolios.", ()),
        ("Thanks. You suggested I talk to Priya.", ()),
        ("Thanks. I learned a lot about audits.", ()),
        ("Thanks, especially for the reading list.", ()),
        ("Thanks. Your point about audits hit home.", ()),
        ("Thanks for the tip about meetups.", ()),
        ("Thanks. “Ship small, test early” is on my wall.", ()),
    ],
)
def test_vague_thank_you_accepts_a_specific_takeaway(body, takeaways):
    draft = Draft(body=body, subject="Thanks", kind="thank_you", takeaways=takeaways)
    assert not found(draft, "vague-thank-you")


def test_vague_thank_you_is_for_thank_yous_only():
    assert not found(request("Thanks for a great chat."), "vague-thank-you")


# do-not-contact ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["request", "thank_you", "keep_in_touch"])
def test_do_not_contact_is_an_error_for_any_message(kind):
    draft = request(GOOD_REQUEST, kind=kind, do_not_contact=True)
    [finding] = found(draft, "do-not-contact")
    assert (finding.severity, finding.start, finding.end) == ("error", None, None)


def test_do_not_contact_is_silent_otherwise():
    assert not found(request(GOOD_REQUEST), "do-not-contact")


# not-informational ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", ["Could we have a 20-minute call?", "I'd like to meet for 20 minutes."]
)
def test_not_informational_flags_a_request_that_never_says_why(body):
    [finding] = found(request(body), "not-informational")
    assert finding.severity == "tip"


@pytest.mark.parametrize(
    "body",
    [
        "I'd value your advice.",
        "I'm keen to learn how you started.",
        "Any insight would help.",
        "I'd value your perspective.",
        "This is an informational interview request.",
        "I'd love to hear about your path.",
        "I'd love to know about your experience at Acme.",
    ],
)
def test_not_informational_accepts_a_request_that_asks_to_learn(body):
    assert not found(request(body), "not-informational")
