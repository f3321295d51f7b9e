"""LinkedIn's whole data export, a ZIP archive, and the archives nobody should import."""

import io
import struct
import zipfile
from pathlib import Path

import pytest

from coffeechat.portability import reading
from coffeechat.portability.importers import ImportFileError, parse_file

FILES = Path(__file__).parent / "files"
CONNECTIONS = (FILES / "Connections.csv").read_bytes()


def archive(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zipped:
        for name, data in members.items():
            zipped.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def refusal(data: bytes) -> str:
    with pytest.raises(ImportFileError) as error:
        parse_file("linkedin", data, filename="export.zip")
    message = str(error.value)
    assert "\n" not in message and message.startswith("export.zip")
    return message


@pytest.mark.parametrize(
    "name",
    [
        "Connections.csv",
        "Basic_LinkedInDataExport_12-07-2026/Connections.csv",
        "a/b/CONNECTIONS.CSV",
    ],
)
def test_it_finds_connections_anywhere_in_the_archive(name):
    data = archive({"Profile.csv": b"First Name\nAda\n", name: CONNECTIONS, "Messages/": b""})
    people = parse_file("linkedin", data, filename="export.zip")
    assert len([p for p in people if p.name]) == 9
    assert people[0].where == f"export.zip: {name}, line 5"


def test_a_bad_line_inside_the_archive_names_the_archive_the_file_and_the_line():
    bad = CONNECTIONS.replace(b"12 Mar 2024", b"31 Foo 2024")
    message = refusal(archive({"Export/Connections.csv": bad}))
    assert message.startswith("export.zip: Export/Connections.csv, line 5:")


def test_it_refuses_an_archive_without_connections():
    assert (
        refusal(archive({"Profile.csv": b"x"}))
        == "export.zip: the archive holds no Connections.csv."
    )


def test_it_refuses_two_connections_files():
    message = refusal(archive({"a/Connections.csv": CONNECTIONS, "b/connections.csv": CONNECTIONS}))
    assert "holds 2 files named Connections.csv" in message


@pytest.mark.parametrize(
    "name", ["../Connections.csv", "/etc/Connections.csv", "a/../../Connections.csv", "C:/x.csv"]
)
def test_it_refuses_paths_that_lead_outside_the_archive(name):
    message = refusal(archive({name: CONNECTIONS}))
    assert "a file whose path leads outside it" in message


def test_it_refuses_a_zip_bomb_by_its_ratio():
    data = archive({"Connections.csv": b"," * (20 * 1024 * 1024)})
    assert len(data) < 100_000
    assert "far more than a real export" in refusal(data)


def test_it_refuses_a_member_larger_than_an_import_may_be():
    data = bytearray(archive({"Connections.csv": CONNECTIONS}))
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 60 * 1024 * 1024)
    message = refusal(bytes(data))
    assert message == (
        "export.zip: Connections.csv: the file is 60 MB; coffeechat imports files of up to 50 MB."
    )


def test_it_reads_no_more_than_the_archive_says_and_checks_what_it_read():
    # The archive says the member is 10 bytes; its data inflates far beyond that.
    data = bytearray(archive({"Connections.csv": b"x" * 5000}))
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 10)
    struct.pack_into("<I", data, 22, 10)
    assert (
        refusal(bytes(data)) == "export.zip: Connections.csv: the file is damaged in the archive."
    )


def test_it_refuses_an_encrypted_member():
    data = bytearray(archive({"Connections.csv": CONNECTIONS}))
    central = data.rfind(b"PK\x01\x02")
    flags = struct.unpack_from("<H", data, central + 8)[0]
    struct.pack_into("<H", data, central + 8, flags | 0x1)
    assert "encrypted" in refusal(bytes(data))


def test_it_refuses_a_damaged_archive():
    data = archive({"Connections.csv": CONNECTIONS})
    assert refusal(data[: len(data) // 2]) == "export.zip: this ZIP archive is damaged."


def test_it_refuses_an_archive_of_too_many_members(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ARCHIVE_MEMBERS", 3)
    data = archive({f"{i}.csv": b"x" for i in range(4)})
    assert "holds 4 files" in refusal(data)


def test_an_archive_inside_the_archive_is_not_opened():
    inner = archive({"Connections.csv": CONNECTIONS})
    message = refusal(archive({"Connections.csv": inner}))
    assert "ZIP archive; unzip it" in message


def test_other_kinds_still_say_to_unzip():
    data = archive({"contacts.csv": b"x"})
    with pytest.raises(ImportFileError, match="ZIP archive; unzip it"):
        parse_file("google", data, filename="contacts.zip")
