"""Python runner of the contract suite: `python -m tests.contract.runner --target HOST:PORT`.

Executes every scenario of scenarios.json (format in README.md beside it) and prints
one line per scenario, then "N passed, M failed". Exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import re
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status
from ibkr.gateway.v1 import (
    account_pb2,
    account_pb2_grpc,
    gateway_pb2,
    gateway_pb2_grpc,
    simulator_pb2,
    simulator_pb2_grpc,
)

SCENARIOS = Path(__file__).with_name("scenarios.json")


def scenario_symbols() -> list[str]:
    """Every symbol the scenarios trade: a backend that checks contracts must know them."""
    symbols: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            symbol = node.get("symbol")
            # A symbol of one run (${run} in it) is for the simulator's scenarios only.
            if isinstance(symbol, str) and symbol and "${" not in symbol:
                symbols.add(symbol)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(SCENARIOS.read_text()))
    return sorted(symbols)


MODULES: dict[str, Any] = {
    "gateway": gateway_pb2,
    "simulator": simulator_pb2,
    "account": account_pb2,
}

STEP_TIMEOUT = 10.0
VARIABLE = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


class ScenarioFailed(AssertionError):
    pass


@dataclass(frozen=True)
class PositionChange:
    """What the position resume compares of each StreamPositions event."""

    sequence: int
    quantity: str
    previous_quantity: str
    order_id: str

    def seen(self) -> tuple[int, str]:
        return self.sequence, self.quantity


def expand(value: Any, variables: dict[str, str]) -> Any:
    if isinstance(value, str):

        def lookup(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in variables:
                raise ScenarioFailed(f"unknown variable ${{{name}}}")
            return variables[name]

        return VARIABLE.sub(lookup, value)
    if isinstance(value, list):
        return [expand(v, variables) for v in value]
    if isinstance(value, dict):
        return {expand(k, variables): expand(v, variables) for k, v in value.items()}
    return value


def as_json(message: Message) -> dict[str, Any]:
    return json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def at_path(document: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        elif isinstance(document, dict) and part in document:
            document = document[part]
        else:
            raise ScenarioFailed(f"response has no field {path!r}")
    return document


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Runner:
    def __init__(self, channel: grpc.aio.Channel) -> None:
        self.channel = channel
        self.services: dict[str, Any] = {
            "gateway": gateway_pb2_grpc.OrderGatewayServiceStub(channel),
            "simulator": simulator_pb2_grpc.SimulatorControlServiceStub(channel),
            "account": account_pb2_grpc.AccountServiceStub(channel),
        }
        self.gateway = self.services["gateway"]
        self.account = self.services["account"]

    async def run(self, scenario: dict[str, Any], run_id: str) -> None:
        variables = {"run": run_id}
        for index, step in enumerate(scenario["steps"]):
            step = expand(step, variables)
            try:
                await asyncio.wait_for(self.step(step, variables), STEP_TIMEOUT)
            except TimeoutError:
                raise ScenarioFailed(f"step {index} ({step['op']}) timed out") from None
            except ScenarioFailed as exc:
                raise ScenarioFailed(f"step {index} ({step['op']}): {exc}") from None

    async def step(self, step: dict[str, Any], variables: dict[str, str]) -> None:
        op = step["op"]
        if op == "call":
            await self.call(step, variables)
        elif op == "events":
            await self.events(step, variables)
        elif op == "resume":
            await self.resume(step)
        elif op == "position_resume":
            await self.position_resume(step)
        else:
            raise ScenarioFailed(f"unknown op {op!r}")

    async def call(self, step: dict[str, Any], variables: dict[str, str]) -> None:
        service = step.get("service", "gateway")
        module = MODULES[service]
        method = step["method"]
        request = json_format.ParseDict(step["request"], getattr(module, f"{method}Request")())
        expect = step.get("expect", {})
        try:
            response = await getattr(self.services[service], method)(request)
        except grpc.aio.AioRpcError as error:
            if "error" not in expect:
                raise ScenarioFailed(
                    f"{method} failed: {error.code().name} {error.details()}"
                ) from None
            check_error(error, expect["error"])
            return
        if "error" in expect:
            raise ScenarioFailed(f"{method} succeeded; expected {expect['error']['code']}")
        document = as_json(response)
        for path, want in expect.get("fields", {}).items():
            got = as_text(at_path(document, path))
            if got != want:
                raise ScenarioFailed(f"{method}: {path} is {got!r}, expected {want!r}")
        for path, want in expect.get("counts", {}).items():
            got_items = at_path(document, path)
            if len(got_items) != want:
                raise ScenarioFailed(f"{method}: {path} has {len(got_items)} items, not {want}")
        for path, want in expect.get("statuses", {}).items():
            check_item_status(document, path, want)
        for name, path in step.get("save", {}).items():
            variables[name] = as_text(at_path(document, path))

    async def events(self, step: dict[str, Any], variables: dict[str, str]) -> None:
        wanted = set(step["orders"])
        until: dict[str, str] = step["until"]
        kept: list[dict[str, Any]] = []

        def done() -> bool:
            return all(
                any(e["order_id"] == oid and e["order"]["status"] == status for e in kept)
                for oid, status in until.items()
            )

        await self._read(0, lambda e: kept.append(e) if e["order_id"] in wanted else None, done)
        for oid, kinds in step.get("expect_kinds", {}).items():
            got = [
                f"{kind_of(e)}:{e['order']['status'].removeprefix('ORDER_STATUS_')}"
                for e in kept
                if e["order_id"] == oid
            ]
            if got != kinds:
                raise ScenarioFailed(f"events of {oid}: {got}, expected {kinds}")
        for oid, fills in step.get("expect_fills", {}).items():
            got_fills = [e["fill"] for e in kept if e["order_id"] == oid and "fill" in e]
            if len(got_fills) != len(fills):
                raise ScenarioFailed(f"{oid} has {len(got_fills)} fills, expected {len(fills)}")
            for got_fill, want_fill in zip(got_fills, fills, strict=True):
                for key, value in want_fill.items():
                    if as_text(got_fill[key]) != value:
                        raise ScenarioFailed(f"fill {key} of {oid}: {got_fill[key]} != {value}")
        if "save_last_sequence" in step:
            variables[step["save_last_sequence"]] = str(max(int(e["sequence"]) for e in kept))

    async def resume(self, step: dict[str, Any]) -> None:
        sequences: list[int] = []
        drop_after = int(step["drop_after"])
        until = int(step["until_sequence"])
        await self._read(
            0, lambda e: sequences.append(int(e["sequence"])), lambda: len(sequences) >= drop_after
        )
        await self._read(
            sequences[-1],
            lambda e: sequences.append(int(e["sequence"])),
            lambda: sequences[-1] >= until,
        )
        # Exactly what one uninterrupted call reads: position changes between order
        # events leave gaps in the numbers, never in the feed.
        whole: list[int] = []
        await self._read(0, lambda e: whole.append(int(e["sequence"])), lambda: whole[-1] >= until)
        if sequences != whole:
            raise ScenarioFailed(f"resumed sequences {sequences} differ from one read {whole}")

    async def position_resume(self, step: dict[str, Any]) -> None:
        symbol = step["symbol"]
        start = int(step.get("after_sequence", 0))
        drop_after = int(step["drop_after"])
        want_orders: list[str] = step["expect_orders"]
        count = len(want_orders)
        resumed: list[PositionChange] = []
        await self._read_positions(symbol, start, resumed, lambda: len(resumed) >= drop_after)
        await self._read_positions(
            symbol, resumed[-1].sequence, resumed, lambda: len(resumed) >= count
        )
        whole: list[PositionChange] = []
        await self._read_positions(symbol, start, whole, lambda: len(whole) >= count)
        check_position_changes(resumed, whole, want_orders, step.get("expect_last_quantity"))

    async def _read_positions(
        self, symbol: str, after: int, out: list[PositionChange], done: Callable[[], bool]
    ) -> None:
        call = self.account.StreamPositions(
            account_pb2.StreamPositionsRequest(after_sequence=after, symbol=symbol)
        )
        try:
            async for message in call:
                if message.HasField("event"):
                    event = message.event
                    out.append(
                        PositionChange(
                            event.sequence,
                            event.position.quantity,
                            event.previous_quantity,
                            event.order_id,
                        )
                    )
                    if done():
                        return
        finally:
            call.cancel()
        raise ScenarioFailed("position stream ended early")

    async def _read(
        self, after: int, keep: Callable[[dict[str, Any]], None], done: Callable[[], bool]
    ) -> None:
        call = self.gateway.StreamOrderEvents(
            gateway_pb2.StreamOrderEventsRequest(after_sequence=after)
        )
        try:
            async for message in call:
                if message.HasField("event"):
                    keep(as_json(message.event))
                    if done():
                        return
        finally:
            call.cancel()
        raise ScenarioFailed("stream ended early")


def check_position_changes(
    resumed: list[PositionChange],
    whole: list[PositionChange],
    want_orders: list[str],
    want_last: str | None,
) -> None:
    """The checks of `position_resume` on what its reads returned (see README.md)."""
    if [c.seen() for c in resumed] != [c.seen() for c in whole]:
        raise ScenarioFailed(
            f"resumed position events {[c.seen() for c in resumed]}"
            f" differ from one read {[c.seen() for c in whole]}"
        )
    for before, after in itertools.pairwise(whole):
        if after.previous_quantity != before.quantity:
            raise ScenarioFailed(
                f"event {after.sequence} was {after.previous_quantity!r} before,"
                f" not {before.quantity!r}"
            )
    got_orders = [c.order_id for c in whole]
    if got_orders != want_orders:
        raise ScenarioFailed(f"position events of orders {got_orders}, expected {want_orders}")
    if want_last is not None and whole[-1].quantity != want_last:
        raise ScenarioFailed(f"last quantity {whole[-1].quantity!r}, expected {want_last!r}")


def kind_of(event: dict[str, Any]) -> str:
    for kind in ("status_change", "fill", "cancel", "modification"):
        if kind in event:
            return kind
    raise ScenarioFailed(f"event {event.get('sequence')} has no kind")


def check_error(error: grpc.aio.AioRpcError, want: dict[str, Any]) -> None:
    status = rpc_status.from_call(error)
    if error.code().name == want["code"] and status is None:
        raise ScenarioFailed("error carries no google.rpc.Status details")
    check_status(error.code().name, error.details() or "", status, want)


def check_item_status(document: Any, path: str, want: dict[str, Any]) -> None:
    """`expect.statuses`: the google.rpc.Status at path (an item's error) is as wanted."""
    status = json_format.ParseDict(at_path(document, path), status_pb2.Status())
    name = next((c.name for c in grpc.StatusCode if c.value[0] == status.code), None)
    try:
        check_status(name or f"CODE_{status.code}", status.message, status, want)
    except ScenarioFailed as exc:
        raise ScenarioFailed(f"{path}: {exc}") from None


def check_status(
    code: str, message: str, status: status_pb2.Status | None, want: dict[str, Any]
) -> None:
    if code != want["code"]:
        raise ScenarioFailed(f"status {code} ({message}), not {want['code']}")
    reason, fields = "", set()
    for detail in status.details if status is not None else ():
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = info.reason
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields |= {v.field for v in bad.field_violations}
    if "reason" in want and reason != want["reason"]:
        raise ScenarioFailed(f"reason {reason!r}, expected {want['reason']!r}")
    missing = set(want.get("field_violations", [])) - fields
    if missing:
        raise ScenarioFailed(f"no field violation for {sorted(missing)}; got {sorted(fields)}")


def uses_simulator(scenario: dict[str, Any]) -> bool:
    return any(step.get("service") == "simulator" for step in scenario["steps"])


async def main(target: str, only: str | None, skip_simulator: bool = False) -> int:
    scenarios = json.loads(SCENARIOS.read_text())["scenarios"]
    run_id = f"py-{uuid.uuid4().hex[:8]}"
    passed = failed = 0
    async with grpc.aio.insecure_channel(target) as channel:
        runner = Runner(channel)
        for scenario in scenarios:
            if only and scenario["name"] != only:
                continue
            if skip_simulator and uses_simulator(scenario):
                print(f"skip {scenario['name']}: needs SimulatorControlService")
                continue
            try:
                await runner.run(scenario, f"{run_id}-{passed + failed}")
            except ScenarioFailed as exc:
                failed += 1
                print(f"FAIL {scenario['name']}: {exc}")
            else:
                passed += 1
                print(f"ok   {scenario['name']}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", required=True, help="gateway address, host:port")
    parser.add_argument("--scenario", help="run only this scenario")
    parser.add_argument(
        "--skip-simulator",
        action="store_true",
        help="skip scenarios that drive the market (for a gateway without simulator control)",
    )
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.target, args.scenario, args.skip_simulator)))
