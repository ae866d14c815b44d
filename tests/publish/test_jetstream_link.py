"""What JetStream itself enforces for the publisher: a message sent again is acknowledged
as the one already stored (Nats-Msg-Id) or refused (Nats-Expected-Last-Sequence), never
stored twice; a message out of turn is never sent."""

from __future__ import annotations

from pathlib import Path

import nats
import pytest
from nats.js import api

from ibkr_gateway.publish.jetstream import JetStreamLink, PublishFailed, ResumePoint
from ibkr_gateway.publish.messages import ORDER_EVENT_TYPE, JournalMessage, stream_name
from tests.nats_server import NatsServer, nats_server
from tests.polling import until
from tests.publish.stream_support import stream_count

GATEWAY = "default"


def message(sequence: int) -> JournalMessage:
    return JournalMessage(
        sequence, f"ibkr.gateway.v1.{GATEWAY}.DU1.orders", ORDER_EVENT_TYPE, b"%d" % sequence
    )


async def open_link(server: NatsServer, point: ResumePoint | None = None) -> JetStreamLink:
    link = await JetStreamLink.connect([server.url], GATEWAY)
    await link.ensure_stream()
    await link.start(point or await link.resume_point())
    return link


async def publish_acked(link: JetStreamLink, *sequences: int) -> None:
    for sequence in sequences:
        await link.publish(message(sequence))

    async def acked() -> bool:
        return link.acked == sequences[-1] or link.failure is not None

    await until(acked, 10.0, "never acknowledged")
    assert link.failure is None


async def stored_sequences(server: NatsServer) -> list[int]:
    nc = await nats.connect(server.url)
    try:
        js = nc.jetstream()
        name = stream_name(GATEWAY)
        count = (await js.stream_info(name)).state.messages
        return [int((await js.get_msg(name, seq=n)).data or b"0") for n in range(1, count + 1)]
    finally:
        await nc.close()


async def test_a_message_sent_again_within_the_window_is_the_stored_one(tmp_path: Path) -> None:
    async with nats_server(tmp_path / "jetstream") as server:
        link = await open_link(server)
        await publish_acked(link, 1, 2, 3)
        await link.close()
        # As after a crash that lost the acknowledgements of 2 and 3.
        link = await open_link(server, ResumePoint(stream_sequence=1, journal_sequence=1))
        await publish_acked(link, 2, 3, 4)
        await link.close()
        assert await stored_sequences(server) == [1, 2, 3, 4]
        link = await open_link(server)
        assert link.acked == 4
        await link.close()


async def test_a_message_sent_again_after_the_window_is_refused(tmp_path: Path) -> None:
    async with nats_server(tmp_path / "jetstream") as server:
        nc = await nats.connect(server.url)
        try:
            # The shortest window JetStream takes: the copy below comes after it.
            await nc.jetstream().add_stream(
                name=stream_name(GATEWAY),
                subjects=[f"ibkr.gateway.v1.{GATEWAY}.>"],
                storage=api.StorageType.FILE,
                duplicate_window=0.1,
            )
        finally:
            await nc.close()
        link = await open_link(server)
        await publish_acked(link, 1, 2, 3)
        await link.close()

        async def window_passed() -> bool:
            probe = await JetStreamLink.connect([server.url], GATEWAY)
            try:
                await probe.start(ResumePoint(stream_sequence=2, journal_sequence=2))
                await probe.publish(message(3))
                await until(lambda: _settled(probe), 10.0, "no answer")
                return probe.failure is not None and "wrong last sequence" in probe.failure
            finally:
                await probe.close()

        await until(window_passed, 10.0, "a copy was never refused")
        assert await stored_sequences(server) == [1, 2, 3]


async def _settled(link: JetStreamLink) -> bool:
    return link.in_flight == 0 or link.failure is not None


async def test_a_message_out_of_turn_is_never_sent(tmp_path: Path) -> None:
    async with nats_server(tmp_path / "jetstream") as server:
        link = await open_link(server)
        await publish_acked(link, 1, 2)
        with pytest.raises(PublishFailed, match="journal sequence 4 sent after 2: not in turn"):
            await link.publish(message(4))
        await link.close()
        assert await stream_count(server.url) == 2
