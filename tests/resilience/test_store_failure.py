"""The store cannot write (its disk is full): every answer stays true.

On SQLite the disk is filled for real as SQLite sees it: the writer's database may not
grow (`max_page_count`) and its last free space is used up, so commits fail with
SQLITE_FULL ("database or disk is full"); freeing the space lets the same process carry
on. On PostgreSQL the database stops taking writes as a server does when its disk fills
or it becomes a read-only replica: its sessions are ended and those that follow are
read-only, so commits fail while reads still answer; making it writable again (and
ending the read-only sessions) lets the same process carry on."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import threading
from collections.abc import Awaitable

import grpc
import psycopg
import pytest
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from ibkr.gateway.v1 import gateway_pb2, orders_pb2, simulator_pb2

from ibkr_gateway.errors import StoreUnavailable
from ibkr_gateway.order.models import Order, OrderSpec
from ibkr_gateway.position.models import PositionEvent
from ibkr_gateway.rpc import convert
from ibkr_gateway.store.postgres import PostgresOrderStore
from ibkr_gateway.store.sqlite import SqliteOrderStore
from tests.polling import until
from tests.service.conftest import (
    Gateway,
    error_details,
    limit_spec,
    reaches,
    read_events,
    start_gateway,
    stop_gateway,
    submit,
)

S = orders_pb2
UNLIMITED_PAGES = 1_073_741_823


class Disk:
    """The store's disk, filled and freed on the store's own writer thread."""

    cause = "disk full"

    def __init__(self, store: SqliteOrderStore) -> None:
        self.store = store

    def error(self) -> Exception:
        """What a commit on the full disk raises."""
        return sqlite3.OperationalError("database or disk is full")

    async def fill(self) -> None:
        await self._on_writer(self._fill)

    async def free(self) -> None:
        await self._on_writer(self._free)

    async def _on_writer(self, work: object) -> None:
        assert callable(work)
        await asyncio.get_running_loop().run_in_executor(self.store._executor, work)

    def _fill(self) -> None:
        conn = self.store._writer
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        for _ in range(100_000):
            try:
                conn.execute(
                    "INSERT INTO settings VALUES ('filler-' || hex(randomblob(8)), ?)", ("x" * 200,)
                )
            except sqlite3.OperationalError:
                return
        raise AssertionError("the disk never filled")

    def _free(self) -> None:
        conn = self.store._writer
        conn.execute("DELETE FROM settings WHERE key LIKE 'filler-%'")
        conn.execute(f"PRAGMA max_page_count = {UNLIMITED_PAGES}")


class ReadOnlyDatabase:
    """The PostgreSQL database stops taking writes, and takes them again."""

    cause = "read-only"

    def __init__(self, store: PostgresOrderStore) -> None:
        self.store = store
        self.name = store.url.rsplit("/", 1)[1]
        self.admin_url = store.url.rsplit("/", 1)[0] + "/postgres"

    def error(self) -> Exception:
        return psycopg.errors.ReadOnlySqlTransaction(
            "cannot execute INSERT in a read-only transaction"
        )

    async def fill(self) -> None:
        await asyncio.to_thread(self._set, True)

    async def free(self) -> None:
        await asyncio.to_thread(self._set, False)

    def _set(self, read_only: bool) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            setting = "SET default_transaction_read_only = on" if read_only else "RESET ALL"
            conn.execute(f'ALTER DATABASE "{self.name}" {setting}')
            # Sessions keep the setting they started with: those of the other mode end.
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.name,),
            )


def disk_of(gw: Gateway) -> Disk | ReadOnlyDatabase:
    store = gw.server.store
    if isinstance(store, PostgresOrderStore):
        return ReadOnlyDatabase(store)
    return Disk(store)


async def fill_until_refused(gw: Gateway, disk: Disk | ReadOnlyDatabase) -> None:
    """Fills the disk, then submits until the store finds out: what is left of
    half-used pages may still take a few orders."""
    await disk.fill()
    for n in range(1000):
        refused = await refusal(submit(gw, limit_spec(f"filler-{n}", "50")))
        if refused is not None:
            assert refused == grpc.StatusCode.UNAVAILABLE
            return
    raise AssertionError("the store never found the disk full")


async def refusal(call: Awaitable[object]) -> grpc.StatusCode | None:
    """The status code of a failed call; None when it succeeded."""
    try:
        await call
    except grpc.aio.AioRpcError as exc:
        return exc.code()
    return None


async def health_of(gw: Gateway) -> int:
    stub = health_pb2_grpc.HealthStub(gw.channel)
    response = await stub.Check(health_pb2.HealthCheckRequest(service=""))
    return int(response.status)


async def health_is(gw: Gateway, status: int) -> None:
    async def check() -> bool:
        return await health_of(gw) == status

    await until(check)


async def unavailable(call: object) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE, caught.value.details()
    return caught.value


@pytest.fixture
async def gw(db: str) -> Gateway:  # type: ignore[misc]
    gateway = await start_gateway(db)
    try:
        yield gateway
    finally:
        await stop_gateway(gateway)


async def test_a_submit_on_a_full_disk_is_unavailable_and_leaves_no_order(
    gw: Gateway,
) -> None:
    disk = disk_of(gw)
    await fill_until_refused(gw, disk)
    spec = limit_spec("full-1", "50")
    error = await unavailable(submit(gw, spec))
    assert disk.cause in (error.details() or "")
    assert error_details(error)[0] == "STORE_UNAVAILABLE"
    await health_is(gw, health_pb2.HealthCheckResponse.NOT_SERVING)
    # A retry while the disk is full: still UNAVAILABLE, never OK.
    error = await unavailable(submit(gw, spec))
    assert disk.cause in (error.details() or "")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(client_order_id="full-1"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    await disk.free()
    # Freed space is found without a restart: the store retries in place.
    await health_is(gw, health_pb2.HealthCheckResponse.SERVING)
    order = await submit(gw, spec)
    assert order.spec.client_order_id == "full-1"
    await stop_gateway(gw)
    again = await start_gateway(gw.db_path)
    try:
        got = await again.stub.GetOrder(gateway_pb2.GetOrderRequest(client_order_id="full-1"))
        assert got.order.order_id == order.order_id
    finally:
        await stop_gateway(again)


async def test_a_submit_in_flight_when_the_disk_fills_is_undone(gw: Gateway) -> None:
    """The creation commit fails under the call: UNAVAILABLE, and the order is gone
    from memory too (a retry is not answered with a phantom)."""
    store = gw.server.store
    disk = disk_of(gw)
    commit = store._commit
    full = True
    attempts = 0

    def commit_on_a_full_disk(*args: object) -> None:
        nonlocal attempts
        attempts += 1
        if full:
            raise disk.error()
        commit(*args)  # type: ignore[arg-type]

    store._commit = commit_on_a_full_disk  # type: ignore[method-assign,assignment]
    spec = limit_spec("in-flight", "50")
    error = await unavailable(submit(gw, spec))
    assert disk.cause in (error.details() or "")
    assert attempts >= 1
    assert gw.server.manager.find("", "in-flight") is None
    await unavailable(submit(gw, spec))
    assert gw.server.manager.find("", "in-flight") is None
    full = False
    await health_is(gw, health_pb2.HealthCheckResponse.SERVING)
    assert (await submit(gw, spec)).status == S.ORDER_STATUS_PENDING_SUBMIT
    assert store._commit is commit_on_a_full_disk


async def test_a_batch_whose_creation_commit_fails_answers_each_order_unavailable(
    gw: Gateway,
) -> None:
    """SubmitOrders on a failing store: the call succeeds, each new order in it is
    UNAVAILABLE and undone, and a retry of an order that was stored before is answered."""
    stored = await submit(gw, limit_spec("before", "50"))
    store = gw.server.store
    disk = disk_of(gw)
    commit = store._commit
    full = True

    def commit_on_a_full_disk(*args: object) -> None:
        if full:
            raise disk.error()
        commit(*args)  # type: ignore[arg-type]

    store._commit = commit_on_a_full_disk  # type: ignore[method-assign,assignment]
    specs = [limit_spec("b-1", "50"), limit_spec("before", "50"), limit_spec("b-2", "50")]
    response = await gw.stub.SubmitOrders(gateway_pb2.SubmitOrdersRequest(orders=specs))
    first, retry, last = response.results
    for refused in (first, last):
        assert refused.error.code == grpc.StatusCode.UNAVAILABLE.value[0]
        assert disk.cause in refused.error.message
    assert retry.order.order_id == stored.order_id
    for coid in ("b-1", "b-2"):
        assert gw.server.manager.find("", coid) is None
    full = False
    await health_is(gw, health_pb2.HealthCheckResponse.SERVING)
    response = await gw.stub.SubmitOrders(gateway_pb2.SubmitOrdersRequest(orders=specs))
    assert [r.WhichOneof("result") for r in response.results] == ["order"] * 3


async def test_every_mutating_call_is_unavailable_with_the_cause(gw: Gateway) -> None:
    order = await submit(gw, limit_spec("resting", "50"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
    disk = disk_of(gw)
    await fill_until_refused(gw, disk)
    calls = [
        gw.stub.ModifyOrder(gateway_pb2.ModifyOrderRequest(order_id=order.order_id, quantity="5")),
        gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=order.order_id)),
        gw.stub.CancelAllOrders(gateway_pb2.CancelAllOrdersRequest()),
        gw.stub.SubmitBracketOrder(
            gateway_pb2.SubmitBracketOrderRequest(
                parent=limit_spec("br", "50"),
                take_profit_limit_price="60",
                stop_loss_stop_price="40",
            )
        ),
    ]
    for call in calls:
        error = await unavailable(call)
        assert disk.cause in (error.details() or "")
    # A batch answers each new order as SubmitOrder would, and a retry with its order.
    batch = await gw.stub.SubmitOrders(
        gateway_pb2.SubmitOrdersRequest(
            orders=[limit_spec("new", "50"), limit_spec("resting", "50")]
        )
    )
    new, retried = batch.results
    assert new.error.code == grpc.StatusCode.UNAVAILABLE.value[0]
    assert disk.cause in new.error.message
    info = error_details_pb2.ErrorInfo()
    assert new.error.details[0].Unpack(info)
    assert info.reason == "STORE_UNAVAILABLE"
    assert retried.order.order_id == order.order_id
    assert gw.server.manager.find("", "new") is None
    # Nothing was changed, not even in memory: reads answer what is recorded.
    got = await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=order.order_id))
    assert got.order.status == S.ORDER_STATUS_SUBMITTED
    assert got.order.spec.quantity == "100"


async def test_broker_reports_wait_in_order_and_land_when_space_returns(
    gw: Gateway,
) -> None:
    orders = [await submit(gw, limit_spec(f"rest-{i}", "50", quantity="10")) for i in range(3)]
    ids = {o.order_id for o in orders}
    await read_events(
        gw,
        until=lambda ev: (
            ids <= {e.order_id for e in ev if e.order.status == S.ORDER_STATUS_SUBMITTED}
        ),
    )
    before = gw.server.store.last_sequence
    disk = disk_of(gw)
    await disk.fill()
    # The exchange fills every order while nothing can be written.
    await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="49"))
    await health_is(gw, health_pb2.HealthCheckResponse.NOT_SERVING)
    assert gw.server.store.last_sequence == before
    await disk.free()
    events = await read_events(
        gw,
        after=before,
        until=lambda ev: ids <= {e.order_id for e in ev if e.order.status == S.ORDER_STATUS_FILLED},
    )
    # The journal goes on without a gap; each fill's position change is journaled with
    # it, between the order events.
    journal = gw.server.store.read_events(before, 1000)
    assert [e.sequence for e in journal] == list(range(before + 1, before + 1 + len(journal)))
    assert [e.sequence for e in events] == [
        e.sequence for e in journal if not isinstance(e, PositionEvent)
    ]
    assert sum(isinstance(e, PositionEvent) for e in journal) == len(orders)
    for order in orders:
        kinds = [e.WhichOneof("kind") for e in events if e.order_id == order.order_id]
        assert kinds == ["fill", "status_change"]
    await stop_gateway(gw)
    again = await start_gateway(gw.db_path)
    try:
        fills = await again.stub.ListFills(gateway_pb2.ListFillsRequest())
        assert sorted(f.order_id for f in fills.fills) == sorted(ids)
    finally:
        await stop_gateway(again)


async def test_the_kill_switch_cancels_at_the_broker_on_a_full_disk(
    gw: Gateway,
) -> None:
    orders = [await submit(gw, limit_spec(f"ks-{i}", "50")) for i in range(3)]
    ids = {o.order_id for o in orders}
    await read_events(
        gw,
        until=lambda ev: (
            ids <= {e.order_id for e in ev if e.order.status == S.ORDER_STATUS_SUBMITTED}
        ),
    )
    disk = disk_of(gw)
    await fill_until_refused(gw, disk)
    response = await gw.stub.SetKillSwitch(
        gateway_pb2.SetKillSwitchRequest(engaged=True, reason="disk full drill")
    )
    assert response.kill_switch.engaged
    assert {o.order_id for o in response.cancelled_orders} == ids
    exchange = gw.server.sim_broker
    assert exchange is not None
    assert [o for o in exchange.exchange.orders.values() if o.working] == []
    await disk.free()
    events = await read_events(
        gw,
        until=lambda ev: (
            ids <= {e.order_id for e in ev if e.order.status == S.ORDER_STATUS_CANCELLED}
        ),
    )
    assert events
    await stop_gateway(gw)
    again = await start_gateway(gw.db_path)
    try:
        state = await again.stub.GetKillSwitch(gateway_pb2.GetKillSwitchRequest())
        assert state.kill_switch.engaged
        assert state.kill_switch.reason == "disk full drill"
    finally:
        await stop_gateway(again)


ROUNDS = 20


async def test_store_failure_rounds_lose_no_acknowledged_order(db: str) -> None:
    """Rounds of retrying submitters with the disk filling and freeing under them:
    every order answered OK is in the journal after a restart, and no order exists
    that was not answered OK at least once."""
    rng = random.Random(7)
    acknowledged: dict[str, str] = {}
    lost = false_ok = 0
    for round_ in range(ROUNDS):
        gw = await start_gateway(db)
        disk = disk_of(gw)

        async def submitter(n: int, gw: Gateway = gw, round_: int = round_) -> None:
            spec = limit_spec(f"r{round_}-{n}", "50")
            # Retries until it goes through, as a strategy would: how long the store takes
            # to come back (a reconnect, on PostgreSQL) depends on the machine's load.
            deadline = asyncio.get_running_loop().time() + 60
            while asyncio.get_running_loop().time() < deadline:
                call = gw.stub.SubmitOrder(gateway_pb2.SubmitOrderRequest(order=spec))
                refused = await refusal(call)
                if refused is None:
                    acknowledged[spec.client_order_id] = (await call).order.order_id
                    return
                assert refused == grpc.StatusCode.UNAVAILABLE
                await asyncio.sleep(0.01)

        async def flaky_disk(disk: Disk | ReadOnlyDatabase = disk) -> None:
            await asyncio.sleep(rng.uniform(0, 0.05))
            await disk.fill()
            await asyncio.sleep(rng.uniform(0.02, 0.1))
            await disk.free()

        await asyncio.gather(flaky_disk(), *(submitter(n) for n in range(8)))
        await stop_gateway(gw)
        gw = await start_gateway(db)
        try:
            stored: dict[str, str] = {}
            token = ""
            while True:
                page = await gw.stub.ListOrders(
                    gateway_pb2.ListOrdersRequest(page_size=500, page_token=token)
                )
                stored |= {o.spec.client_order_id: o.order_id for o in page.orders}
                token = page.next_page_token
                if not token:
                    break
        finally:
            await stop_gateway(gw)
        lost += sum(1 for coid, oid in acknowledged.items() if stored.get(coid) != oid)
        false_ok += sum(1 for coid in stored if coid not in acknowledged)
    print(
        f"store-failure rounds: {ROUNDS}, acknowledged orders: {len(acknowledged)}, "
        f"lost: {lost}, false OKs: {false_ok}"
    )
    assert len(acknowledged) == ROUNDS * 8, sorted(acknowledged)
    assert (lost, false_ok) == (0, 0)


async def test_a_retry_in_a_batch_whose_original_is_undone_meanwhile_is_unavailable(
    gw: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch finds an order in flight (a retry, so not qualified again), then its
    creation fails while the batch's other orders are qualified, and the store recovers:
    the retry is refused, never created from the spec that was not qualified."""
    manager, store = gw.server.manager, gw.server.store
    broker = gw.server.sim_broker
    assert broker is not None
    commit = store._commit
    writer_blocked, disk_full = threading.Event(), threading.Event()

    def full_once(*args: object) -> None:
        if not disk_full.is_set():
            writer_blocked.set()
            disk_full.wait(10)
            raise sqlite3.OperationalError("database or disk is full")
        commit(*args)  # type: ignore[arg-type]

    store._commit = full_once  # type: ignore[method-assign,assignment]
    qualify = broker.qualify
    qualifying, gate = asyncio.Event(), asyncio.Event()

    async def slow_qualify(spec: OrderSpec) -> OrderSpec:
        if spec.client_order_id == "other":
            qualifying.set()
            await gate.wait()
        return await qualify(spec)

    monkeypatch.setattr(broker, "qualify", slow_qualify)
    original = asyncio.create_task(
        manager.submit(convert.spec_from_proto(limit_spec("x", "50"), "order"))
    )
    await asyncio.to_thread(writer_blocked.wait, 10)
    specs = [limit_spec("x", "50"), limit_spec("other", "50")]
    batch = asyncio.create_task(
        manager.submit_many([convert.spec_from_proto(s, "order") for s in specs])
    )
    await asyncio.wait_for(qualifying.wait(), 10)
    disk_full.set()
    with pytest.raises(StoreUnavailable):
        await original
    await health_is(gw, health_pb2.HealthCheckResponse.SERVING)
    gate.set()
    retried, other = await batch
    assert isinstance(retried, StoreUnavailable)
    assert isinstance(other, Order)
    assert manager.find("", "x") is None
