"""A second DuckDB connection on a store this process already owns (``ultralow serve``, ``ultralow demo``).

The site judges a year of data when it builds its figures; on the receiver's own connection that would hold
the receiver's lock for the whole run. A cursor of the owner's connection is a connection of its own to the
same database: it reads committed data (DuckDB's MVCC) and has its own lock, so commits go on meanwhile.
"""

from __future__ import annotations

import threading

from ultralow.store import Store


class ReaderStore(Store):
    """Read-side view of ``owner``: same file and watermarks, its own connection and lock; closing it closes
    only its connection."""

    def __init__(self, owner: Store) -> None:  # not Store.__init__: no second open of the file
        self.path = owner.path
        self.read_only = True
        self.lock = threading.RLock()
        with owner.lock:
            self.con = owner.con.cursor()
        self._next = {}
        self._marks_key = owner._marks_key
        self.watermarks = owner.watermarks
        self._closed = True  # holds no watermark reference of its own
