"""Files coffeechat writes for its user: private (mode 0600) and whole, whatever the umask.

A backup or an export holds contacts and notes, so no one else on the machine may read it; it
is written under a temporary name beside the target and renamed over it only once complete,
so an interrupted write never leaves half a file where a good one was.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A new empty file beside `path`, mode 0600, that replaces `path` when the block ends
    without an error, and is removed when it ends with one."""
    path = Path(path)
    # mkstemp creates the file with mode 0600, not the umask's choice.
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(temp)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def write_private(path: str | os.PathLike[str], data: bytes) -> None:
    """`data` as the whole content of `path`, readable by its owner only."""
    with replacing(path) as temp:
        temp.write_bytes(data)
