"""`coffeechat lint`"""

import json
from typing import Any

import click
from django.core.exceptions import ValidationError

from coffeechat.cli import main
from coffeechat.lib.validation import check_line, check_text
from coffeechat.outreach.lint import CHANNELS, KINDS, Draft, Finding, lint

MAX_BYTES = 1_000_000  # far beyond any message; stops a wrong file from being read whole


@main.command("lint")
@click.argument("file", metavar="FILE|-")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="request",
    show_default=True,
    help="What the message is for.",
)
@click.option(
    "--channel",
    type=click.Choice(CHANNELS),
    default="email",
    show_default=True,
    help="How you will send it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def lint_command(file: str, kind: str, channel: str, as_json: bool) -> None:
    """Check a message for etiquette slips before you send it.

    FILE is plain text; "-" reads standard input. If the first line starts with
    "Subject:", it is the subject and the body follows. Exits with 1 when there is
    an error, such as asking for a job or an unfilled merge field.
    """
    name = "<stdin>" if file == "-" else file
    subject, body, body_line = split_message(_read(file, name))
    try:
        # Control characters are no text a draft could hold; a text too long to be a message
        # is the linter's to say (one finding), so only the file's own limit applies here.
        check_line(subject, limit=MAX_BYTES)
        check_text(body, limit=MAX_BYTES)
    except ValidationError as error:
        raise click.ClickException(f"{name}: {' '.join(error.messages)}") from None
    findings = lint(Draft(body=body, subject=subject, kind=kind, channel=channel))
    rows = [_row(finding, body, body_line) for finding in findings]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            click.echo(
                f"{name}:{row['line']}:{row['column']}: "
                f"{row['severity']} {row['code']}: {row['message']}"
            )
        click.echo(_summary(findings))
    if any(finding.severity == "error" for finding in findings):
        click.get_current_context().exit(1)


def _read(file: str, name: str) -> str:
    try:
        with click.open_file(file, "rb") as handle:
            data: bytes = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise click.ClickException(f"Cannot read {name}: {error.strerror or error}.") from None
    if len(data) > MAX_BYTES:
        raise click.ClickException(f"{name} is too large to be a message (over 1 MB).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(
            f"{name} is not UTF-8 text (byte {error.start + 1} cannot be read); "
            "save it as UTF-8 and try again."
        ) from None


def split_message(text: str) -> tuple[str, str, int]:
    """(subject, body, the 0-based line of the file where the body starts)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first, _, rest = text.partition("\n")
    if not first.casefold().startswith("subject:"):
        return "", text, 0
    subject = first[len("subject:") :].strip()
    blank, newline, after = rest.partition("\n")
    if newline and not blank.strip():
        return subject, after, 2
    return subject, rest, 1


def _row(finding: Finding, body: str, body_line: int) -> dict[str, Any]:
    line, column = 1, 1
    if finding.field == "body" and finding.start is not None:
        line = body_line + body.count("\n", 0, finding.start) + 1
        column = finding.start - (body.rfind("\n", 0, finding.start) + 1) + 1
    return {
        "code": finding.code,
        "severity": finding.severity,
        "message": finding.message,
        "line": line,
        "column": column,
        "start": finding.start,
        "end": finding.end,
        "field": finding.field,
    }


def _summary(findings: list[Finding]) -> str:
    if not findings:
        return "No findings."
    counts = {severity: 0 for severity in ("error", "warning", "tip")}
    for finding in findings:
        counts[finding.severity] += 1
    return ", ".join(
        f"{count} {severity}{'' if count == 1 else 's'}" for severity, count in counts.items()
    )
