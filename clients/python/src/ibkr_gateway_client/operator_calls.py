"""AsyncGatewayClient's operator calls (admin scope): the kill switch and the audit
trail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection

from ibkr.gateway.v1 import gateway_pb2

from ibkr_gateway_client.calls import Calls
from ibkr_gateway_client.models import AuditRecord, KillSwitch, Order


class OperatorCalls(Calls):
    """The operator part of AsyncGatewayClient."""

    async def get_kill_switch(self) -> KillSwitch:
        request = gateway_pb2.GetKillSwitchRequest()
        response = await self._call(
            lambda: self.stub.GetKillSwitch(request, timeout=self.timeout, metadata=self.metadata),
            idempotent=True,
        )
        return KillSwitch.from_proto(response.kill_switch)

    async def set_kill_switch(
        self, engaged: bool, *, reason: str = "", accounts: Collection[str] = ()
    ) -> tuple[KillSwitch, list[Order]]:
        """Engages (cancel every working order, refuse new ones) or releases the switch;
        with `accounts`, halts or releases only those. Returns the switch after the call
        and the orders a cancel was requested for."""
        request = gateway_pb2.SetKillSwitchRequest(
            engaged=engaged, reason=reason, accounts=list(accounts)
        )
        # Not retried, like modify: a late repeat could undo someone else's change.
        response = await self._call(
            lambda: self.stub.SetKillSwitch(request, timeout=self.timeout, metadata=self.metadata),
            idempotent=False,
        )
        return (
            KillSwitch.from_proto(response.kill_switch),
            [Order.from_proto(o) for o in response.cancelled_orders],
        )

    async def engage_kill_switch(
        self, reason: str = "", *, accounts: Collection[str] = ()
    ) -> tuple[KillSwitch, list[Order]]:
        return await self.set_kill_switch(True, reason=reason, accounts=accounts)

    async def release_kill_switch(
        self, reason: str = "", *, accounts: Collection[str] = ()
    ) -> KillSwitch:
        switch, _ = await self.set_kill_switch(False, reason=reason, accounts=accounts)
        return switch

    async def list_audit_records(self, *, page_size: int = 500) -> AsyncIterator[AuditRecord]:
        """Every audit record the token may see, oldest first, fetched page by page."""
        request = gateway_pb2.ListAuditRecordsRequest(page_size=page_size)
        while True:
            page = await self._call(
                lambda: self.stub.ListAuditRecords(
                    request, timeout=self.timeout, metadata=self.metadata
                ),
                idempotent=True,
            )
            for record in page.records:
                yield AuditRecord.from_proto(record)
            if not page.next_page_token:
                return
            request.page_token = page.next_page_token
