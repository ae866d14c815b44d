"""Property-based fuzzing of every request of OrderGatewayService, AccountService and
SimulatorControlService, built field by field from the descriptors (so a new RPC or
field is fuzzed without touching this file): no input may produce INTERNAL or UNKNOWN,
and the gateway answers its health check after each one. Undecodable bytes at the gRPC
layer are sent to every method path too.

The inputs fuzzing found INTERNAL for are pinned by the tests at the end.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import grpc
import pytest
from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from google.protobuf.duration_pb2 import Duration
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ibkr.gateway.v1 import account_pb2, gateway_pb2, orders_pb2, simulator_pb2

from ibkr_gateway.rpc import paging
from ibkr_gateway.store.base import FillQuery, OrderQuery
from tests.service.conftest import Gateway, limit_spec, order_spec, submit

EXAMPLES = 60
RAW_EXAMPLES = 40
CALL_TIMEOUT = 10  # seconds: a deadline for a stuck call, never a window to pass
FORBIDDEN = (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN)

SERVICES = [
    gateway_pb2.DESCRIPTOR.services_by_name["OrderGatewayService"],
    account_pb2.DESCRIPTOR.services_by_name["AccountService"],
    simulator_pb2.DESCRIPTOR.services_by_name["SimulatorControlService"],
]
METHODS: dict[str, MethodDescriptor] = {
    f"/{service.full_name}/{method.name}": method
    for service in SERVICES
    for method in service.methods
}

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

DECIMAL_FIELD_SUFFIXES = ("price", "quantity", "amount", "percent", "strike", "multiplier", "cost")


# -- strategies ---------------------------------------------------------------------


def texts() -> st.SearchStrategy[str]:
    """Any unicode (NUL included), near-valid identifiers, and huge strings."""
    return st.one_of(
        st.text(max_size=80),
        st.from_regex(r"[A-Za-z0-9._:\-]{1,70}", fullmatch=True),
        st.sampled_from(["", " ", "\x00", "AAPL", "DU123456", "é", "\U0001f600", "a" * 65]),
        st.builds(
            lambda c, n: c * n,
            st.sampled_from(["x", "é", "\x00", "\U0001f600"]),
            st.sampled_from([1_000, 100_000, 1_100_000]),  # the last: over 4 MB for 😀
        ),
    )


def decimals() -> st.SearchStrategy[str]:
    return st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.from_regex(r"-?[0-9]{0,25}(\.[0-9]{0,25})?", fullmatch=True),
        st.sampled_from(
            [
                "0",
                "-0",
                "1",
                "50",
                "100",
                "1e5",
                "NaN",
                "sNaN",
                "Infinity",
                "-1",
                "0.000000001",
                "100000000",
                "100000000.00000001",
                "１２３",
                "٣",
                " 1",
                "1_000",
                "1.",
                ".5",
                "+1",
            ]
        ),
        texts(),
    )


def ints(bounds: tuple[int, int]) -> st.SearchStrategy[int]:
    low, high = bounds
    return st.one_of(st.sampled_from([0, 1, -1, low, high]), st.integers(low, high))


def page_tokens() -> st.SearchStrategy[str]:
    """Random text, and tokens in the server's format (base64 JSON) with random parts."""
    position: st.SearchStrategy[Any] = st.one_of(
        st.integers(),
        st.floats(),
        st.text(max_size=10),
        st.none(),
        st.lists(st.integers(), max_size=2),
    )
    body = st.one_of(
        st.fixed_dictionaries({"p": position, "f": st.text(max_size=20)}),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
        st.lists(st.integers(), max_size=3),
        st.integers(),
    )
    tokens = body.map(
        lambda b: base64.urlsafe_b64encode(json.dumps(b).encode()).decode().rstrip("=")
    )
    return st.one_of(texts(), tokens)


class Pools:
    """Values that exist in the gateway, so fuzzing also reaches past the lookups."""

    def __init__(self, order_ids: list[str], client_order_ids: list[str]) -> None:
        self.order_ids = order_ids
        self.client_order_ids = client_order_ids
        self._requests: dict[str, st.SearchStrategy[Message]] = {}

    def requests(self, method: MethodDescriptor) -> st.SearchStrategy[Message]:
        """The request strategy of a method, built once."""
        if method.full_name not in self._requests:
            self._requests[method.full_name] = messages(method.input_type, self)
        return self._requests[method.full_name]

    def string(self, field: FieldDescriptor) -> st.SearchStrategy[str]:
        name = field.name
        if name == "order_id":
            return st.one_of(st.sampled_from(self.order_ids), texts())
        if name == "client_order_id":
            return st.one_of(st.sampled_from(self.client_order_ids), texts())
        if name == "page_token":
            return page_tokens()
        if name == "account":
            return st.one_of(st.sampled_from(["", "DU123456", "DU999"]), texts())
        if name == "symbol":
            return st.one_of(st.sampled_from(["AAPL", "MSFT"]), texts())
        if name.endswith(DECIMAL_FIELD_SUFFIXES):
            return decimals()
        return texts()


def scalar(field: FieldDescriptor, pools: Pools) -> st.SearchStrategy[Any]:
    t = field.type
    if t == FieldDescriptor.TYPE_STRING:
        return pools.string(field)
    if t == FieldDescriptor.TYPE_BYTES:
        return st.binary(max_size=64)
    if t == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if t == FieldDescriptor.TYPE_ENUM:
        assert field.enum_type is not None
        known = [v.number for v in field.enum_type.values]
        return st.one_of(st.sampled_from(known), ints(INT32))
    if t in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return st.floats(width=64 if t == FieldDescriptor.TYPE_DOUBLE else 32)
    if t in (FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32):
        return ints((0, 2**32 - 1))
    if t in (FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64):
        return ints((0, 2**64 - 1))
    if t in (
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_SINT64,
        FieldDescriptor.TYPE_SFIXED64,
    ):
        return ints(INT64)
    return ints(INT32)


def well_known(desc: Descriptor) -> st.SearchStrategy[Message] | None:
    """Timestamp and Duration: any seconds and nanos, valid or not."""
    for kind in (Timestamp, Duration):
        if desc.full_name == kind.DESCRIPTOR.full_name:
            return st.builds(kind, seconds=ints(INT64), nanos=ints(INT32))
    return None


def valid_specs() -> st.SearchStrategy[orders_pb2.OrderSpec]:
    """Specs the gateway accepts: market, limit, stop, trailing stop, GTD limit."""
    ids = st.from_regex(r"fz-[a-z0-9]{1,12}", fullmatch=True)
    return st.one_of(
        st.builds(lambda c: order_spec(c, quantity="3"), ids),
        st.builds(lambda c: limit_spec(c, "45"), ids),
        st.builds(
            lambda c: order_spec(
                c, side=orders_pb2.SIDE_SELL, order_type=orders_pb2.ORDER_TYPE_STOP, stop_price="90"
            ),
            ids,
        ),
        st.builds(
            lambda c: order_spec(
                c,
                side=orders_pb2.SIDE_SELL,
                order_type=orders_pb2.ORDER_TYPE_TRAILING_STOP,
                trailing_percent="2.5",
            ),
            ids,
        ),
        st.builds(gtd, ids),
    )


def gtd(client_order_id: str) -> orders_pb2.OrderSpec:
    spec = limit_spec(client_order_id, "45", tif=orders_pb2.TIME_IN_FORCE_GTD)
    spec.good_till_time.seconds = 4_000_000_000  # in 2096
    return spec


def valid_requests(pools: Pools) -> dict[str, st.SearchStrategy[Message]]:
    """Messages the gateway accepts (by message name), to fuzz one field at a time."""
    ids = st.from_regex(r"fz-[a-z0-9]{1,12}", fullmatch=True)
    known = st.sampled_from(pools.order_ids)
    return {
        "OrderSpec": valid_specs(),
        "SubmitBracketOrderRequest": st.builds(
            lambda c, limit: gateway_pb2.SubmitBracketOrderRequest(
                parent=limit_spec(c, "45"),
                take_profit_limit_price="60",
                stop_loss_stop_price="40",
                stop_loss_limit_price=limit,
            ),
            ids,
            st.sampled_from(["", "39"]),
        ),
        "ModifyOrderRequest": st.builds(
            lambda order_id, price: gateway_pb2.ModifyOrderRequest(
                order_id=order_id, limit_price=price
            ),
            known,
            st.sampled_from(["44", "46"]),
        ),
        "FillOrderRequest": st.builds(
            lambda order_id, quantity: simulator_pb2.FillOrderRequest(
                order_id=order_id, quantity=quantity, price="45"
            ),
            known,
            st.sampled_from(["", "1"]),
        ),
        "SetPriceRequest": st.builds(
            lambda price: simulator_pb2.SetPriceRequest(symbol="AAPL", price=price),
            st.sampled_from(["44", "100", "120"]),
        ),
    }


def field_paths(desc: Descriptor) -> list[tuple[str, ...]]:
    """Every field, and every field of a (non well-known) message field."""
    paths: list[tuple[str, ...]] = []
    for field in desc.fields:
        paths.append((field.name,))
        sub = field.message_type
        if sub is not None and not field.is_repeated and well_known(sub) is None:
            paths += [(field.name, f.name) for f in sub.fields]
    return paths


def one_field_fuzzed(
    valid: st.SearchStrategy[Message], desc: Descriptor, pools: Pools
) -> st.SearchStrategy[Message]:
    """A valid message with one field (or one field of a message field) fuzzed: past
    the field checks, into the manager, the store and the exchange."""

    def mutate(base: Message, path: tuple[str, ...], data: st.DataObject) -> Message:
        out = type(base)()
        out.CopyFrom(base)
        owner, owner_desc = out, desc
        for name in path[:-1]:
            owner = getattr(owner, name)
            sub = owner_desc.fields_by_name[name].message_type
            assert sub is not None
            owner_desc = sub
        field = owner_desc.fields_by_name[path[-1]]
        owner.ClearField(field.name)
        if field.message_type is not None:
            value: st.SearchStrategy[Any] = messages(field.message_type, pools, 3)
        else:
            value = scalar(field, pools)
        if field.is_repeated:
            getattr(owner, field.name).extend(data.draw(st.lists(value, max_size=3)))
        elif data.draw(st.booleans()):  # absent, or set
            if field.message_type is not None:
                getattr(owner, field.name).CopyFrom(data.draw(value))
            else:
                setattr(owner, field.name, data.draw(value))
        return out

    return st.builds(mutate, valid, st.sampled_from(field_paths(desc)), st.data())


def messages(
    desc: Descriptor, pools: Pools, depth: int = 0, near: bool = True
) -> st.SearchStrategy[Message]:
    """Messages of `desc` with every field absent or set to a fuzzed value."""
    special = well_known(desc)
    if special is not None:
        return special
    valid = valid_requests(pools).get(desc.name) if near else None
    if valid is not None:
        random = messages(desc, pools, depth, near=False)
        return st.one_of(random, valid, one_field_fuzzed(valid, desc, pools))
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in desc.fields:
        if field.message_type is not None:
            if depth >= 3:
                continue
            value: st.SearchStrategy[Any] = messages(field.message_type, pools, depth + 1)
        else:
            value = scalar(field, pools)
        if field.is_repeated:
            fields[field.name] = st.lists(value, max_size=4)
        else:
            fields[field.name] = st.one_of(st.none(), value)
    cls = message_factory.GetMessageClass(desc)
    return st.fixed_dictionaries(fields).map(lambda values: build(cls, desc, values))


def build(cls: Callable[[], Message], desc: Descriptor, values: dict[str, Any]) -> Message:
    msg = cls()
    for name, value in values.items():
        field = desc.fields_by_name[name]
        if value is None:
            continue
        if field.is_repeated:
            getattr(msg, name).extend(value)
        elif field.message_type is not None:
            getattr(msg, name).CopyFrom(value)
        else:
            setattr(msg, name, value)
    return msg


# -- calls --------------------------------------------------------------------------


async def call_raw(
    channel: grpc.aio.Channel, path: str, payload: bytes, streaming: bool
) -> grpc.StatusCode:
    """Calls a method with raw request bytes; the status. A stream counts as OK once
    it has sent its first message (a replayed event or a heartbeat: it passed every
    check), however long the server takes to get there; otherwise its status is
    awaited, up to the call's deadline."""

    def identity(b: bytes) -> bytes:
        return b

    try:
        if not streaming:
            await channel.unary_unary(
                path, request_serializer=identity, response_deserializer=identity
            )(payload, timeout=CALL_TIMEOUT)
            return grpc.StatusCode.OK
        call = channel.unary_stream(
            path, request_serializer=identity, response_deserializer=identity
        )(payload, timeout=CALL_TIMEOUT)
        try:
            if await call.read() is grpc.aio.EOF:
                return await call.code()
        finally:
            call.cancel()
        return grpc.StatusCode.OK
    except grpc.aio.AioRpcError as exc:
        return exc.code()


async def assert_serving(gw: Gateway) -> None:
    health = health_pb2_grpc.HealthStub(gw.channel)
    reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


@pytest.fixture
async def pools(gw: Gateway) -> Pools:
    """A resting order, a filled one and a cancelled one."""
    resting = await submit(gw, limit_spec("fz-rest", "50"))
    filled = await submit(gw, order_spec("fz-mkt"))
    cancelled = await submit(gw, limit_spec("fz-cxl", "40"))
    await gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=cancelled.order_id))
    return Pools(
        [resting.order_id, filled.order_id, cancelled.order_id],
        ["fz-rest", "fz-mkt", "fz-cxl"],
    )


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.large_base_example,
        HealthCheck.data_too_large,
    ],
)


@pytest.mark.parametrize("path", sorted(METHODS))
@FUZZ_SETTINGS
@given(data=st.data())
async def test_no_request_is_an_internal_error(
    gw: Gateway, pools: Pools, path: str, data: st.DataObject
) -> None:
    method = METHODS[path]
    request = data.draw(pools.requests(method), label="request")
    code = await call_raw(gw.channel, path, request.SerializeToString(), method.server_streaming)
    assert code not in FORBIDDEN, f"{path} answered {code.name}"
    await assert_serving(gw)


@pytest.mark.parametrize("path", sorted(METHODS))
@settings(FUZZ_SETTINGS, max_examples=RAW_EXAMPLES)
@given(payload=st.one_of(st.binary(max_size=256), st.sampled_from([b"\xff", b"\x0a\x02\xc3\x28"])))
async def test_undecodable_bytes_leave_the_gateway_serving(
    gw: Gateway, path: str, payload: bytes
) -> None:
    """grpc.aio (1.85) answers a request it cannot deserialize with UNKNOWN
    ("Unexpected <class 'google.protobuf.message.DecodeError'>: Error parsing message")
    before any gateway code runs, so UNKNOWN is allowed here only for bytes protobuf
    refuses; bytes it accepts must not give INTERNAL or UNKNOWN."""
    method = METHODS[path]
    cls = message_factory.GetMessageClass(method.input_type)
    try:
        cls.FromString(payload)
        decodable = True
    except Exception:
        decodable = False
    code = await call_raw(gw.channel, path, payload, method.server_streaming)
    assert code != grpc.StatusCode.INTERNAL, path
    if decodable:
        assert code not in FORBIDDEN, f"{path} answered {code.name} to decodable bytes"
    else:
        assert code in (grpc.StatusCode.UNKNOWN, grpc.StatusCode.INVALID_ARGUMENT), code
    await assert_serving(gw)


def test_every_method_is_fuzzed() -> None:
    assert len(METHODS) >= 16
    assert all(not m.client_streaming for m in METHODS.values())


# -- inputs fuzzing found INTERNAL for ------------------------------------------------


async def code_of(call: Any) -> grpc.StatusCode:
    try:
        await call
    except grpc.aio.AioRpcError as exc:
        return exc.code()
    return grpc.StatusCode.OK


@pytest.mark.parametrize(("seconds", "nanos"), [(2**62, 0), (-(2**62), 0), (1_900_000_000, -5)])
async def test_out_of_range_good_till_time_is_invalid_argument(
    gw: Gateway, seconds: int, nanos: int
) -> None:
    """Timestamp.ToDatetime raised ValueError for these (INTERNAL)."""
    spec = limit_spec("fz-gtd", tif=orders_pb2.TIME_IN_FORCE_GTD)
    spec.good_till_time.seconds = seconds
    spec.good_till_time.nanos = nanos
    submit_code = await code_of(gw.stub.SubmitOrder(gateway_pb2.SubmitOrderRequest(order=spec)))
    bracket = gateway_pb2.SubmitBracketOrderRequest(
        parent=spec, take_profit_limit_price="60", stop_loss_stop_price="40"
    )
    bracket_code = await code_of(gw.stub.SubmitBracketOrder(bracket))
    await assert_serving(gw)
    assert (submit_code, bracket_code) == (grpc.StatusCode.INVALID_ARGUMENT,) * 2


@pytest.mark.parametrize("seconds", [2**62, -(2**62)])
async def test_huge_heartbeat_interval_is_invalid_argument(gw: Gateway, seconds: int) -> None:
    """Duration.ToTimedelta raised OverflowError before the range check (INTERNAL)."""
    interval = Duration(seconds=seconds)
    codes = [
        await code_of(
            gw.stub.StreamOrderEvents(
                gateway_pb2.StreamOrderEventsRequest(heartbeat_interval=interval)
            ).read()
        ),
        await code_of(
            gw.stub.StreamFills(gateway_pb2.StreamFillsRequest(heartbeat_interval=interval)).read()
        ),
    ]
    await assert_serving(gw)
    assert codes == [grpc.StatusCode.INVALID_ARGUMENT] * 2


def forged(position: object, filters: object | None) -> str:
    """A page token as the server writes them, with any position."""
    if filters is not None:
        digest = paging.encode_token(0, filters)
        body = json.loads(base64.urlsafe_b64decode(digest + "=" * (-len(digest) % 4)))
        fingerprint = body["f"]
    else:
        fingerprint = "x"
    raw = json.dumps({"p": position, "f": fingerprint}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("position", [2**70, float("inf")])
async def test_forged_page_token_is_invalid_argument(gw: Gateway, position: float) -> None:
    """A position beyond SQLite's INTEGER (OverflowError in the query), or a JSON
    Infinity (OverflowError in int()), was INTERNAL."""
    orders = await code_of(
        gw.stub.ListOrders(
            gateway_pb2.ListOrdersRequest(
                page_token=forged(position, OrderQuery(account="", statuses=frozenset(), symbol=""))
            )
        )
    )
    fills = await code_of(
        gw.stub.ListFills(
            gateway_pb2.ListFillsRequest(
                page_token=forged(position, FillQuery(account="", order_id=""))
            )
        )
    )
    await assert_serving(gw)
    assert [orders, fills] == [grpc.StatusCode.INVALID_ARGUMENT] * 2
