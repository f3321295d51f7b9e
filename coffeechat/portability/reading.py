"""What the parsers share: reading a file safely, CSV rows with their line numbers, names."""

import codecs
import csv
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from functools import lru_cache
from operator import itemgetter
from typing import BinaryIO

from coffeechat.portability.incoming import MAX_IMPORT_BYTES, ImportFileError


def read_source(source: bytes | BinaryIO, filename: str, *, archive: bool = False) -> bytes:
    """The file's bytes, refused before anything is parsed when it is too large or empty.

    A ZIP archive is refused, unless `archive` says the caller looks inside it.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        size = _stream_size(source)
        if size is not None and size > MAX_IMPORT_BYTES:
            raise _too_large(filename, size)
        data = source.read(MAX_IMPORT_BYTES + 1)
        if size is None and len(data) > MAX_IMPORT_BYTES:
            raise _too_large(filename, None)
    if len(data) > MAX_IMPORT_BYTES:
        raise _too_large(filename, len(data))
    if not data.strip():
        raise ImportFileError(f"{filename}: the file is empty.")
    if is_zip(data) and archive:
        return data
    if is_zip(data):
        raise ImportFileError(
            f"{filename}: this is a ZIP archive; unzip it and import the file inside it."
        )
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(f"{filename}: this is not a text file (it contains binary data).")
    return data


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


# An archive of more members than this is not a data export.
MAX_ARCHIVE_MEMBERS = 10_000
# Text compresses well, but not by more than this; a member that claims to is a ZIP bomb.
MAX_COMPRESSION_RATIO = 200


def member_of_zip(data: bytes, filename: str, wanted: str) -> tuple[bytes, str]:
    """The bytes of the member named `wanted` (in any folder, any case) of a ZIP archive,
    and the name to give it in messages ("export.zip: Connections.csv").

    Refused with one line: a damaged or encrypted archive, a member's path that climbs out
    of the archive or starts at the root, too many members, no such member or two of them,
    and a member larger than an import may be or compressed beyond belief (a ZIP bomb).
    It is read into memory, never written to disk, and never more than the limit is read.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ImportFileError(f"{filename}: this ZIP archive is damaged.") from None
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise ImportFileError(
            f"{filename}: the archive holds {len(members)} files; a data export has fewer "
            f"than {MAX_ARCHIVE_MEMBERS}."
        )
    found = []
    for info in members:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0] or "\x00" in name:
            shown = name.encode("unicode_escape").decode("ascii")[:80]
            raise ImportFileError(
                f'{filename}: the archive holds a file whose path leads outside it ("{shown}").'
            )
        if not info.is_dir() and parts[-1].casefold() == wanted.casefold():
            found.append(info)
    if not found:
        raise ImportFileError(f"{filename}: the archive holds no {wanted}.")
    if len(found) > 1:
        listed = ", ".join(info.filename for info in found[:3])
        raise ImportFileError(
            f"{filename}: the archive holds {len(found)} files named {wanted} ({listed}); "
            "unzip it and import the one you mean."
        )
    info = found[0]
    where = f"{filename}: {info.filename}"
    if info.flag_bits & 0x1:
        raise ImportFileError(f"{where}: the file is encrypted; unzip it and import it.")
    if info.file_size > MAX_IMPORT_BYTES:
        raise _too_large(where, info.file_size)
    if info.file_size > 1024 * 1024 and info.file_size > MAX_COMPRESSION_RATIO * max(
        1, info.compress_size
    ):
        raise ImportFileError(
            f"{where}: compressed {info.file_size // max(1, info.compress_size)} to 1, far more "
            "than a real export; this archive is not imported."
        )
    try:
        with archive.open(info) as member:
            content = member.read(MAX_IMPORT_BYTES + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        raise ImportFileError(f"{where}: the file is damaged in the archive.") from None
    except NotImplementedError:
        raise ImportFileError(
            f"{where}: compressed in a way coffeechat cannot read; unzip it and import it."
        ) from None
    if len(content) > MAX_IMPORT_BYTES:
        raise _too_large(where, None)
    return content, where


def _stream_size(stream: BinaryIO) -> int | None:
    try:
        position = stream.tell()
        size = stream.seek(0, io.SEEK_END)
        stream.seek(position)
        return size - position
    except (AttributeError, OSError, ValueError):
        return None


def _too_large(filename: str, size: int | None) -> ImportFileError:
    megabytes = MAX_IMPORT_BYTES // (1024 * 1024)
    actual = f"{size / (1024 * 1024):.0f} MB" if size else f"larger than {megabytes} MB"
    return ImportFileError(
        f"{filename}: the file is {actual}; coffeechat imports files of up to {megabytes} MB."
    )


def decode_utf8(data: bytes, filename: str) -> str:
    """CSV exports are UTF-8; a file that is not says where the first stray byte is."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows' "Unicode" text; its byte-order mark leaves no doubt.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(f"{filename}: the file is damaged UTF-16 text.") from None
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = bom + error.start
        line = data.count(b"\n", 0, offset) + 1
        raise ImportFileError(
            f"{filename}, line {line}: not UTF-8 text (byte 0x{data[offset]:02x} at offset "
            f'{offset}); save the file as "CSV UTF-8" and import it again.'
        ) from None


_CSV_PROBLEMS = {
    "unexpected end of data": "a quoted value is never closed (a missing closing quote)",
    "expected after": "a quote in the middle of a value (quotes inside a value are doubled)",
    "field larger than field limit": "a value is far too long (is a closing quote missing?)",
}


def csv_rows(text: str, filename: str) -> Iterator[tuple[int, list[str]]]:
    """(line number where the row starts, cells) for every row, blank ones included."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problem = next(
                (words for key, words in _CSV_PROBLEMS.items() if key in str(error)), str(error)
            )
            raise ImportFileError(f"{filename}, line {line}: {problem}.") from None
        yield line, row
        line = reader.line_num + 1


class CsvTable:
    """The header of a CSV export and the rows under it, each exactly as wide as the header."""

    def __init__(self, filename: str, line: int, header: list[str]):
        self.filename = filename
        self.line = line
        self.header = [cell.strip() for cell in header]
        self.positions = {name.casefold(): i for i, name in reversed(list(enumerate(self.header)))}

    def has(self, name: str) -> bool:
        return name.casefold() in self.positions

    def position(self, name: str) -> int | None:
        return self.positions.get(name.casefold())

    def reader(self, name: str) -> Callable[[list[str]], str]:
        """A function that picks the column `name` out of a fitted row ("" when absent)."""
        position = self.position(name)
        return _nothing if position is None else itemgetter(position)

    def missing(self, names: list[str] | tuple[str, ...]) -> list[str]:
        return [name for name in names if not self.has(name)]

    def require(self, names: list[str] | tuple[str, ...]) -> None:
        missing = self.missing(names)
        if missing:
            listed = ", ".join(f'"{name}"' for name in missing)
            plural = "s" if len(missing) > 1 else ""
            raise ImportFileError(
                f"{self.filename}, line {self.line}: the header lacks the column{plural} {listed}."
            )

    def add_missing(self, name: str) -> None:
        """An optional column the file lacks reads as empty in every row."""
        if not self.has(name):
            self.positions[name.casefold()] = len(self.header)
            self.header.append(name)

    def fit(self, line: int, row: list[str]) -> list[str]:
        """The row padded to the header's width; extra cells are refused unless empty."""
        width = len(self.header)
        if len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                raise ImportFileError(
                    f"{self.filename}, line {line}: {len(row)} fields, but the header has "
                    f"{width} (is there a comma in a value without quotes around it?)."
                )
            return row[:width]
        if len(row) < width:
            return row + [""] * (width - len(row))
        return row


def _nothing(row: list[str]) -> str:
    return ""


def first_line_of(row: list[str]) -> str:
    shown = ",".join(cell.strip() for cell in row)
    return shown if len(shown) <= 60 else shown[:60] + "…"


def is_blank(row: list[str]) -> bool:
    return not "".join(row).strip()


def collapse(text: str) -> str:
    return " ".join(text.split())


# Names: what the user sees keeps everything ("Jane Doe, PhD 🚀"); the first and last name
# used in greetings lose credentials, pronouns and pictographs ("Jane", "Doe").
@lru_cache(maxsize=1)
def _credentials() -> frozenset[str]:
    # nameparser is imported on first use: importing it costs every page and command a tenth
    # of a second.
    from nameparser.config import CONSTANTS

    return frozenset(CONSTANTS.suffix_acronyms) | {"mba", "phd", "msc", "ma", "ms", "bsc"}


# Pronouns "(she/her)" and nicknames in quotes ("Jennifer "Jen"") are not part of the name.
# An aside runs from its opening mark to the next closing one; a mark that nothing closes is
# kept. Found by hand rather than by one pattern, which would look for the close again from
# every unclosed mark ("((((…") and take quadratic time.
_ASIDE_OPENER = re.compile(r"[(\[\"“]")
_BRACKET_CLOSER = re.compile(r"[)\]]")
_ASIDE_CLOSER = {
    "(": _BRACKET_CLOSER,
    "[": _BRACKET_CLOSER,
    '"': re.compile('"'),
    "“": re.compile("”"),
}


def _without_asides(text: str) -> str:
    # Where each kind of aside is last closed: an opener after that is never closed.
    last_close = {
        opener: max(text.rfind(closer) for closer in closers)
        for opener, closers in (("(", ")]"), ("[", ")]"), ('"', '"'), ("“", "”"))
    }
    kept, at = [], 0
    for opener in _ASIDE_OPENER.finditer(text):
        start, mark = opener.start(), opener.group()
        if start < at or last_close[mark] <= start:
            continue
        # The nearest close, found by reading no further than it.
        close = _ASIDE_CLOSER[mark].search(text, start + 1)
        if close is None:  # cannot happen after the check above
            continue
        kept += [text[at:start], " "]
        at = close.end()
    kept.append(text[at:])
    return "".join(kept)


def _is_credential(token: str, after_comma: bool) -> bool:
    key = token.strip(" .").replace(".", "").casefold()
    if key not in _credentials():
        return False
    # "MA" is a degree but "Ma" is a surname: without a comma before it, a token written like
    # an ordinary name is taken as one.
    return after_comma or token.strip(" .") != token.strip(" .").capitalize()


def _is_pictograph(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in {"So", "Cs", "Co"}
        or code in {0x200D, 0x20E3}  # the joiner of emoji sequences, the keycap
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # the tags of flag sequences
    )


def _without_pictographs(text: str) -> str:
    return "".join(char for char in text if not _is_pictograph(char))


@lru_cache(maxsize=16384)
def name_part(text: str) -> str:
    """A first or last name fit for "Dear …": no credentials, pronouns or emoji."""
    text = original = collapse(text)
    if not text:
        return ""
    if not text.isascii():
        text = collapse(_without_pictographs(text))
    if "(" in text or "[" in text or '"' in text or "“" in text:
        text = collapse(_without_asides(text))
    parts = text.split(",")
    while len(parts) > 1 and all(_is_credential(t, True) for t in parts[-1].split()):
        parts.pop()
    words = ",".join(parts).split()
    while len(words) > 1 and _is_credential(words[-1], False):
        words.pop()
    return " ".join(words).strip(" ,") or original


def split_values(cell: str, separator: str = ":::") -> list[str]:
    """Google joins several values in one cell with " ::: "."""
    return [value.strip() for value in cell.split(separator) if value.strip()]
