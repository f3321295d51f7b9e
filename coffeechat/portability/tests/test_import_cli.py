from pathlib import Path

import pytest
from click.testing import CliRunner

import coffeechat.cli.imports  # noqa: F401 - registers `coffeechat import`
from coffeechat.accounts.services import local_user_get_or_create
from coffeechat.cli import main
from coffeechat.contacts.models import Contact
from coffeechat.portability.models import ImportBatch

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_it_imports_a_linkedin_export_and_prints_a_summary():
    result = run("import", "linkedin", FILES / "Connections.csv")
    assert result.exit_code == 0, result.output
    batch = ImportBatch.objects.get()
    assert result.stdout == (
        "Imported Connections.csv: 9 new, 0 merged, 0 skipped, 1 left out with no name "
        f"(line 12).\nTo undo it: coffeechat imports undo {batch.pk}\n"
    )
    assert Contact.objects.filter(owner=local_user_get_or_create()).count() == 9

    result = run("import", "linkedin", FILES / "Connections-resaved.csv")
    assert result.exit_code == 0, result.output
    assert "Imported Connections-resaved.csv: 4 new, 0 merged, 1 skipped." in result.stdout


@pytest.mark.parametrize(
    ("kind", "name", "summary"),
    [
        ("google", "google-contacts.csv", "4 new, 0 merged, 0 skipped"),
        ("google", "google-contacts-legacy.csv", "2 new, 0 merged, 0 skipped"),
        ("vcard", "contacts-3.0.vcf", "3 new, 0 merged, 0 skipped"),
        ("vcard", "contacts-2.1-latin1.vcf", "2 new, 0 merged, 0 skipped"),
    ],
)
def test_it_imports_google_and_vcard_files(kind, name, summary):
    result = run("import", kind, FILES / name)
    assert result.exit_code == 0, result.output
    assert f"Imported {name}: {summary}." in result.stdout


def test_a_dry_run_says_what_would_happen_and_writes_nothing():
    result = run("import", "vcard", FILES / "contacts-4.0.vcf", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Dry run: would import contacts-4.0.vcf: 2 new, 0 merged, 0 skipped. Nothing was written.\n"
    )
    assert not Contact.objects.exists()


def test_it_shows_progress_on_stderr_for_a_large_file(tmp_path):
    rows = "".join(f"Person,Number {i},,,Org {i % 50},Analyst,12 Mar 2024\n" for i in range(1500))
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" + rows)
    result = run("import", "linkedin", path)
    assert result.exit_code == 0, result.output
    assert "Importing Connections.csv" in result.stderr
    assert result.stdout.startswith("Imported Connections.csv: 1500 new, 0 merged, 0 skipped.\n")


def test_it_refuses_a_bad_file_with_one_line_and_imports_nothing(tmp_path):
    run("import", "linkedin", FILES / "Connections.csv")
    before = Contact.objects.count()
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Bea,Smith,,,Loom,CTO,12 Mar 2024\n"
        "Cy,Lee,,,Loom,CEO,31 Foo 2024\n"
    )
    result = run("import", "linkedin", path)
    assert result.exit_code == 1
    assert result.stderr == (
        'Error: Connections.csv, line 3: "Connected On" is not a date: "31 Foo 2024"\n'
    )
    assert result.stdout == ""
    assert Contact.objects.count() == before


def test_it_refuses_a_value_the_database_would_not_take_and_imports_nothing(tmp_path):
    path = tmp_path / "contacts.vcf"
    path.write_text(
        "BEGIN:VCARD\nFN:Ada\nEND:VCARD\nBEGIN:VCARD\nFN:Bea\nEMAIL:bea@@example\nEND:VCARD\n"
    )
    result = run("import", "vcard", path)
    assert result.exit_code == 1
    assert result.stderr == (
        'Error: contacts.vcf, card 2 (line 4): "EMAIL": Enter a valid email address: '
        '"bea@@example"\n'
    )
    assert not Contact.objects.exists()


def test_it_refuses_the_wrong_export():
    result = run("import", "linkedin", FILES / "Messages.csv")
    assert result.exit_code == 1
    assert "this is not LinkedIn's Connections.csv" in result.stderr


def test_it_refuses_a_file_over_50_mb(tmp_path):
    path = tmp_path / "Connections.csv"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    result = run("import", "linkedin", path)
    assert result.exit_code == 1
    assert "the file is 200 MB; coffeechat imports files of up to 50 MB." in result.stderr


def test_it_says_when_the_file_does_not_exist(tmp_path):
    result = run("import", "google", tmp_path / "nope.csv")
    assert result.exit_code == 1
    assert "Cannot read" in result.stderr and "No such file or directory" in result.stderr


def test_it_answers_a_usage_error_with_exit_code_2():
    assert run("import", "facebook", FILES / "Connections.csv").exit_code == 2
    assert run("import", "linkedin").exit_code == 2


def test_imports_list_tag_and_undo(tmp_path):
    assert run("imports", "list").stdout == "No imports yet.\n"
    run("import", "linkedin", FILES / "Connections.csv")
    number = str(ImportBatch.objects.get().pk)
    listed = run("imports", "list")
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0].split()[:3] == ["#", "File", "Imported"]
    assert lines[1].split()[:2] == [number, "Connections.csv"]

    tagged = run("imports", "tag", number, "LinkedIn 2026")
    assert tagged.stdout == "The people of Connections.csv are tagged “LinkedIn 2026”.\n"
    assert "LinkedIn 2026" in run("imports", "list").stdout

    asked = CliRunner().invoke(main, ["imports", "undo", number], input="n\n")
    assert "- removes 9 people it added" in asked.stdout
    assert asked.stdout.endswith("Nothing changed.\n")
    assert Contact.objects.count() == 9

    done = run("imports", "undo", number, "--yes")
    assert done.exit_code == 0, done.output
    assert done.stdout.endswith("Undone: removed 9 people.\n")
    assert not Contact.objects.exists()
    again = run("imports", "undo", number, "--yes")
    assert (
        again.stdout == f"Import {number} (Connections.csv) was already undone; nothing changed.\n"
    )


@pytest.mark.parametrize("number", ["next", "0", "x", "٣"])
def test_imports_undo_of_an_unknown_import_is_one_line(number):
    run("import", "linkedin", FILES / "Connections.csv")
    if number == "next":
        number = str(ImportBatch.objects.get().pk + 1)
    result = run("imports", "undo", number, "--yes")
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1
    assert Contact.objects.count() == 9


def test_imports_undo_of_another_users_import_changes_nothing(alice):
    from coffeechat.portability.importers import import_contacts, parse_file

    people = parse_file("linkedin", (FILES / "Connections.csv").read_bytes(), filename="c.csv")
    batch = import_contacts(owner=alice, incoming=people, kind="linkedin", filename="c.csv").batch
    result = run("imports", "undo", str(batch.pk), "--yes")
    assert result.exit_code == 1
    assert "There is no import" in result.stderr
    assert Contact.objects.filter(owner=alice).count() == 9


def test_it_imports_linkedins_whole_export_zip(tmp_path):
    import zipfile

    path = tmp_path / "Basic_LinkedInDataExport.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("Export/Profile.csv", "First Name\nAlice\n")
        zipped.writestr("Export/Connections.csv", (FILES / "Connections.csv").read_bytes())
    result = run("import", "linkedin", path)
    assert result.exit_code == 0, result.output
    assert "Imported Basic_LinkedInDataExport.zip: 9 new" in result.stdout
    assert Contact.objects.count() == 9


def test_it_refuses_a_hostile_zip_with_one_line(tmp_path):
    import zipfile

    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("../Connections.csv", (FILES / "Connections.csv").read_bytes())
    result = run("import", "linkedin", path)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: export.zip: the archive holds a file whose path leads outside it "
        '("../Connections.csv").\n'
    )
    assert not Contact.objects.exists()
