import json

import pytest
from click.testing import CliRunner

from coffeechat.cli import main

GOOD_MESSAGE = """Subject: Your talk on accessible checkout flows

Dear Ms. Okafor,

I'm a final-year design student at Carleton, and your talk on accessible checkout flows at \
UX Ottawa changed how I approach forms. I'm exploring a career in accessibility research and \
would value your perspective on how you moved into the field. Would you have 20 minutes for a \
call or coffee in the next few weeks? Thank you for considering it.

Best regards,
Sam Lee
"""

JOB_ASK = """Subject: Quick question

Hello,

I loved your talk. Could we talk for 20 minutes?
Are you hiring? Thanks for any advice!
"""


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture
def message_file(tmp_path):
    def write(text: str | bytes, name: str = "message.txt") -> str:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_it_reports_no_findings_for_a_good_request(message_file):
    result = run("lint", message_file(GOOD_MESSAGE))
    assert result.exit_code == 0, result.output
    assert result.output == "No findings.\n"


def test_it_reports_an_error_with_line_and_column_and_exits_1(message_file):
    path = message_file(JOB_ASK)
    result = run("lint", path)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        f"{path}:6:1: error job-ask: “Are you hiring” reads as asking for a job. Ask for advice "
        "and insight instead; if there is an opening, let them be the one to bring it up."
    )
    assert lines[-1] == "1 error, 0 warnings, 0 tips"


def test_it_counts_lines_from_the_top_of_the_file_without_a_subject(message_file):
    path = message_file("Hi Ana,\nI loved your talk. Would 20 minutes work? Thanks, [Name]\n")
    result = run("lint", "--channel", "linkedin", path)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0].startswith(f"{path}:2:51: error placeholder: ")


def test_it_reads_standard_input():
    result = run("lint", "-", input=GOOD_MESSAGE)
    assert result.exit_code == 0, result.output
    assert result.output == "No findings.\n"


def test_it_names_standard_input_in_findings():
    result = run("lint", "--kind", "thank_you", "-", input="Subject: Hi\n\nGreat chat.\n")
    assert result.exit_code == 0, result.output
    assert "<stdin>:1:1: warning no-thanks: " in result.output
    assert result.output.splitlines()[-1] == "0 errors, 2 warnings, 0 tips"


def test_it_prints_json(message_file):
    result = run("lint", "--json", message_file(JOB_ASK))
    assert result.exit_code == 1, result.output
    [finding] = json.loads(result.output)
    assert finding == {
        "code": "job-ask",
        "severity": "error",
        "message": finding["message"],
        "line": 6,
        "column": 1,
        "start": 57,
        "end": 71,
        "field": "body",
    }


def test_it_prints_subject_findings_on_line_1_in_json():
    result = run("lint", "--json", "-", input="Subject: Ask about [Field]\n\nHi")
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)
    [placeholder] = [f for f in findings if f["code"] == "placeholder"]
    assert placeholder["field"] == "subject"
    assert (placeholder["line"], placeholder["column"], placeholder["start"]) == (1, 1, None)


def test_it_prints_an_empty_json_list_when_all_is_well():
    result = run("lint", "--json", "-", input=GOOD_MESSAGE)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []


def test_it_checks_a_linkedin_note_length():
    result = run("lint", "--channel", "linkedin", "-", input="a" * 320)
    assert result.exit_code == 1, result.output
    assert "<stdin>:1:301: error too-long: " in result.output
    assert "20 characters over" in result.output


def test_it_exits_0_with_only_warnings_and_tips():
    result = run("lint", "-", input="Hello there.")
    assert result.exit_code == 0, result.output
    assert "warning no-subject" in result.output


def test_it_refuses_a_missing_file(tmp_path):
    path = tmp_path / "nowhere.txt"
    result = run("lint", str(path))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: Cannot read {path}: No such file or directory."
    ]


def test_it_refuses_invalid_utf8(message_file):
    path = message_file(b"Subject: Hi\n\nCaf\xe9 at 3?\n")
    result = run("lint", path)
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"Error: {path} is not UTF-8 text")


def test_it_accepts_a_byte_order_mark_and_windows_line_ends(message_file):
    text = "\ufeff" + GOOD_MESSAGE.replace("\n", "\r\n")
    result = run("lint", message_file(text))
    assert result.exit_code == 0, result.output
    assert result.output == "No findings.\n"


@pytest.mark.parametrize("option", ["--kind", "--channel"])
def test_it_refuses_an_unknown_kind_or_channel_as_a_usage_error(option):
    result = run("lint", option, "letter", "-", input="Hi")
    assert result.exit_code == 2
    assert "Invalid value" in result.output


@pytest.mark.parametrize(
    "text",
    ["Subject: Hi\x00\n\nHello", "Hello\x07 there", "x" * 20_001],
    ids=["nul-in-subject", "bell-in-body", "too-long"],
)
def test_it_refuses_what_no_draft_could_hold_with_one_line(message_file, text):
    path = message_file(text)
    result = run("lint", path)
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"Error: {path}: ")


def test_it_refuses_a_file_too_long_to_be_a_message_with_one_line(message_file):
    path = message_file("Are you hiring? " * 62_500)
    result = run("lint", path)
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {path}: the body: Keep this to 20,000 characters (it has 1,000,000)."
    )
    subject = run("lint", "-", input="Subject: " + "x" * 201 + "\n\nHi\n")
    assert subject.exit_code == 1
    assert "the subject: Keep this to 200 characters (it has 201)." in subject.output
