"""AsyncGatewayClient's event streams: order events and fills, resumed across
disconnects."""

from __future__ import annotations

import grpc
from google.protobuf.duration_pb2 import Duration
from ibkr.gateway.v1 import gateway_pb2

from ibkr_gateway_client.calls import Calls
from ibkr_gateway_client.streams import EventStream


class EventStreams(Calls):
    """The event stream part of AsyncGatewayClient."""

    def order_events(
        self,
        *,
        after_sequence: int = 0,
        account: str = "",
        order_id: str = "",
        heartbeat_interval: float = 5.0,
    ) -> EventStream:
        """Every event after `after_sequence`, then live; resumes across disconnects."""
        return self._stream(False, after_sequence, account, order_id, heartbeat_interval)

    def fills(
        self,
        *,
        after_sequence: int = 0,
        account: str = "",
        order_id: str = "",
        heartbeat_interval: float = 5.0,
    ) -> EventStream:
        """Fill events only (same sequence space), resuming across disconnects."""
        return self._stream(True, after_sequence, account, order_id, heartbeat_interval)

    def _stream(
        self,
        fills_only: bool,
        after_sequence: int,
        account: str,
        order_id: str,
        heartbeat_interval: float,
    ) -> EventStream:
        def open_stream(after: int, interval: Duration) -> grpc.aio.UnaryStreamCall:  # type: ignore[type-arg]
            fields = {
                "after_sequence": after,
                "account": account,
                "order_id": order_id,
                "heartbeat_interval": interval,
            }
            if fills_only:
                return self.stub.StreamFills(
                    gateway_pb2.StreamFillsRequest(**fields),  # type: ignore[arg-type]
                    metadata=self.metadata,
                )
            return self.stub.StreamOrderEvents(
                gateway_pb2.StreamOrderEventsRequest(**fields),  # type: ignore[arg-type]
                metadata=self.metadata,
            )

        return self._resuming(EventStream, open_stream, after_sequence, heartbeat_interval)
