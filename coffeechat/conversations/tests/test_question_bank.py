import re

import pytest

from coffeechat.conversations.models import Question, QuestionCategory
from coffeechat.conversations.question_bank import BUILTIN_BY_KEY, BUILTIN_QUESTIONS
from coffeechat.conversations.question_lint import lint_question
from coffeechat.conversations.questions import question_key


def test_it_ships_at_least_sixty_questions():
    assert len(BUILTIN_QUESTIONS) >= 60


@pytest.mark.parametrize("category", QuestionCategory.values)
def test_every_category_has_questions(category):
    in_category = [text for _, cat, text in BUILTIN_QUESTIONS if cat == category]
    assert len(in_category) >= 4, category


def test_it_offers_several_ways_to_ask_who_else_and_about_their_name():
    who_else = [text for _, cat, text in BUILTIN_QUESTIONS if cat == QuestionCategory.WHO_ELSE]
    assert len(who_else) >= 5
    assert sum("name" in text or "suggested" in text for text in who_else) >= 2


def test_salary_questions_ask_about_the_range_never_their_pay():
    salary = [text for _, cat, text in BUILTIN_QUESTIONS if cat == QuestionCategory.SALARY]
    assert any("range" in text for text in salary)
    for text in salary:
        assert not re.search(r"\byour\s+(salary|pay)\b|\byou\s+(make|earn)\b", text, re.I), text


def test_keys_are_stable_unique_slugs():
    keys = [key for key, _, _ in BUILTIN_QUESTIONS]
    assert len(keys) == len(set(keys)) == len(BUILTIN_BY_KEY)
    for key in keys:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key), key


def test_no_question_is_there_twice():
    texts = [question_key(text) for _, _, text in BUILTIN_QUESTIONS]
    assert len(texts) == len(set(texts))


def test_every_question_fits_and_is_a_question():
    longest = Question._meta.get_field("text").max_length
    for _, category, text in BUILTIN_QUESTIONS:
        assert category in QuestionCategory.values
        assert text == " ".join(text.split())
        assert text.endswith("?") and len(text) <= longest, text


@pytest.mark.parametrize(("key", "text"), [(key, text) for key, _, text in BUILTIN_QUESTIONS])
def test_every_question_passes_the_linter(key, text):
    assert lint_question(text) == [], key
