"""The client commands as a user runs them: the installed entry point against a gateway."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.console.commands import Result, Running, Served, run, serving
from tests.security.certs import make_certificates


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    db = tmp_path_factory.mktemp("console") / "gateway.db"
    with serving(
        "--listen", "127.0.0.1:0", "--db", str(db), "--heartbeat-interval", "0.2",
        "--sim-account", "DU2",
    ) as served:  # fmt: skip
        yield served


def cli(gateway: Served, *args: str) -> Result:
    return run(*args, env={"IBKR_GATEWAY_TARGET": gateway.target})


def submitted(result: Result) -> dict[str, Any]:
    order: dict[str, Any] = result.json()
    return order


def order_status(gateway: Served, order_id: str, wanted: str) -> dict[str, Any]:
    """The order once it has the wanted status (the broker answers asynchronously)."""
    deadline = time.monotonic() + 10
    while True:
        order: dict[str, Any] = cli(gateway, "orders", "get", order_id, "--json").json()
        if order["status"] == wanted or time.monotonic() > deadline:
            assert order["status"] == wanted, order
            return order
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_resting_limit_order_is_listed_then_cancelled(gateway: Served) -> None:
    result = cli(
        gateway, "orders", "submit", "buy", "10", "AAPL", "--limit-price", "50.25", "--json"
    )
    order = submitted(result)
    # The generated id is told before the answer, so a lost answer can be retried safely.
    assert f"client_order_id: {order['client_order_id']}" in result.err
    assert order["client_order_id"].startswith("cli-")
    assert (order["order_type"], order["limit_price"], order["quantity"]) == (
        "LIMIT",
        "50.25",
        "10",
    )
    order_status(gateway, order["order_id"], "SUBMITTED")

    listed = cli(gateway, "orders", "list", "--working", "--symbol", "AAPL", "--json").json()
    assert order["order_id"] in [o["order_id"] for o in listed["orders"]]
    table = cli(gateway, "orders", "list", "--working")
    assert order["order_id"] in table.out
    assert "BUY 10 AAPL LIMIT 50.25 DAY" in table.out

    cancelled = cli(gateway, "orders", "cancel", order["order_id"], "--json").json()
    assert cancelled["status"] in ("PENDING_CANCEL", "CANCELLED")
    order_status(gateway, order["order_id"], "CANCELLED")
    by_client_id = cli(
        gateway, "orders", "get", "--client-order-id", order["client_order_id"], "--json"
    ).json()
    assert by_client_id["order_id"] == order["order_id"]


def test_a_retried_submit_returns_the_original_order(gateway: Served) -> None:
    args = ("orders", "submit", "sell", "1", "MSFT", "--limit-price", "900", "--client-order-id")
    first = submitted(cli(gateway, *args, "retry-1", "--json"))
    again = cli(gateway, *args, "retry-1", "--json")
    assert "client_order_id:" not in again.err
    assert submitted(again)["order_id"] == first["order_id"]
    different = cli(
        gateway, "orders", "submit", "sell", "2", "MSFT", "--client-order-id", "retry-1"
    )
    assert different.code == 4
    assert "ALREADY_EXISTS" in different.error_line


def test_modify_changes_a_working_order(gateway: Served) -> None:
    order = submitted(
        cli(gateway, "orders", "submit", "buy", "5", "IBM", "--limit-price", "10", "--json")
    )
    order_status(gateway, order["order_id"], "SUBMITTED")
    modified = cli(
        gateway, "orders", "modify", order["order_id"], "--limit-price", "10.5", "--json"
    )
    assert modified.json()["limit_price"] == "10.5"
    nothing = cli(gateway, "orders", "modify", order["order_id"])
    assert nothing.code == 2
    assert "nothing to change" in nothing.error_line
    cli(gateway, "orders", "cancel", order["order_id"])


def test_positions_and_the_account(gateway: Served) -> None:
    order = submitted(
        cli(gateway, "orders", "submit", "sell", "4", "TSLA", "--account", "DU2", "--json")
    )
    order_status(gateway, order["order_id"], "FILLED")
    listed = cli(gateway, "positions", "--account", "DU2", "--symbol", "TSLA", "--json").json()
    (position,) = listed["positions"]
    assert (position["quantity"], position["average_cost"]) == ("-4", "99.75")
    assert "TSLA" in cli(gateway, "positions", "--account", "DU2").out
    summary = cli(gateway, "account", "--account", "DU2", "--json").json()
    assert (summary["cash"], summary["gross_position_value"]) == ("1000399", "400")
    assert "buying power" in cli(gateway, "account", "--account", "DU2").out


def test_fills_and_the_audit_trail(gateway: Served) -> None:
    order = submitted(cli(gateway, "orders", "submit", "buy", "3", "NVDA", "--json"))
    filled = order_status(gateway, order["order_id"], "FILLED")
    assert filled["average_fill_price"] == "100"
    fills = cli(gateway, "fills", "list", "--order-id", order["order_id"], "--json").json()["fills"]
    assert [(f["quantity"], f["price"], f["commission"]) for f in fills] == [("3", "100", "1")]
    assert order["order_id"] in cli(gateway, "fills", "list").out

    records = cli(gateway, "audit", "list", "--last", "1", "--json").json()["records"]
    assert [r["method"].rsplit("/", 1)[1] for r in records] == ["SubmitOrder"]
    assert order["client_order_id"] in records[0]["request_json"]
    assert "SubmitOrder" in cli(gateway, "audit", "list", "--last", "3").out


def test_kill_switch_engage_status_release(gateway: Served) -> None:
    resting = submitted(
        cli(gateway, "orders", "submit", "buy", "1", "AAPL", "--limit-price", "1", "--json")
    )
    order_status(gateway, resting["order_id"], "SUBMITTED")
    try:
        engaged = cli(gateway, "kill-switch", "engage", "--reason", "fat finger", "--json").json()
        assert engaged["kill_switch"]["engaged"] is True
        assert engaged["kill_switch"]["reason"] == "fat finger"
        assert resting["order_id"] in [o["order_id"] for o in engaged["cancelled_orders"]]
        refused = cli(gateway, "orders", "submit", "buy", "1", "AAPL")
        assert refused.code == 4
        assert "FAILED_PRECONDITION" in refused.error_line
        assert "[KILL_SWITCH_ENGAGED]" in refused.error_line
        assert cli(gateway, "kill-switch", "status", "--json").json()["engaged"] is True
        assert "ENGAGED" in cli(gateway, "kill-switch", "status").out
    finally:
        released = cli(gateway, "kill-switch", "release", "--reason", "fixed", "--json")
    assert released.json()["engaged"] is False
    assert cli(gateway, "kill-switch", "status", "--json").json()["engaged"] is False

    halted = cli(gateway, "kill-switch", "engage", "--account", "DU2", "--json").json()
    assert [h["account"] for h in halted["kill_switch"]["halted_accounts"]] == ["DU2"]
    assert cli(gateway, "orders", "submit", "buy", "1", "AAPL", "--account", "DU2").code == 4
    cli(gateway, "kill-switch", "release", "--account", "DU2")
    assert cli(gateway, "orders", "submit", "buy", "1", "AAPL", "--account", "DU2").code == 0


def test_exit_codes_say_what_happened(gateway: Served) -> None:
    missing = cli(gateway, "orders", "get", "no-such-order")
    assert missing.code == 3
    assert missing.error_line == (
        "Error: NOT_FOUND: order 'no-such-order' not found [ORDER_NOT_FOUND]"
    )
    invalid = cli(gateway, "orders", "submit", "buy", "0", "AAPL")
    assert invalid.code == 4
    assert "order.quantity" in invalid.error_line
    usage = cli(gateway, "orders", "submit", "buy", "ten", "AAPL")
    assert usage.code == 2
    assert "'ten' is not a decimal number" in usage.error_line

    nobody = f"127.0.0.1:{free_port()}"
    unreachable = run("orders", "list", "--target", nobody)
    assert unreachable.code == 5
    assert unreachable.error_line.startswith("Error: UNAVAILABLE: ")
    assert f"(gateway at {nobody})" in unreachable.error_line
    lost = run(
        "orders", "submit", "buy", "1", "AAPL", "--client-order-id", "lost-1", "--target", nobody
    )
    assert lost.code == 5
    assert lost.error_line.endswith("submit again with --client-order-id lost-1")


def test_watch_shows_events_until_max_events(gateway: Served) -> None:
    order = submitted(cli(gateway, "orders", "submit", "buy", "2", "TSLA", "--json"))
    order_status(gateway, order["order_id"], "FILLED")
    after = order["last_sequence"] - 1
    events = cli(
        gateway, "watch", "--order-id", order["order_id"], "--after-sequence", str(after),
        "--max-events", "4", "--json",
    )  # fmt: skip
    assert events.code == 0, events.err
    lines = [json.loads(line) for line in events.out.splitlines()]
    assert [e["kind"] for e in lines] == ["status_change", "status_change", "fill", "status_change"]
    assert lines[-1]["order"]["status"] == "FILLED"
    assert lines[2]["fill"]["price"] == "100"
    text = cli(gateway, "watch", "--order-id", order["order_id"], "--max-events", "4")
    assert text.out.splitlines()[-1].endswith("BUY 2 TSLA MARKET DAY FILLED")
    # On a terminal (FORCE_COLOR makes rich treat the pipe as one): the live table.
    live = run(
        "watch", "--order-id", order["order_id"], "--max-events", "4",
        env={"IBKR_GATEWAY_TARGET": gateway.target, "FORCE_COLOR": "1"},
    )  # fmt: skip
    assert live.code == 0, live.err
    assert "orders (1, latest first)" in live.out
    assert order["order_id"] in live.out
    assert "2 @ 100" in live.out


def _until_filled(watch: Running, order_id: str) -> list[dict[str, Any]]:
    seen = []
    while True:
        event = json.loads(watch.line())
        seen.append(event)
        if event["order"]["order_id"] == order_id and event["order"]["status"] == "FILLED":
            return seen


def test_watch_resumes_by_sequence_after_the_gateway_restarts(tmp_path: Path) -> None:
    db = str(tmp_path / "restart.db")
    with serving("--listen", "127.0.0.1:0", "--db", db) as first:
        target = {"IBKR_GATEWAY_TARGET": first.target}
        watch = Running("watch", "--json", "--heartbeat-interval", "0.2", env=target)
        try:
            before = submitted(run("orders", "submit", "buy", "1", "AAPL", "--json", env=target))
            seen = _until_filled(watch, before["order_id"])
        except BaseException:
            watch.stop()
            raise
    try:
        with serving("--listen", first.target, "--db", db):
            after = submitted(run("orders", "submit", "buy", "2", "AAPL", "--json", env=target))
            seen += _until_filled(watch, after["order_id"])
    finally:
        code = watch.stop()
    assert code == 0
    # Each market order's four events once, in order; the position change journaled
    # after each fill (5 and 10) is not an order event.
    assert [e["sequence"] for e in seen] == [1, 2, 3, 4, 6, 7, 8, 9]
    assert "resuming after" in watch.stderr()


def test_token_and_tls_from_the_environment(tmp_path: Path) -> None:
    ca, server, _ = make_certificates(tmp_path)
    auth = tmp_path / "auth.toml"
    auth.write_text(
        '[[tokens]]\nname = "ops"\ntoken = "ops-token-0123456789"\nscopes = ["admin"]\n'
        'accounts = ["*"]\n\n'
        '[[tokens]]\nname = "desk"\ntoken = "desk-token-0123456789"\n'
        'scopes = ["orders:read"]\naccounts = ["*"]\n'
    )
    (tmp_path / "token").write_text("ops-token-0123456789\n")
    with serving(
        "--listen", "127.0.0.1:0", "--db", str(tmp_path / "auth.db"), "--auth-file", str(auth),
        "--tls-cert", str(server.cert), "--tls-key", str(server.key),
    ) as secured:  # fmt: skip
        env = {"IBKR_GATEWAY_TARGET": secured.target, "IBKR_GATEWAY_TLS_CA": str(ca.cert)}
        token_file = env | {"IBKR_GATEWAY_TOKEN_FILE": str(tmp_path / "token")}
        assert run("kill-switch", "status", "--json", env=token_file).json()["engaged"] is False
        anonymous = run("kill-switch", "status", env=env)
        assert anonymous.code == 6
        assert "UNAUTHENTICATED" in anonymous.error_line
        reader = run(
            "kill-switch", "engage", env=env | {"IBKR_GATEWAY_TOKEN": "desk-token-0123456789"}
        )
        assert reader.code == 6
        assert "[MISSING_SCOPE]" in reader.error_line
        plain = run("orders", "list", "--target", secured.target, "--timeout", "2")
        assert plain.code == 5


def test_shell_completion() -> None:
    words = {"COMP_WORDS": "ibkr-gateway orders ", "COMP_CWORD": "2"}
    completed = run(env={"_IBKR_GATEWAY_COMPLETE": "bash_complete", **words})
    assert {"submit", "modify", "cancel", "get", "list"} <= {
        line.split(",", 1)[1] for line in completed.out.splitlines()
    }
    script = run(env={"_IBKR_GATEWAY_COMPLETE": "bash_source"})
    assert "complete -o nosort -F _ibkr_gateway_completion ibkr-gateway" in script.out


def test_order_type_options_reach_the_gateway(gateway: Served) -> None:
    iceberg = submitted(
        cli(
            gateway,
            "orders",
            "submit",
            "buy",
            "25",
            "AAPL",
            "--limit-price",
            "100",
            "--display-size",
            "10",
            "--json",
        )
    )
    assert (iceberg["order_type"], iceberg["broker_order_type"]) == ("LIMIT", "LMT")
    order_status(gateway, iceberg["order_id"], "FILLED")
    fills = cli(gateway, "fills", "list", "--order-id", iceberg["order_id"], "--json").json()
    assert [f["quantity"] for f in fills["fills"]] == ["10", "10", "5"]
    vwap = submitted(
        cli(
            gateway,
            "orders",
            "submit",
            "buy",
            "5",
            "AAPL",
            "--algo",
            "vwap",
            "--max-pct-vol",
            "0.1",
            "--json",
        )
    )
    order_status(gateway, vwap["order_id"], "FILLED")
    refused = cli(
        gateway, "orders", "submit", "buy", "5", "AAPL", "--algo", "vwap", "--max-pct-vol", "0.9"
    )
    assert refused.code == 4
    assert "order.algo.vwap.max_pct_vol" in refused.err
    moc = submitted(
        cli(gateway, "orders", "submit", "sell", "5", "AAPL", "--type", "market_on_close", "--json")
    )
    assert moc["broker_order_type"] == "MOC"
    usage = cli(gateway, "orders", "submit", "buy", "1", "AAPL", "--max-pct-vol", "0.1")
    assert usage.code == 2
    assert "--max-pct-vol needs --algo vwap" in usage.err
