import pytest
from django.core.exceptions import ValidationError

from coffeechat.conversations.question_lint import (
    LONGEST_QUESTION_WORDS,
    RULES,
    QuestionFinding,
    has_errors,
    lint_question,
)


def found(text: str, code: str) -> list[QuestionFinding]:
    return [finding for finding in lint_question(text) if finding.code == code]


def spans(text: str, code: str) -> list[str]:
    return [text[f.start : f.end] for f in found(text, code) if f.start is not None]


# The whole linter ----------------------------------------------------------------------------


def test_it_finds_nothing_in_a_good_question():
    assert lint_question("What surprised you most in your first year on the team?") == []


def test_it_finds_nothing_in_an_empty_box():
    assert lint_question("") == lint_question("   \n") == []


def test_it_orders_errors_then_warnings_then_tips():
    text = "Do you know how much do you make? What does your firm do, and are you hiring"
    severities = [finding.severity for finding in lint_question(text)]
    assert severities == sorted(severities, key=["error", "warning", "tip"].index)
    assert {"job-ask", "their-salary", "closed", "searchable"} == {
        finding.code for finding in lint_question(text)
    }
    assert has_errors(lint_question(text))
    assert not has_errors(lint_question("Do you enjoy it?"))


def test_it_refuses_text_over_the_limit_before_reading_it():
    lint_question("why " * 5000)
    with pytest.raises(ValidationError, match="Keep this to 20,000 characters"):
        lint_question("why " * 5001)


def test_it_finds_each_question_among_sentences():
    text = "I read your essay. Do you still teach? Thanks! And is it fun?\nAre there jobs"
    assert spans(text, "closed") == ["Do you", "is it"]


def test_it_lets_a_question_ask_leave_to_use_a_name_wherever_the_name_comes():
    assert found("Would you mind if I use, when I write, your name?", "closed") == []
    assert spans("Do you name the verbs you use?", "closed") == ["Do you"]


def test_rules_have_unique_kebab_case_codes():
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert code == code.lower() and " " not in code and "_" not in code


# Closed questions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "opening"),
    [
        ("Do you enjoy the work?", "Do you"),
        ("Is it hard to get into the field?", "Is it"),
        ("Are there many people from law in your team?", "Are there"),
        ("Can I learn this on my own?", "Can I"),
        ("Did you always want to do this?", "Did you"),
        ("Have you ever regretted the move?", "Have you"),
        ("Would you recommend this path?", "Would you"),
        ("Should I get a master's degree first?", "Should I"),
        ("Looking back, did you choose well?", "did you"),
        ("I read your essay on maps. So do you still teach?", "do you"),
        ("doesn't it get tiring?", "doesn't it"),
    ],
)
def test_it_flags_a_yes_or_no_question(text, opening):
    assert spans(text, "closed") == [opening]
    finding = found(text, "closed")[0]
    assert finding.severity == "warning"
    assert "How" in finding.message and "What" in finding.message


def test_it_suggests_an_open_rephrasing():
    message = found("Do you like it?", "closed")[0].message
    assert "“What do you …”" in message and "“How do you …”" in message
    assert "“What … are there”" in found("Are there jobs?", "closed")[0].message


def test_it_flags_each_closed_question_in_a_pair():
    assert spans("Is it stressful? Do you travel?", "closed") == ["Is it", "Do you"]


@pytest.mark.parametrize(
    "text",
    [
        "How did you choose this field?",
        "What do you enjoy most about it?",
        "Which skills matter, do you think, in the first year?",
        "Why did you move from research to policy?",
        "Where do you see the field going?",
        "Could you walk me through a typical week?",
        "Would you tell me how the team is organised?",
        "May I mention your name when I write to them?",
        "Can I use your name when I contact her?",
        "Can you recommend anyone else I should talk to?",
        "Could you suggest someone in policy I might speak with?",
        "Is there anyone else you'd recommend I talk to?",
        "Given my background, what would you learn first?",
        "Isabel mentioned your team; how did it start?",
        "Canada has a big tech scene: how did you find your way in?",
    ],
)
def test_it_leaves_open_questions_alone(text):
    assert found(text, "closed") == []


# Questions a search answers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("What does your company do?", "What does your company do"),
        ("How many employees work there?", "How many employees"),
        ("Where is your headquarters?", "Where is your headquarters"),
        ("Where are you headquartered?", "Where are you headquartered"),
        ("When was the organisation founded?", "When was the organisation founded"),
        ("When did your company start?", "When did your company start"),
        ("What products does the firm make?", "What products does"),
        ("Who is the CEO?", "Who is the CEO"),
        ("What is your company's mission?", "What is your company's mission"),
    ],
)
def test_it_flags_a_question_the_website_answers(text, phrase):
    assert spans(text, "searchable") == [phrase]
    assert found(text, "searchable")[0].severity == "warning"
    assert "Look it up" in found(text, "searchable")[0].message


@pytest.mark.parametrize(
    "text",
    [
        "How does the company's mission show up in your day-to-day work?",
        "When did you get started in this field?",
        "How many hours a week go to meetings?",
        "What do you wish the website told people about working there?",
        "Who do you work with most closely?",
    ],
)
def test_it_leaves_questions_only_they_can_answer_alone(text):
    assert found(text, "searchable") == []


# Asking for a job ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Are you hiring at the moment?", "Are you hiring"),
        ("Is your team currently hiring?", "Is your team currently hiring"),
        ("What would it take for you to hire me?", "hire me"),
        ("How could you refer me for a role on your team?", "refer me for a role"),
        ("Are there any openings I could apply for?", "Are there any openings"),
        ("Do you have any vacancies?", "Do you have any vacancies"),
        ("Who could put in a good word for me?", "put in a good word"),
        ("How could I apply to your team?", "apply to your team"),
        ("Where should I forward my résumé?", "forward my résumé"),
        ("Is there a job for me here?", "a job for me"),
    ],
)
def test_it_refuses_asking_for_a_job(text, phrase):
    assert spans(text, "job-ask") == [phrase]
    finding = found(text, "job-ask")[0]
    assert finding.severity == "error"
    assert "insight and advice" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "What do you look for in someone new to the field?",
        "How do people here usually hear about openings?",
        "Who else would you recommend I talk to?",
        "Who could you refer me to for another view?",
        "How can I apply what I learned in my degree?",
        "Who is hiring in this field right now, from what you see?",
    ],
)
def test_it_leaves_questions_about_the_work_alone(text):
    assert found(text, "job-ask") == []


# Their own salary ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("How much do you make?", "How much do you make"),
        ("How much money do you earn a year?", "How much money do you earn"),
        ("What is your salary?", "your salary"),
        ("What do you get paid?", "What do you get paid"),
        ("What do you earn in this job?", "What do you earn"),
        ("What do you make a year?", "What do you make"),
        ("How much are you paid?", "How much are you paid"),
        ("How has your pay changed over time?", "your pay"),
    ],
)
def test_it_refuses_asking_what_they_earn(text, phrase):
    assert spans(text, "their-salary") == [phrase]
    finding = found(text, "their-salary")[0]
    assert finding.severity == "error"
    assert "range" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "What salary range is typical for someone starting out?",
        "What is a fair salary range for this role in this city?",
        "How does your salary band compare across levels?",
        "What do you make of the move to remote work?",
        "How much do people earn at the start, roughly?",
    ],
)
def test_it_leaves_questions_about_the_range_alone(text):
    assert found(text, "their-salary") == []


# Length and form -----------------------------------------------------------------------------


def test_it_suggests_shortening_a_long_question():
    text = "What " + "really " * LONGEST_QUESTION_WORDS + "matters?"
    finding = found(text, "too-long")[0]
    assert finding.severity == "tip"
    assert f"{LONGEST_QUESTION_WORDS + 2} words" in finding.message
    assert text[finding.start : finding.end] == "really matters?"


def test_it_leaves_a_question_of_ordinary_length_alone():
    text = "What " + "really " * (LONGEST_QUESTION_WORDS - 2) + "matters?"
    assert found(text, "too-long") == []


def test_it_points_out_a_statement_that_is_not_a_question():
    finding = found("Tell me about your typical day.", "not-a-question")[0]
    assert finding.severity == "tip" and finding.start is None


def test_it_takes_a_question_mark_anywhere():
    assert found("What do you enjoy most? I am curious.", "not-a-question") == []
