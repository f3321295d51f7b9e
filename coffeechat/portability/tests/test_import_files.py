"""Files no parser can read get one line naming the file, and the line where one is known."""

import io

import pytest

from coffeechat.portability.importers import MAX_IMPORT_BYTES, ImportFileError, parse_file

KINDS = ["linkedin", "google", "vcard"]
HEADER = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def refusal(kind: str, data, filename: str = "upload.csv") -> str:
    with pytest.raises(ImportFileError) as error:
        parse_file(kind, data, filename=filename)
    message = str(error.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("kind", KINDS)
def test_it_refuses_an_empty_file(kind):
    assert refusal(kind, b"  \r\n") == "upload.csv: the file is empty."


@pytest.mark.parametrize("kind", KINDS)
def test_it_refuses_a_binary_file(kind):
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    assert refusal(kind, data) == ("upload.csv: this is not a text file (it contains binary data).")


@pytest.mark.parametrize("kind", ["google", "vcard"])
def test_it_says_to_unzip_an_archive(kind):
    assert "ZIP archive; unzip it" in refusal(kind, b"PK\x03\x04\x14\x00\x00\x00")


def test_it_looks_inside_a_linkedin_archive_and_says_when_it_is_damaged():
    assert refusal("linkedin", b"PK\x03\x04\x14\x00\x00\x00", "export.zip") == (
        "export.zip: this ZIP archive is damaged."
    )


@pytest.mark.parametrize("kind", KINDS)
def test_it_refuses_a_file_over_50_mb_before_reading_it(kind, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: nothing is written or read
    with path.open("rb") as stream:
        message = refusal(kind, stream, "huge.csv")
        assert stream.tell() == 0
    assert message == "huge.csv: the file is 200 MB; coffeechat imports files of up to 50 MB."


def test_it_refuses_too_many_bytes_given_at_once():
    message = refusal("linkedin", HEADER + b"x" * MAX_IMPORT_BYTES)
    assert message.startswith("upload.csv: the file is 50 MB;")


def test_it_refuses_a_stream_that_cannot_say_its_size():
    class Pipe(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[: len(buffer)] = b"a" * len(buffer)
            return len(buffer)

        def seekable(self):
            return False

        def tell(self):
            raise OSError("not seekable")

    assert "the file is larger than 50 MB; coffeechat imports files of up to 50 MB" in refusal(
        "linkedin", io.BufferedReader(Pipe())
    )


@pytest.mark.parametrize("kind", ["linkedin", "google"])
def test_it_names_the_line_and_offset_of_bytes_that_are_not_utf8(kind):
    data = HEADER + b"Ada,Lovelace,,,,,12 Mar 2024\nHel\xe8ne,Ferrand,,,,,12 Mar 2024\n"
    assert refusal(kind, data, "Connections.csv") == (
        "Connections.csv, line 3: not UTF-8 text (byte 0xe8 at offset 101); "
        'save the file as "CSV UTF-8" and import it again.'
    )


def test_it_reads_utf16_text_from_windows():
    data = (HEADER + "Hélène,Ferrand,,,,,12 Mar 2024\n".encode()).decode().encode("utf-16")
    [helene] = parse_file("linkedin", data, filename="Connections.csv")
    assert helene.name == "Hélène Ferrand"


def test_it_names_the_line_of_a_quote_that_is_never_closed():
    data = HEADER + b'Ada,Lovelace,,,,,12 Mar 2024\nBea,"Smith,,,,,1 Mar 2024\nCy,Lee,,,,,\n'
    assert refusal("linkedin", data, "Connections.csv") == (
        "Connections.csv, line 3: a quoted value is never closed (a missing closing quote)."
    )


def test_it_names_the_line_of_a_stray_quote():
    data = HEADER + b'Ada,"Love"lace,,,,,12 Mar 2024\n'
    assert refusal("linkedin", data, "Connections.csv").startswith(
        "Connections.csv, line 2: a quote in the middle of a value"
    )
