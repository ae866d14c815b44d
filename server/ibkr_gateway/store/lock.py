"""One writer per database: an exclusive lock on `<db>.lock`, which holds the owner's PID."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO


class DatabaseLocked(RuntimeError):
    pass


class DatabaseLock:
    """Held for the life of the process; the kernel drops it when the process dies, so a
    crashed gateway never leaves a stale lock behind."""

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self.path = Path(f"{db_path}.lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # "a+": opening must not truncate the PID of a holder we are about to refuse.
            handle = self.path.open("a+")
        except OSError as exc:
            raise DatabaseLocked(
                f"cannot use --db {self.db_path}: cannot create lock file {self.path}: "
                f"{exc.strerror}"
            ) from exc
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise DatabaseLocked(
                f"database {self.db_path} is in use by another gateway "
                f"(lock {self.path} held by PID {holder}); one gateway per --db"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.truncate(0)
            self._file.close()
            self._file = None
