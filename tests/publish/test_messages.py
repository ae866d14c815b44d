"""The journal as NATS messages: a subject per account and kind, the contract's event
message as payload, its type and sequence in headers, the gateway id and sequence as
Nats-Msg-Id."""

from __future__ import annotations

import pytest
from google.protobuf.message import Message
from ibkr.gateway.v1 import account_pb2, events_pb2

from ibkr_gateway.event.events import FillEvent, JournalEvent, OrderEvent
from ibkr_gateway.position.models import PositionEvent
from ibkr_gateway.publish.messages import (
    JournalMessage,
    journal_message,
    same_event,
    stream_name,
    stream_subjects,
    subject_token,
)
from ibkr_gateway.publish.publisher import check_gateway_id, parse_servers
from ibkr_gateway.rpc.account_convert import position_event_to_proto
from ibkr_gateway.rpc.convert import event_to_proto
from tests.polling import until
from tests.service.conftest import Gateway, order_spec, submit


async def filled_order_events(gw: Gateway, account: str = "") -> list[JournalEvent]:
    """The journal once a market order has filled and moved its position."""
    await submit(gw, order_spec("filled", account=account))

    async def position_moved() -> bool:
        return any(isinstance(e, PositionEvent) for e in gw.server.store.read_events(0, 100))

    await until(position_moved, 10.0, "the order never filled")
    return gw.server.store.read_events(0, 100)


async def test_each_event_kind_has_its_subject_type_and_payload(gw: Gateway) -> None:
    kinds = set()
    for event in await filled_order_events(gw, "DU2"):
        message = journal_message(event, "desk-1")
        assert message.sequence == event.sequence
        proto: Message
        if isinstance(event, FillEvent):
            kind, proto = "fills", event_to_proto(event)
        elif isinstance(event, OrderEvent):
            kind, proto = "orders", event_to_proto(event)
        else:
            assert isinstance(event, PositionEvent)
            kind, proto = "positions", position_event_to_proto(event)
        kinds.add(kind)
        assert message.subject == f"ibkr.gateway.v1.desk-1.DU2.{kind}"
        assert message.message_type == proto.DESCRIPTOR.full_name
        assert message.payload == proto.SerializeToString()
    assert kinds == {"orders", "fills", "positions"}


def test_headers_name_the_type_the_sequence_and_the_message_id() -> None:
    message = JournalMessage(42, "ibkr.gateway.v1.g.DU1.orders", "ibkr.gateway.v1.OrderEvent", b"")
    assert message.headers("g", 41) == {
        "Nats-Msg-Id": "g:42",
        "Ibkr-Gateway-Type": "ibkr.gateway.v1.OrderEvent",
        "Ibkr-Gateway-Sequence": "42",
        "Nats-Expected-Last-Sequence": "41",
    }
    assert stream_name("g") == "IBKR_GATEWAY_g"
    assert stream_subjects("g") == "ibkr.gateway.v1.g.>"


def test_an_account_becomes_one_subject_token() -> None:
    assert subject_token("DU123456") == "DU123456"
    assert subject_token("a.b *>c\td") == "a_b___c_d"
    assert subject_token("") == "_"


async def test_same_event_tells_another_journal_apart(gw: Gateway) -> None:
    ours = [journal_message(e, "g") for e in await filled_order_events(gw)]
    for message in ours:
        assert same_event(message, message.subject, message.message_type, message.payload)
    order = next(m for m in ours if m.message_type == "ibkr.gateway.v1.OrderEvent")
    other = events_pb2.OrderEvent.FromString(order.payload)
    other.order_id = "someone-else"
    assert not same_event(order, order.subject, order.message_type, other.SerializeToString())
    assert not same_event(order, order.subject + "x", order.message_type, order.payload)
    assert not same_event(order, order.subject, order.message_type, b"\xff\xff")
    position = next(m for m in ours if m.message_type == "ibkr.gateway.v1.PositionEvent")
    moved = account_pb2.PositionEvent.FromString(position.payload)
    moved.time.seconds += 1
    assert not same_event(
        position, position.subject, position.message_type, moved.SerializeToString()
    )


def test_servers_and_gateway_ids() -> None:
    assert parse_servers("nats://a:4222, tls://b:4223") == ["nats://a:4222", "tls://b:4223"]
    for bad in ("", "a:4222", "nats://a", "nats://a:x", "http://a:4222"):
        with pytest.raises(ValueError, match="nats://host:port"):
            parse_servers(bad)
    assert check_gateway_id("desk_1-A") == "desk_1-A"
    for bad in ("", "a.b", "x" * 33, "a>"):
        with pytest.raises(ValueError, match="letters, digits"):
            check_gateway_id(bad)
