"""Reads a gateway's journal from NATS JetStream (`serve --publish`): every order event,
fill and position change, in journal order, from a given sequence on, then live.

    pip install nats-py ibkr-gateway-client   # or run it with the gateway's .venv/bin/python
    python examples/python/journal_consumer.py nats://127.0.0.1:4222 [--gateway-id default] \
        [--after 0] [--subject '*.orders']

Keep the last sequence handled (the Ibkr-Gateway-Sequence header) with what it changed, and
pass it as --after when starting again: a message at or below it was handled already.
"""

from __future__ import annotations

import argparse
import asyncio

import nats
from google.protobuf.message import Message
from ibkr.gateway.v1 import account_pb2, events_pb2, orders_pb2

MESSAGE_TYPES: dict[str, type[Message]] = {
    "ibkr.gateway.v1.OrderEvent": events_pb2.OrderEvent,
    "ibkr.gateway.v1.PositionEvent": account_pb2.PositionEvent,
}


def describe(message: Message) -> str:
    if isinstance(message, events_pb2.OrderEvent):
        kind = message.WhichOneof("kind")
        status = orders_pb2.OrderStatus.Name(message.order.status)
        return f"{message.order_id} {kind} -> {status}"
    if isinstance(message, account_pb2.PositionEvent):
        p = message.position
        return f"{p.contract.symbol} position {message.previous_quantity} -> {p.quantity}"
    return type(message).__name__


async def consume(url: str, gateway_id: str, after: int, subject: str) -> None:
    nc = await nats.connect(url)
    js = nc.jetstream()
    # An ordered consumer: JetStream delivers the stream in its order, which is the
    # journal's, and the client re-creates the consumer where it stopped after a gap.
    sub = await js.subscribe(
        f"ibkr.gateway.v1.{gateway_id}.{subject}",
        stream=f"IBKR_GATEWAY_{gateway_id}",
        ordered_consumer=True,
    )
    try:
        async for msg in sub.messages:
            headers = msg.headers or {}
            sequence = int(headers["Ibkr-Gateway-Sequence"])
            if sequence <= after:
                continue
            event = MESSAGE_TYPES[headers["Ibkr-Gateway-Type"]].FromString(msg.data)
            print(sequence, msg.subject, describe(event), flush=True)
            after = sequence
    finally:
        await nc.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="nats://host:port")
    parser.add_argument("--gateway-id", default="default")
    parser.add_argument("--after", type=int, default=0, help="last journal sequence handled")
    parser.add_argument(
        "--subject",
        default=">",
        help="account and kind after the gateway id: '>' (all), 'DU123456.>', '*.fills'",
    )
    args = parser.parse_args()
    try:
        asyncio.run(consume(args.url, args.gateway_id, args.after, args.subject))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
