"""The linter's work grows with the text, never faster, and huge text is refused at once.

Every bound here is a ratio to something measured in the same test (a normal message linted
on the same machine a moment before), never a number of seconds, so a slow or busy machine
slows both sides alike. A pattern that backtracks shows up as time growing with the square of
the text: far past these ratios.
"""

import time
from collections.abc import Callable

import pytest
from django.urls import reverse

from coffeechat.lib.validation import LINE_LIMIT, TEXT_LIMIT
from coffeechat.outreach.drafting import message_draft_create
from coffeechat.outreach.lint import Draft, lint
from coffeechat.outreach.tests.test_lint_cli import run

NORMAL = """Dear Ms. Okafor,

I'm a final-year design student at Carleton, and your talk on accessible checkout flows at \
UX Ottawa changed how I approach forms. Would you have 20 minutes for a call in the next few \
weeks? You mentioned the Design Guild in your talk. Thank you for considering it.

Best regards,
Sam Lee"""

MEGABYTE = 1_000_000
# Text that keeps a pattern hoping for a closing mark or a next word that never comes.
ADVERSARIAL = {
    "one word, no terminator": "a",
    "why, over and over": "why ",
    "please, over and over": "please ",
    "nested brackets": "[{<(",
    "merge-field openings": "{{",
    "template-tag openings": "{%",
    "square openings": "[a",
    "opening quotes": "“ab ",
    "numbers before a unit": "1 ",
    "cue after cue": "you mentioned ",
    "relation after relation": "my aunt said you ",
    "job asks without punctuation": "are you hiring ",
    "link openings": "http://",
    "closed placeholders": "[a] ",
}
# The ones every run checks; the slow run checks them all.
QUICK = (
    "one word, no terminator",
    "why, over and over",
    "please, over and over",
    "nested brackets",
    "merge-field openings",
    "opening quotes",
)
KINDS = ("request", "thank_you", "keep_in_touch")
# What one character of the worst text may cost against one of a normal message; measured
# near 8, so a factor of 4 of room for a busy machine, and far below what backtracking costs.
PER_CHARACTER_SLACK = 30


def repeat(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def fastest(action: Callable[[], object], times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def lint_every_kind(body: str) -> None:
    for kind in KINDS:
        lint(Draft(body=body, subject="Hello", kind=kind))


def test_it_refuses_a_megabyte_faster_than_it_reads_a_normal_message():
    huge = repeat("why ", MEGABYTE)
    normal = fastest(lambda: lint_every_kind(NORMAL))
    refused = fastest(lambda: lint_every_kind(huge))
    assert refused < normal
    [finding] = lint(Draft(body=huge))
    assert (finding.code, finding.severity, finding.start) == ("too-large", "error", None)
    assert "\n" not in finding.message
    assert f"{MEGABYTE:,}" in finding.message and f"{TEXT_LIMIT:,}" in finding.message


def test_it_refuses_an_overlong_subject_alone():
    [finding] = lint(Draft(body=NORMAL, subject="x" * (LINE_LIMIT + 1)))
    assert (finding.code, finding.field) == ("too-large", "subject")


def test_it_reads_text_up_to_the_limit():
    codes = {f.code for f in lint(Draft(body=repeat("word ", TEXT_LIMIT)))}
    assert "too-large" not in codes and "too-long" in codes


@pytest.mark.parametrize(
    "unit",
    [
        pytest.param(unit, id=name, marks=[] if name in QUICK else [pytest.mark.slow])
        for name, unit in ADVERSARIAL.items()
    ],
)
def test_adversarial_text_at_the_limit_costs_in_proportion_to_its_length(unit):
    body = repeat(unit, TEXT_LIMIT)
    normal = fastest(lambda: lint_every_kind(NORMAL), times=5)
    adversarial = fastest(lambda: lint_every_kind(body), times=1)
    assert adversarial / normal < PER_CHARACTER_SLACK * len(body) / len(NORMAL)


@pytest.mark.slow
@pytest.mark.parametrize("unit", ADVERSARIAL.values(), ids=list(ADVERSARIAL))
def test_eight_times_the_text_costs_about_eight_times_as_much(unit):
    # Linear work grows eightfold; work that grows with the square grows sixty-four-fold.
    short = fastest(lambda: lint_every_kind(repeat(unit, TEXT_LIMIT // 8)))
    full = fastest(lambda: lint_every_kind(repeat(unit, TEXT_LIMIT)))
    assert full / short < 24


def test_the_command_shows_the_refusal_on_one_line(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text(repeat("please ", MEGABYTE - 1), encoding="utf-8")
    result = run("lint", str(path))
    assert result.exit_code == 1, result.output
    first, summary = result.output.splitlines()
    assert first.startswith(f"{path}:1:1: error too-large: ")
    assert summary.startswith("1 error")


def test_the_editor_shows_the_refusal_as_one_finding(alice, alice_client, contact):
    draft = message_draft_create(owner=alice, contact=contact, template="builtin:request_email")
    response = alice_client.post(
        reverse("outreach:message_lint", args=[draft.pk]),
        {"subject": "Hello", "body": repeat("[{<(", MEGABYTE)},
    )
    assert response.status_code == 200
    assert response.text.count('<li class="finding-') == 1
    assert "Keep this to 20,000 characters" in response.text
    assert "placeholder" not in response.text
