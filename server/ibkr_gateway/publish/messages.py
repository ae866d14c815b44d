"""What the journal looks like on NATS: one stream per gateway, one subject per account and
kind of event, the contract's event message as payload, the journal sequence in headers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from google.protobuf.message import DecodeError
from ibkr.gateway.v1 import account_pb2, events_pb2

from ibkr_gateway.event.events import FillEvent, JournalEvent, OrderEvent
from ibkr_gateway.position.models import PositionEvent
from ibkr_gateway.rpc.account_convert import position_event_to_proto
from ibkr_gateway.rpc.convert import event_to_proto

SUBJECT_ROOT = "ibkr.gateway.v1"
TYPE_HEADER = "Ibkr-Gateway-Type"
SEQUENCE_HEADER = "Ibkr-Gateway-Sequence"
MSG_ID_HEADER = "Nats-Msg-Id"
# JetStream stores a message only if the stream's last sequence is this one: a message can
# never land after a later one, nor after a gap, whatever the connection did.
EXPECTED_LAST_SEQUENCE_HEADER = "Nats-Expected-Last-Sequence"

GATEWAY_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
ORDER_EVENT_TYPE = events_pb2.OrderEvent.DESCRIPTOR.full_name
POSITION_EVENT_TYPE = account_pb2.PositionEvent.DESCRIPTOR.full_name
# What a subject token may not hold.
_NOT_IN_TOKEN = re.compile(r"[.*>\s]")


def stream_name(gateway_id: str) -> str:
    return f"IBKR_GATEWAY_{gateway_id}"


def stream_subjects(gateway_id: str) -> str:
    return f"{SUBJECT_ROOT}.{gateway_id}.>"


def subject_token(text: str) -> str:
    """An account as a subject token; the payload carries it unaltered."""
    return _NOT_IN_TOKEN.sub("_", text) or "_"


@dataclass(frozen=True, slots=True)
class JournalMessage:
    sequence: int
    subject: str
    message_type: str
    payload: bytes

    def headers(self, gateway_id: str, expected_last_stream_sequence: int) -> dict[str, str]:
        return {
            MSG_ID_HEADER: f"{gateway_id}:{self.sequence}",
            TYPE_HEADER: self.message_type,
            SEQUENCE_HEADER: str(self.sequence),
            EXPECTED_LAST_SEQUENCE_HEADER: str(expected_last_stream_sequence),
        }


def journal_message(event: JournalEvent, gateway_id: str) -> JournalMessage:
    """The event as the streams of the API send it: a fill (an OrderEvent carrying the
    fill) on `fills`, every other change of an order on `orders`, positions on
    `positions`. Each event is one message, so each journal sequence is one message id."""
    prefix = f"{SUBJECT_ROOT}.{gateway_id}.{subject_token(event.account)}"
    if isinstance(event, OrderEvent):
        kind = "fills" if isinstance(event, FillEvent) else "orders"
        payload = event_to_proto(event).SerializeToString()
        return JournalMessage(event.sequence, f"{prefix}.{kind}", ORDER_EVENT_TYPE, payload)
    if isinstance(event, PositionEvent):
        payload = position_event_to_proto(event).SerializeToString()
        return JournalMessage(event.sequence, f"{prefix}.positions", POSITION_EVENT_TYPE, payload)
    raise TypeError(f"no subject for a {type(event).__name__}")


def same_event(message: JournalMessage, subject: str, message_type: str, payload: bytes) -> bool:
    """Whether a stored message is this journal's event: same subject, type and sequence,
    and the same time and order (or position's account). Not the bytes: a later version of the
    gateway may encode the same event with more fields."""
    if subject != message.subject or message_type != message.message_type:
        return False
    try:
        if message_type == ORDER_EVENT_TYPE:
            ours, theirs = (events_pb2.OrderEvent.FromString(p) for p in (message.payload, payload))
            return (ours.sequence, ours.time, ours.order_id) == (
                theirs.sequence,
                theirs.time,
                theirs.order_id,
            )
        mine, other = (account_pb2.PositionEvent.FromString(p) for p in (message.payload, payload))
        return (mine.sequence, mine.time, mine.position.account) == (
            other.sequence,
            other.time,
            other.position.account,
        )
    except DecodeError:
        return False
