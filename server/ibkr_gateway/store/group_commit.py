"""Group commit on one writer thread, shared by every store: what is queued between two
commits is written in one transaction, sequences are given at commit time, and a failed
commit is retried in place."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ibkr_gateway.errors import StoreUnavailable
from ibkr_gateway.event.events import JournalEvent, stamp_sequence
from ibkr_gateway.store.base import AuditRecord, CommitListener

log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Batch:
    events: list[JournalEvent]
    future: asyncio.Future[None]
    # Given up (its future failed) when a commit fails, instead of retried: its caller
    # is told UNAVAILABLE and nothing of it may ever reach the journal.
    abandon_on_failure: bool = False


class CommitInDoubt(Exception):
    """The connection was lost with the commit on its way: it may have landed. The same
    batch is tried again as it is, and the store finds out first whether it landed;
    nothing of it is given up meanwhile, since its changes may be in the journal."""


def _fail(future: asyncio.Future[None], error: Exception) -> None:
    if not future.done():
        future.set_exception(error)
        # Marked as seen: the caller may be gone, and the failure is logged already.
        future.exception()


class GroupCommitStore:
    """The write side of a store. Subclasses write a batch in `_commit` (on the writer
    thread, one transaction), prove the database writable again in `_write_probe` and
    name a failure's cause in `describe_failure`.

    A failed commit is retried in place, with backoff, until it succeeds: the events
    stay queued in order (sequences are given at commit time, so the journal has no
    gap), the store reports itself failing to its health listeners, and batches marked
    `abandon_on_failure` are dropped with their futures failed."""

    RETRY_INITIAL_DELAY = 0.05
    RETRY_MAX_DELAY = 2.0
    # How long an audit record waits for a commit of events to ride with before it gets
    # one of its own. Nobody waits for its durability (ListAuditRecords commits what is
    # queued first), and a commit of its own would hold up the next order's behind it.
    AUDIT_LINGER = 0.02

    def __init__(self, last_sequence: int) -> None:
        self._last_sequence = last_sequence
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="store-writer")
        self._pending: list[_Batch] = []
        self._pending_audit: list[AuditRecord] = []
        self._pending_settings: dict[str, str] = {}
        # The batch whose commit may or may not have landed, tried again before any other.
        self._in_doubt: tuple[list[_Batch], list[AuditRecord], dict[str, str]] | None = None
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        # While the write loop waits with nothing to retry, a commit starts from `append`
        # itself (no turn of the loop in between) and its end starts the next one: the
        # commit in flight, with what it holds, else None.
        self._idle = False
        self._in_flight: asyncio.Future[None] | None = None
        # Appends made inside `held()` wait for its end, to be committed together.
        self._holds = 0
        self._audit_due: asyncio.TimerHandle | None = None
        self._listener: CommitListener = lambda events: None
        self._health_listeners: list[Callable[[str | None], None]] = []
        # The cause of the failing commit being retried; None while commits succeed.
        self.failure: str | None = None
        self._failed: asyncio.Event | None = None
        self._closing = False
        self.batches_committed = 0
        self.events_committed = 0
        self.commit_failures = 0

    # -- what a store provides -----------------------------------------------------

    def _commit(
        self, events: list[JournalEvent], audits: list[AuditRecord], settings: dict[str, str]
    ) -> None:
        raise NotImplementedError

    def _write_probe(self) -> None:
        raise NotImplementedError

    def describe_failure(self, exc: BaseException) -> str:
        return str(exc) or type(exc).__name__

    # -- the write side -------------------------------------------------------------

    @property
    def last_sequence(self) -> int:
        return self._last_sequence

    def set_commit_listener(self, listener: CommitListener) -> None:
        self._listener = listener

    def add_health_listener(self, listener: Callable[[str | None], None]) -> None:
        """Called with the cause when commits start failing, with None once they
        succeed again."""
        self._health_listeners.append(listener)

    def append(
        self, events: Sequence[JournalEvent], *, abandon_on_failure: bool = False
    ) -> tuple[list[JournalEvent], asyncio.Future[None]]:
        if self._closing:
            raise StoreUnavailable("the order store is closing")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        batch = _Batch(list(events), future, abandon_on_failure)
        self._pending.append(batch)
        self._wake()
        return batch.events, future

    def append_audit(self, record: AuditRecord) -> None:
        """Queues an audit record for the next group commit, at the latest AUDIT_LINGER
        seconds from now."""
        if self._closing:
            log.error("audit record not stored (store closing): %r", record)
            return
        self._pending_audit.append(record)
        if self._audit_due is None:
            self._audit_due = asyncio.get_running_loop().call_later(
                self.AUDIT_LINGER, self._audit_lingered
            )

    def _audit_lingered(self) -> None:
        self._audit_due = None
        if self._pending_audit:
            self._wake()

    def save_setting(self, key: str, value: str) -> asyncio.Future[None]:
        """Queued for the next group commit, retried like events while commits fail."""
        if self._closing:
            raise StoreUnavailable("the order store is closing")
        self._pending_settings[key] = value
        return self.append([])[1]

    async def wait_durable(self, future: asyncio.Future[None]) -> bool:
        """True once the future's batch is durable; False as soon as commits are
        failing (the batch stays queued and is retried)."""
        if self._failed is None:
            self._failed = asyncio.Event()
        # asyncio.wait never cancels what it waits for: the batch stays queued.
        waiters: list[asyncio.Future[Any]] = [future, asyncio.ensure_future(self._failed.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiters[1].cancel()
        if future.done():
            future.result()
            return True
        return False

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Appends made inside go into one commit, started when the block ends."""
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1
            if not self._holds and self._pending:
                self._wake()

    def _wake(self) -> None:
        if self._task is None:
            self._wakeup = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(
                self._write_loop(), name="store-writer"
            )
        if self._holds or self._in_flight is not None:
            # The hold's end, or the commit in flight's, starts the next commit.
            return
        if self._idle and self._in_doubt is None:
            self._start_commit()
            return
        assert self._wakeup is not None
        self._wakeup.set()

    def _start_commit(self) -> None:
        """Hands what is queued to the writer thread now; its end, on the loop, starts
        the next commit if more was queued meanwhile."""
        batch, audits, settings = self._next_batch()
        events = self._stamped(batch)
        loop = asyncio.get_running_loop()
        commit = loop.run_in_executor(self._executor, self._commit, events, audits, settings)
        self._in_flight = commit

        def ended(done: asyncio.Future[None]) -> None:
            self._in_flight = None
            exc = None if done.cancelled() else done.exception()
            if done.cancelled() or exc is not None:
                error = exc if isinstance(exc, Exception) else RuntimeError("commit cancelled")
                self._retry_later(error, batch, audits, settings)
                assert self._wakeup is not None
                # The write loop retries, with backoff.
                self._wakeup.set()
                return
            self._in_doubt = None
            self._committed(batch, events)
            if self._pending:
                self._wake()

        commit.add_done_callback(ended)

    async def _write_loop(self) -> None:
        assert self._wakeup is not None
        loop = asyncio.get_running_loop()
        delay = self.RETRY_INITIAL_DELAY
        while True:
            if self.failure is not None:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.RETRY_MAX_DELAY)
            elif not self._closing:
                # Closing drains what is queued (after any commit in flight) at once.
                self._idle = True
                try:
                    await self._wakeup.wait()
                finally:
                    self._idle = False
            self._wakeup.clear()
            if self._in_flight is not None:
                # Closing while a commit started from append is in flight: its end
                # commits what follows, or wakes this loop to retry it.
                await asyncio.wait([self._in_flight])
                continue
            batch, audits, settings = self._next_batch()
            if not batch and not audits and not settings:
                if self._closing:
                    return
                if self.failure is not None:
                    await self._probe(loop)
                continue
            if not await self._commit_batch(loop, batch, audits, settings):
                if self._closing:
                    self._give_up()
                    return
                continue
            delay = self.RETRY_INITIAL_DELAY
            if self._closing and not self._pending and not self._pending_audit:
                return

    async def _commit_batch(
        self,
        loop: asyncio.AbstractEventLoop,
        batch: list[_Batch],
        audits: list[AuditRecord],
        settings: dict[str, str],
    ) -> bool:
        """Stamps the batch with the next sequences and commits it; False if it failed
        (and is kept for a retry, or given up, as the failure says)."""
        events = self._stamped(batch)
        try:
            await loop.run_in_executor(self._executor, self._commit, events, audits, settings)
        except Exception as exc:
            self._retry_later(exc, batch, audits, settings)
            return False
        self._in_doubt = None
        self._committed(batch, events)
        return True

    def _stamped(self, batch: list[_Batch]) -> list[JournalEvent]:
        """The batch's events, stamped with the sequences that follow the last committed."""
        events = [e for b in batch for e in b.events]
        for offset, event in enumerate(events, start=1):
            stamp_sequence(event, self._last_sequence + offset)
        return events

    def _next_batch(self) -> tuple[list[_Batch], list[AuditRecord], dict[str, str]]:
        """Everything queued, or the batch in doubt, as it was, alone."""
        if self._in_doubt is not None:
            return self._in_doubt
        batch, self._pending = self._pending, []
        audits, self._pending_audit = self._pending_audit, []
        settings, self._pending_settings = self._pending_settings, {}
        return batch, audits, settings

    def _retry_later(
        self,
        exc: Exception,
        batch: list[_Batch],
        audits: list[AuditRecord],
        settings: dict[str, str],
    ) -> None:
        if not isinstance(exc, CommitInDoubt):
            self._in_doubt = None
            self._requeue(exc, batch, audits, settings)
        elif self._closing:
            self._in_doubt = None
            self._note_failure(exc)
            self._pending = batch + self._pending
        else:
            self._in_doubt = (batch, audits, settings)
            self._note_failure(exc)

    async def _probe(self, loop: asyncio.AbstractEventLoop) -> None:
        """With nothing queued (the failed work was given up), only a write shows that
        the database takes writes again."""
        try:
            await loop.run_in_executor(self._executor, self._write_probe)
        except Exception as exc:
            cause = self.describe_failure(exc)
            if cause != self.failure:
                self._set_failure(cause)
            return
        self._set_failure(None)

    def _committed(self, batch: list[_Batch], events: list[JournalEvent]) -> None:
        self._last_sequence += len(events)
        self.batches_committed += 1
        self.events_committed += len(events)
        if self.failure is not None:
            self._set_failure(None)
        try:
            self._listener(events)
        except Exception:
            log.exception("commit listener failed")
        for b in batch:
            if not b.future.done():
                b.future.set_result(None)

    def _requeue(
        self,
        exc: Exception,
        batch: list[_Batch],
        audits: list[AuditRecord],
        settings: dict[str, str],
    ) -> None:
        """Puts a failed batch back in front of what was queued since, in order, except
        the parts that are given up."""
        cause = self._note_failure(exc)
        kept = []
        for b in batch:
            if b.abandon_on_failure and b.events:
                _fail(b.future, StoreUnavailable(f"the order store cannot write: {cause}"))
            else:
                kept.append(b)
        self._pending = kept + self._pending
        self._pending_audit = audits + self._pending_audit
        self._pending_settings = settings | self._pending_settings

    def _note_failure(self, exc: Exception) -> str:
        self.commit_failures += 1
        cause = self.describe_failure(exc)
        if self.failure != cause:
            log.critical("order store commit failed (%s); retrying in place", cause)
            self._set_failure(cause)
        return cause

    def _give_up(self) -> None:
        lost = sum(len(b.events) for b in self._pending)
        log.critical(
            "order store closed while commits fail (%s): %d events, %d audit records and "
            "%d settings were not stored",
            self.failure,
            lost,
            len(self._pending_audit),
            len(self._pending_settings),
        )
        error = StoreUnavailable(f"the order store cannot write: {self.failure}")
        for b in self._pending:
            _fail(b.future, error)
        self._pending = []

    def _set_failure(self, cause: str | None) -> None:
        self.failure = cause
        if self._failed is None:
            self._failed = asyncio.Event()
        if cause is None:
            log.warning("order store commits succeed again")
            self._failed.clear()
        else:
            self._failed.set()
        for listener in self._health_listeners:
            try:
                listener(cause)
            except Exception:
                log.exception("store health listener failed")

    async def _drain(self) -> None:
        """Commits everything queued (or gives it up if commits fail), then stops the
        writer thread."""
        self._closing = True
        if self._audit_due is not None:
            self._audit_due.cancel()
            self._audit_due = None
        if self._task is None and self._pending_audit:
            self._wake()
        if self._task is not None and self._wakeup is not None:
            self._wakeup.set()
            await self._task
        self._executor.shutdown(wait=True)
