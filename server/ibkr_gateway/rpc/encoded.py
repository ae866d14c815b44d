"""Each published event as the stream message that carries it, encoded once for every
subscriber of every stream that takes it."""

from __future__ import annotations

from ibkr.gateway.v1 import account_pb2, gateway_pb2

from ibkr_gateway.event.bus import Published
from ibkr_gateway.event.events import OrderEvent
from ibkr_gateway.position.models import PositionEvent
from ibkr_gateway.rpc.account_convert import position_event_to_proto
from ibkr_gateway.rpc.convert import event_to_proto


def encoded_event(published: Published) -> bytes:
    """An order event as a StreamOrderEventsResponse, which is a StreamFillsResponse
    alike (both carry the event as field 1 of the same type); a position event as a
    StreamPositionsResponse. An event goes to one kind of stream only, so one encoding
    serves all its subscribers."""
    encoded = published.encoded
    if encoded is None:
        event = published.event
        message: gateway_pb2.StreamOrderEventsResponse | account_pb2.StreamPositionsResponse
        if isinstance(event, OrderEvent):
            message = gateway_pb2.StreamOrderEventsResponse(event=event_to_proto(event))
        elif isinstance(event, PositionEvent):
            message = account_pb2.StreamPositionsResponse(event=position_event_to_proto(event))
        else:
            raise TypeError(f"no stream carries a {type(event).__name__}")
        encoded = published.encoded = message.SerializeToString()
    return encoded
