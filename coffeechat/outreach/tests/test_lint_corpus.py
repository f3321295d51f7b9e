"""The etiquette linter measured on a labelled corpus: precision and recall for each rule.

Each line of corpus/messages.jsonl is one message someone might write, with the findings a
careful reader would give it at error and warning level (tips are advice, not scored). The
test fails when a rule's precision falls below PRECISION_FLOOR or its recall below
RECALL_FLOOR. docs/linter.md shows the same table; after changing a rule or the corpus, run

    python -m coffeechat.outreach.tests.test_lint_corpus --update

to rewrite it, and the test checks that the page and the numbers agree.
"""

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from coffeechat.outreach.lint import CHANNELS, KINDS, RULES, Draft, lint

CORPUS = Path(__file__).parent / "corpus" / "messages.jsonl"
DOC = Path(__file__).resolve().parents[3] / "docs" / "linter.md"
TABLE_START = "<!-- corpus table: start -->"
TABLE_END = "<!-- corpus table: end -->"
PRECISION_FLOOR = 0.95
RECALL_FLOOR = 0.90
SCORED = ("error", "warning")
CONTEXT_FIELDS = {"their_work", "connection", "organization", "referrer", "takeaways"}
# Refusing an oversized text is measured by test_lint_bounded, not by messages people write;
# the last three only ever give tips.
UNSCORED_RULES = {"too-large", "no-question", "about-me", "not-informational"}

Expected = frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Case:
    id: str
    draft: Draft
    expected: Expected
    hard: bool


@dataclass(frozen=True)
class Score:
    code: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float | None:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else None


def load_corpus(path: Path = CORPUS) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        context = row.get("context", {})
        unknown = set(context) - CONTEXT_FIELDS - {"do_not_contact"}
        assert not unknown, f"line {number}: unknown context {sorted(unknown)}"
        draft = Draft(
            body=row["body"],
            subject=row.get("subject", ""),
            kind=row["kind"],
            channel=row["channel"],
            do_not_contact=bool(context.get("do_not_contact")),
            their_work=context.get("their_work", ""),
            connection=context.get("connection", ""),
            organization=context.get("organization", ""),
            referrer=context.get("referrer", ""),
            takeaways=tuple(context.get("takeaways", ())),
        )
        expected = frozenset(tuple(item.split(":")) for item in row["expect"])
        cases.append(Case(row["id"], draft, expected, bool(row.get("hard"))))
    return cases


def found(draft: Draft) -> Expected:
    return frozenset((f.code, f.severity) for f in lint(draft) if f.severity in SCORED)


def scores(cases: list[Case]) -> list[Score]:
    """One score per rule, in the order of RULES, then "all rules" over every finding."""
    tallies: dict[str, Counter[str]] = {
        rule.code: Counter() for rule in RULES if rule.code not in UNSCORED_RULES
    }
    for case in cases:
        got = found(case.draft)
        for pair in got | case.expected:
            outcome = (
                "tp" if pair in got and pair in case.expected else "fp" if pair in got else "fn"
            )
            tallies[pair[0]][outcome] += 1
    rows = [Score(code, t["tp"], t["fp"], t["fn"]) for code, t in tallies.items()]
    total = Counter[str]()
    for tally in tallies.values():
        total.update(tally)
    return rows + [Score("all rules", total["tp"], total["fp"], total["fn"])]


def disagreements(cases: list[Case]) -> list[str]:
    lines = []
    for case in cases:
        got = found(case.draft)
        for code, severity in sorted(case.expected - got):
            lines.append(f"{case.id}: missed {code}:{severity}")
        for code, severity in sorted(got - case.expected):
            lines.append(f"{case.id}: wrongly found {code}:{severity}")
    return lines


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def table(cases: list[Case]) -> str:
    hard = sum(case.hard for case in cases)
    lines = [
        f"Measured on {len(cases)} messages ({hard} written to be hard), errors and warnings.",
        "",
        "| rule | found rightly | found wrongly | missed | precision | recall |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for score in scores(cases):
        name = f"**{score.code}**" if score.code == "all rules" else f"`{score.code}`"
        lines.append(
            f"| {name} | {score.true_positives} | {score.false_positives} | "
            f"{score.false_negatives} | {_ratio(score.precision)} | {_ratio(score.recall)} |"
        )
    return "\n".join(lines)


def doc_with_table(doc: str, new_table: str) -> str:
    before, _, rest = doc.partition(TABLE_START)
    _, _, after = rest.partition(TABLE_END)
    return f"{before}{TABLE_START}\n{new_table}\n{TABLE_END}{after}"


# Tests ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_corpus()


def test_corpus_is_large_and_varied(cases):
    assert len(cases) >= 150
    assert sum(case.hard for case in cases) * 3 >= len(cases)
    assert len({case.id for case in cases}) == len(cases)
    kinds = Counter(case.draft.kind for case in cases)
    for kind in ("request", "nudge", "confirmation", "thank_you", "keep_in_touch"):
        assert kinds[kind] >= 5, kind
    assert {case.draft.channel for case in cases} >= {"email", "linkedin"}
    assert all(case.draft.kind in KINDS and case.draft.channel in CHANNELS for case in cases)


def test_corpus_labels_name_real_rules_and_every_rule_has_examples(cases):
    codes = {rule.code for rule in RULES}
    positives: Counter[str] = Counter()
    for case in cases:
        for code, severity in case.expected:
            assert code in codes, f"{case.id}: no rule {code}"
            assert severity in SCORED, f"{case.id}: {severity} is not scored"
            positives[code] += 1
    for code in codes - UNSCORED_RULES:
        assert positives[code] >= 3, f"{code} has {positives[code]} examples; add more"


def test_linter_meets_the_floors_on_the_corpus(cases, capsys):
    with capsys.disabled():
        print("\n" + table(cases))
    below = [
        f"{s.code}: precision {_ratio(s.precision)}, recall {_ratio(s.recall)}"
        for s in scores(cases)
        if (s.precision is not None and s.precision < PRECISION_FLOOR)
        or (s.recall is not None and s.recall < RECALL_FLOOR)
    ]
    assert not below, "\n".join(below + ["", *disagreements(cases)])


def test_docs_show_the_current_table(cases):
    doc = DOC.read_text(encoding="utf-8")
    assert TABLE_START in doc and TABLE_END in doc
    assert doc_with_table(doc, table(cases)) == doc, (
        "docs/linter.md is out of date: run "
        "python -m coffeechat.outreach.tests.test_lint_corpus --update"
    )


def main(argv: list[str]) -> int:
    cases = load_corpus()
    if argv == ["--update"]:
        DOC.write_text(doc_with_table(DOC.read_text(encoding="utf-8"), table(cases)))
        print(f"Updated {DOC.name}.")
        return 0
    print(table(cases))
    print("\n".join(disagreements(cases)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
