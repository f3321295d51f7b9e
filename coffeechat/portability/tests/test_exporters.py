import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from django.apps import apps
from django.utils import timezone

from coffeechat.accounts.models import ApiToken, LoginLink, Profile
from coffeechat.contacts.models import Contact
from coffeechat.portability.exporters import (
    CSV_COLUMNS,
    SECTIONS,
    export_csv,
    export_json,
    export_vcard,
    exported_fields,
    format_datetime,
    spreadsheet_safe,
    vcard_escape,
    vcard_fold,
)
from coffeechat.portability.tests.export_data import (
    LOGIN_HASH,
    SECRET,
    TOKEN_HASH,
    make_network,
)

pytestmark = pytest.mark.django_db
FIXED = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z")
DOCS = Path(__file__).resolve().parents[3] / "docs" / "export-format.md"


def json_export(owner, **kwargs) -> bytes:
    stream = io.BytesIO()
    export_json(owner=owner, stream=stream, **kwargs)
    return stream.getvalue()


def test_it_exports_every_section_in_order(alice):
    make_network(alice)
    data = json.loads(json_export(alice, exported_at=FIXED))
    assert list(data) == [
        "format",
        "version",
        "exported_at",
        "profile",
        "organizations",
        "tags",
        "contacts",
        "conversations",
        "reschedules",
        "questions",
        "chosen_questions",
        "takeaways",
        "templates",
        "messages",
        "agenda_marks",
    ]
    assert (data["format"], data["version"], data["exported_at"]) == (
        "coffeechat",
        1,
        "2025-06-01T12:00:00Z",
    )
    for key, _ in SECTIONS:
        assert data[key], f"{key} is empty"


def test_it_exports_every_field_of_every_owned_model(alice):
    make_network(alice)
    data = json.loads(json_export(alice))
    for key, model in SECTIONS:
        expected = {"id", *(f.name for f in exported_fields(model))}
        if model is Contact:
            expected.add("tags")
        for record in data[key]:
            assert set(record) == expected, key
            assert "owner" not in record
    profile_fields = {f.name for f in Profile._meta.concrete_fields}
    assert set(data["profile"]) == profile_fields - {"id", "owner", "feed_token_hash"}


def test_every_model_that_has_an_owner_is_exported_or_a_secret():
    exported = {model for _, model in SECTIONS} | {Profile}
    secrets = {LoginLink, ApiToken}
    for model in apps.get_app_config("contacts").get_models():
        assert model in exported
    for label in ["accounts", "contacts", "outreach", "conversations", "agenda"]:
        for model in apps.get_app_config(label).get_models():
            if any(f.name == "owner" for f in model._meta.fields):
                assert model in exported | secrets, f"{model.__name__} is not exported"


def test_the_format_page_documents_every_section_and_field():
    text = DOCS.read_text()
    for key, model in SECTIONS:
        assert f"`{key}`" in text, key
        for f in exported_fields(model):
            assert f"`{f.name}`" in text, f"{key}.{f.name}"
    for f in exported_fields(Profile):
        assert f"`{f.name}`" in text, f"profile.{f.name}"


def test_it_cross_references_by_export_ids_and_writes_iso_times(alice, bob):
    make_network(bob, prefix="bob-")  # bob's rows come first, so alice's ids are not 1, 2…
    make_network(alice)
    data = json.loads(json_export(alice))
    ines, ben = data["contacts"]
    assert [c["id"] for c in data["contacts"]] == [1, 2]
    assert ines["name"] == "Inês Carvalho"
    assert ines["organization"] == 1 and data["organizations"][0]["name"].startswith("Tidewater")
    assert ines["referred_by"] == ben["id"] == 2
    assert ines["tags"] == [1, 2] and [t["name"] for t in data["tags"]] == ["climate", "design"]
    assert ines["other_emails"] == ["ines@home.example", "i.carvalho@old.example"]
    assert ines["connected_on"] == "2024-05-17"
    assert ISO_UTC.fullmatch(ines["created_at"]) and ISO_UTC.fullmatch(ines["updated_at"])
    [conversation] = data["conversations"]
    assert conversation["contact"] == 1
    assert conversation["requested_at"] == "2025-03-01T09:30:00Z"
    assert data["takeaways"][0]["referral_contact"] == 2
    assert data["reschedules"][0]["conversation"] == 1
    assert [m["conversation"] for m in data["messages"]] == [1, None]
    assert data["agenda_marks"][0]["item_key"] == "thank_you:conversation:1"


def test_it_never_exports_secrets_or_another_users_data(alice, bob):
    make_network(alice)
    make_network(bob, prefix="bob-")
    Contact.objects.create(owner=bob, name="Bob's Secret Friend")
    raw = json_export(alice).decode()
    for secret in [SECRET, TOKEN_HASH, LOGIN_HASH, "feed_token_hash", "token_hash"]:
        assert secret not in raw
    assert "Bob's Secret Friend" not in raw
    assert '"owner"' not in raw


@pytest.mark.django_db(transaction=True)  # outside a transaction: export_json starts its own
def test_two_exports_of_the_same_data_are_byte_identical(alice):
    make_network(alice)
    first = json_export(alice, exported_at=FIXED)
    assert json_export(alice, exported_at=FIXED) == first
    now = json.loads(json_export(alice))["exported_at"]
    assert abs(datetime.fromisoformat(now) - timezone.now()).total_seconds() < 60


def test_it_writes_one_record_a_line_and_to_a_text_stream_too(alice):
    make_network(alice)
    raw = json_export(alice, exported_at=FIXED).decode()
    assert '    {"id": 1, "name": "Inês Carvalho"' in raw  # readable, not \u-escaped
    text = io.StringIO()
    export_json(owner=alice, stream=text, exported_at=FIXED)
    assert text.getvalue() == raw


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-03-01 09:30:00", "2025-03-01T09:30:00Z"),  # as SQLite keeps it
        ("2025-03-01 09:30:00.250000", "2025-03-01T09:30:00.250000Z"),
        ("2000-01-01 00:00:00.001+00", "2000-01-01T00:00:00.001000Z"),  # as PostgreSQL
        ("2025-03-01 10:30:00.25+01", "2025-03-01T09:30:00.250000Z"),
        (datetime(2025, 3, 1, 10, 30, tzinfo=ZoneInfo("Europe/Berlin")), "2025-03-01T09:30:00Z"),
        (datetime(2025, 3, 1, 9, 30), "2025-03-01T09:30:00Z"),
        (None, None),
    ],
)
def test_format_datetime(value, iso):
    assert format_datetime(value) == iso


def test_it_exports_an_empty_account(alice):
    data = json.loads(json_export(alice))
    assert data["profile"] is None
    assert all(data[key] == [] for key, _ in SECTIONS)


def test_it_reports_progress(alice):
    make_network(alice)
    calls = []
    export_json(owner=alice, stream=io.BytesIO(), progress=lambda *a: calls.append(a))
    total = calls[-1][0]
    assert calls[-1] == (total, total) and total > 10


# CSV


def csv_rows(owner) -> tuple[bytes, list[dict[str, str]]]:
    stream = io.BytesIO()
    export_csv(owner=owner, stream=stream)
    raw = stream.getvalue()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    return raw, list(reader)


def test_it_writes_contacts_as_csv_for_excel(alice):
    make_network(alice)
    raw, rows = csv_rows(alice)
    assert raw.startswith(b"\xef\xbb\xbfname,first_name,")
    assert raw.count(b"\r\n") >= 3
    assert list(rows[0]) == CSV_COLUMNS
    ines, ben = rows
    assert ines["name"] == "Inês Carvalho"
    assert ines["email"] == "ines@tidewater.example"
    assert ines["other_emails"] == "ines@home.example; i.carvalho@old.example"
    assert ines["organization"] == "Tidewater, Analytics; Ltd"
    assert ines["tags"] == "climate; design"
    assert ines["priority"] == "high"
    assert ines["stage"] == "held"
    assert ines["referred_by"] == "Ben Castellanos"
    assert ines["connection_note"] == 'Met at "Maps", then talked; over coffee\nSecond line'
    assert ines["connected_on"] == "2024-05-17"
    assert ines["do_not_contact"] == "no" and ben["do_not_contact"] == "yes"
    assert ISO_UTC.fullmatch(ines["created_at"])
    assert ben["stage"] == "prospect" and ben["organization"] == ""


def test_it_neutralises_cells_a_spreadsheet_would_run(alice):
    make_network(alice)
    _, [ines, _] = csv_rows(alice)
    assert ines["their_work"] == '\'=HYPERLINK("http://evil.example")'
    assert ines["phone"] == "'+351 21 000 0000"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+1 555", "'+1 555"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\nx", "'\nx"),
        # Leading white space before a formula character: some spreadsheets skip it.
        (" =1+2", "' =1+2"),
        ("  +1", "'  +1"),
        ("\t -2", "'\t -2"),
        ("\u00a0@SUM(A1)", "'\u00a0@SUM(A1)"),
        ("\u3000=1", "'\u3000=1"),
        # Full-width forms, which spreadsheets with East Asian input read as the ASCII ones.
        ("\uff1d1+2", "'\uff1d1+2"),
        ("\uff0b1", "'\uff0b1"),
        ("\uff0d1", "'\uff0d1"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        (" plain", " plain"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


def test_it_neutralises_a_formula_in_any_column(alice):
    Contact.objects.create(
        owner=alice, name="=cmd|' /C calc'!A0", title="@evil", research_notes="-1", email="+x@y"
    )
    _, [row] = csv_rows(alice)
    assert row["name"] == "'=cmd|' /C calc'!A0"
    assert (row["title"], row["research_notes"], row["email"]) == ("'@evil", "'-1", "'+x@y")


@pytest.mark.parametrize(
    "value",
    [
        "=1+2",
        "+1",
        "-1",
        "@A1",
        "\tx",
        "\rx",
        "\nx",
        " =1",
        "\t\n+1",
        "\uff1d1",
        "\uff0b1",
        "\uff0d1",
        "\uff20A1",
    ],
)
def test_it_neutralises_each_formula_start_in_the_file(alice, value):
    Contact.objects.create(owner=alice, name=f"Ada {value}", title=value, research_notes=value)
    _, [row] = csv_rows(alice)
    assert row["name"] == f"Ada {value}"
    assert row["title"] == row["research_notes"] == "'" + value


def test_it_writes_only_the_header_without_contacts(alice):
    raw, rows = csv_rows(alice)
    assert rows == [] and raw.decode("utf-8-sig") == ",".join(CSV_COLUMNS) + "\r\n"


# vCard


def vcards(owner) -> str:
    stream = io.BytesIO()
    export_vcard(owner=owner, stream=stream)
    return stream.getvalue().decode("utf-8")


def test_it_writes_vcard_4_that_vobject_reads_back(alice):
    make_network(alice)
    text = vcards(alice)
    ines, ben = vobject.readComponents(text)
    assert ines.version.value == "4.0"
    assert ines.fn.value == "Inês Carvalho"
    assert (ines.n.value.family, ines.n.value.given) == ("Carvalho", "Inês")
    assert [e.value for e in ines.email_list] == [
        "ines@tidewater.example",
        "ines@home.example",
        "i.carvalho@old.example",
    ]
    assert ines.email.params == {"PREF": ["1"]}
    assert ines.tel.value == "+351 21 000 0000"
    assert ines.org.value == ["Tidewater, Analytics; Ltd"]
    assert ines.title.value == "Head of Research"
    assert ines.url.value == "https://www.linkedin.com/in/ines-carvalho"
    assert ines.tz.value == "Europe/Lisbon"
    assert ines.categories.value == ["climate", "design"]
    assert re.fullmatch(r"\d{8}T\d{6}Z", ines.rev.value)
    note = ines.note.value
    assert "Location: Lisbon, Portugal" in note
    assert 'How we are connected: Met at "Maps", then talked; over coffee\nSecond line' in note
    assert "with residents; see \\ notes" in note
    assert "Referred by: Ben Castellanos" in note
    assert ben.fn.value == "Ben Castellanos" and not hasattr(ben, "org")


def test_its_vcard_lines_are_folded_crlf_and_at_most_75_octets(alice):
    long = "Ünïcödé 🌍 " * 40
    Contact.objects.create(owner=alice, name=long.strip()[:200], research_notes=long)
    text = vcards(alice)
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert lines[0] == "BEGIN:VCARD" and lines[1] == "VERSION:4.0" and lines[-1] == "END:VCARD"
    assert max(len(line.encode()) for line in lines) <= 75
    assert any(line.startswith(" ") for line in lines)
    [card] = vobject.readComponents(text)
    assert card.fn.value == long.strip()[:200]
    assert card.note.value == "Research notes: " + long.strip()


def test_vcard_escape_and_fold():
    assert vcard_escape("a,b;c\\d\ne\r\nf\rg") == "a\\,b\\;c\\\\d\\ne\\nf\\ng"
    assert vcard_escape("tab\tkept, bell\x07 dropped") == "tab\tkept\\, bell dropped"
    assert vcard_fold("x" * 75) == "x" * 75
    assert vcard_fold("x" * 76) == "x" * 75 + "\r\n x"
    folded = vcard_fold("é" * 80)  # two octets each: never split inside one
    assert [len(part.encode()) for part in folded.split("\r\n")] == [74, 1 + 74, 1 + 12]


LINE_SEPARATORS = ["\u2028", "\u2029", "\x85", "\v", "\f", "\x1c", "\x1d", "\x1e", "\r", "\n"]


@pytest.mark.parametrize("separator", LINE_SEPARATORS)
def test_vcard_escape_writes_any_line_separator_as_an_escaped_line_break(separator):
    assert vcard_escape(f"one{separator}two") == "one\\ntwo"


@pytest.mark.parametrize("separator", LINE_SEPARATORS)
def test_a_line_separator_in_a_value_never_ends_the_vcard_line(alice, separator):
    value = f"first{separator}second"
    Contact.objects.create(
        owner=alice,
        name=f"Ada{separator}Lovelace",
        title=value,
        phone=f"+44{separator}1",
        email=f"ada{separator}@example.com",
        research_notes=value,
    )
    text = vcards(alice)
    # Every reader, whichever characters it breaks lines at, sees the same lines.
    assert text.splitlines() == text.split("\r\n")[:-1]
    [card] = vobject.readComponents(text)
    assert card.fn.value == "Ada\nLovelace"
    assert card.title.value == "first\nsecond"
    assert card.tel.value == "+44\n1"
    assert card.email.value == "ada\n@example.com"
    assert card.note.value == "Research notes: first\nsecond"


def test_it_percent_encodes_what_would_break_a_url_line(alice):
    Contact.objects.create(owner=alice, name="Ada", linkedin_url="https://x.example/a b\u2028c")
    [card] = vobject.readComponents(vcards(alice))
    assert card.url.value == "https://x.example/a%20b%E2%80%A8c"


def test_it_writes_nothing_without_contacts(alice):
    assert vcards(alice) == ""
