"""Reading what a gateway published: the JetStream stream as a consumer sees it, and the
journal it must equal, read from the gateway's SQLite file."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import nats
from nats.js.errors import NotFoundError

from ibkr_gateway.publish.messages import (
    MSG_ID_HEADER,
    SEQUENCE_HEADER,
    TYPE_HEADER,
    journal_message,
    stream_name,
    stream_subjects,
)
from ibkr_gateway.store.sqlite import SqliteOrderStore
from tests.polling import until


@dataclass(frozen=True, slots=True)
class Received:
    subject: str
    sequence: int
    message_id: str
    message_type: str
    payload: bytes


async def stream_count(url: str, gateway_id: str = "default") -> int:
    nc = await nats.connect(url)
    try:
        info = await nc.jetstream().stream_info(stream_name(gateway_id))
        return int(info.state.messages)
    except NotFoundError:
        return 0
    finally:
        await nc.close()


async def await_stream_count(url: str, count: int, within: float = 60.0) -> None:
    async def reached() -> bool:
        return await stream_count(url) >= count

    await until(reached, within, f"the stream never held {count} messages")


async def consume(
    url: str, subject: str, count: int, within: float = 30.0, gateway_id: str = "default"
) -> list[Received]:
    """What an ordered consumer of `subject` receives, in order, until `count` arrived;
    then it waits a moment more for any message beyond those."""
    got: list[Received] = []
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        sub = await js.subscribe(subject, ordered_consumer=True, stream=stream_name(gateway_id))
        async with asyncio.timeout(within):
            while len(got) < count:
                msg = await sub.next_msg(timeout=within)
                headers = msg.headers or {}
                got.append(
                    Received(
                        msg.subject,
                        int(headers[SEQUENCE_HEADER]),
                        headers[MSG_ID_HEADER],
                        headers[TYPE_HEADER],
                        msg.data,
                    )
                )
        # Nothing more than the journal: a duplicate would come right after.
        try:
            extra = await sub.next_msg(timeout=0.5)
        except nats.errors.TimeoutError:
            extra = None
        assert extra is None, f"more than {count} messages: {extra.subject}"
        await sub.unsubscribe()
    finally:
        await nc.close()
    return got


async def journal(db_path: Path, gateway_id: str = "default") -> list[Received]:
    """The journal of a stopped gateway, as it should appear on NATS."""
    store = SqliteOrderStore(db_path)
    try:
        messages = [journal_message(e, gateway_id) for e in store.read_events(0, 1_000_000)]
    finally:
        await store.close()
    return [
        Received(m.subject, m.sequence, f"{gateway_id}:{m.sequence}", m.message_type, m.payload)
        for m in messages
    ]


async def assert_stream_is_journal(url: str, db_path: Path) -> list[Received]:
    """The stream holds every journal event once, in order, as an ordered consumer of
    all the gateway's subjects and one of each subject see it."""
    expected = await journal(db_path)
    assert [r.sequence for r in expected] == list(range(1, len(expected) + 1))
    await await_stream_count(url, len(expected))
    seen = await consume(url, stream_subjects("default"), len(expected))
    assert [r.sequence for r in seen] == [r.sequence for r in expected], "gap or duplicate"
    assert seen == expected
    for subject in sorted({r.subject for r in expected}):
        per_subject = [r for r in expected if r.subject == subject]
        assert await consume(url, subject, len(per_subject)) == per_subject
    return seen
