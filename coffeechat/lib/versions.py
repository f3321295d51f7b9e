"""A version of saved text, so that a save made from an older copy cannot overwrite newer text.

A page carries the version of the text it showed; a save names it, and a service refuses the
save when what is stored has changed since. The version is a digest of the text itself, not a
time, so a change to another column of the row (a state, a date) is not taken for a conflict.
"""

import hashlib
import json

VERSION_LIMIT = 64
STALE = "stale"


def text_version(*values: object) -> str:
    """A short digest of `values`: equal values give equal versions, on any database."""
    encoded = json.dumps(values, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]
