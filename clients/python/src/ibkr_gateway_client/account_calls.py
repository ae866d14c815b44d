"""AsyncGatewayClient's account calls: positions (listed and followed) and the account
summary."""

from __future__ import annotations

import grpc
from google.protobuf.duration_pb2 import Duration
from ibkr.gateway.v1 import account_pb2

from ibkr_gateway_client.calls import Calls
from ibkr_gateway_client.models import AccountSummary, Position, PositionList
from ibkr_gateway_client.streams import PositionStream


class AccountCalls(Calls):
    """The account part of AsyncGatewayClient."""

    async def list_positions(
        self,
        *,
        account: str = "",
        symbol: str = "",
        con_id: int = 0,
        include_closed: bool = False,
        timeout: float | None = None,
    ) -> PositionList:
        """The account's positions (the default account's when empty), with P&L at the
        market price where the gateway knows one."""
        request = account_pb2.ListPositionsRequest(
            account=account or self.account,
            symbol=symbol,
            con_id=con_id,
            include_closed=include_closed,
        )
        deadline = self._deadline(timeout)
        response = await self._call(
            lambda: self.accounts.ListPositions(request, timeout=deadline, metadata=self.metadata),
            idempotent=True,
        )
        return PositionList(
            positions=tuple(Position.from_proto(p) for p in response.positions),
            last_sequence=response.last_sequence,
        )

    async def get_account_summary(
        self, account: str = "", *, timeout: float | None = None
    ) -> AccountSummary:
        """Cash, margin, buying power and P&L (the simulated account on backend sim)."""
        request = account_pb2.GetAccountSummaryRequest(account=account or self.account)
        deadline = self._deadline(timeout)
        response = await self._call(
            lambda: self.accounts.GetAccountSummary(
                request, timeout=deadline, metadata=self.metadata
            ),
            idempotent=True,
        )
        return AccountSummary.from_proto(response.summary)

    def positions(
        self,
        *,
        after_sequence: int = 0,
        account: str = "",
        symbol: str = "",
        heartbeat_interval: float = 5.0,
    ) -> PositionStream:
        """Every position change after `after_sequence` (e.g. a listing's last_sequence),
        then live; resumes across disconnects."""

        def open_stream(after: int, interval: Duration) -> grpc.aio.UnaryStreamCall:  # type: ignore[type-arg]
            request = account_pb2.StreamPositionsRequest(
                after_sequence=after,
                account=account,
                symbol=symbol,
                heartbeat_interval=interval,
            )
            return self.accounts.StreamPositions(request, metadata=self.metadata)

        return self._resuming(PositionStream, open_stream, after_sequence, heartbeat_interval)
