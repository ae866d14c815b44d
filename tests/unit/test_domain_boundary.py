"""The domain speaks only gateway statuses: it imports nothing of the IB adapter or of
ib_async, and no IB status string appears in it. The broker port (broker.py) is the
boundary."""

from __future__ import annotations

import ast
from pathlib import Path

import ibkr_gateway
from ibkr_gateway.ib.status import IB_STATUS_MAP

PACKAGE = Path(ibkr_gateway.__file__).parent
DOMAIN = ("order", "position", "risk", "event", "store", "rpc")
# The IB adapter, and the original design's names that re-export it.
ADAPTER = (
    "ib_async",
    "ibkr_gateway.ib",
    "ibkr_gateway.gateway",
    "ibkr_gateway.gateway_order_manager",
)
# The composition root builds the IB adapter when --backend ib; it may import it, and
# nothing else in the domain may.
COMPOSITION_ROOT = "ibkr_gateway.rpc.server"
IB_STATUSES = frozenset(IB_STATUS_MAP) | {"Partially Filled"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module an import statement names, relative imports resolved; for `from
    x import y`, both x and x.y (y may be a module)."""
    found: list[tuple[int, str]] = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def is_adapter(name: str) -> bool:
    return any(name == a or name.startswith(f"{a}.") for a in ADAPTER)


def violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    tree = ast.parse(source)
    found: list[str] = []
    if module != COMPOSITION_ROOT:
        found.extend(
            f"{module}:{line} imports {name}"
            for line, name in imported(tree, module, is_package)
            if is_adapter(name)
        )
    found.extend(
        f"{module}:{node.lineno} mentions IB status {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in IB_STATUSES
    )
    return found


def domain_modules() -> list[Path]:
    return sorted(p for package in DOMAIN for p in (PACKAGE / package).rglob("*.py"))


def test_the_domain_imports_nothing_of_ib_and_names_no_ib_status() -> None:
    found = [
        v
        for path in domain_modules()
        for v in violations(
            path.read_text(), module_name(path), is_package=path.name == "__init__.py"
        )
    ]
    assert found == []


def test_every_domain_package_is_walked() -> None:
    walked = {module_name(p) for p in domain_modules()}
    assert {f"ibkr_gateway.{p}" for p in DOMAIN} <= walked
    assert {"ibkr_gateway.order.manager", "ibkr_gateway.order.broker_updates"} <= walked


def test_every_spelling_of_an_adapter_import_is_caught() -> None:
    module = "ibkr_gateway.order.manager"
    for source in (
        "import ib_async",
        "from ib_async import IB",
        "from ibkr_gateway.ib.status import map_ib_status",
        "from ibkr_gateway import ib",
        "from .. import ib",
        "from ..ib import errors",
        "import ibkr_gateway.ib.errors",
        "from ibkr_gateway.gateway import IBGateway",
        "from ibkr_gateway.gateway_order_manager import OrderGatewayIntegration",
    ):
        assert violations(source, module) != [], source
    for source in ("from ibkr_gateway.broker import BrokerPort", "from . import book"):
        assert violations(source, module) == [], source


def test_ib_status_strings_are_caught_but_gateway_statuses_are_not() -> None:
    module = "ibkr_gateway.order.manager"
    assert violations('if status == "PreSubmitted": pass', module) != []
    assert violations('STATUSES = ("Cancelled", "ApiCancelled")', module) != []
    assert violations('x = "SUBMITTED"\n"""Filled orders stay filled."""', module) == []


def test_only_the_composition_root_may_build_the_ib_adapter() -> None:
    source = "from ibkr_gateway.ib.gateway import IBGateway"
    assert violations(source, COMPOSITION_ROOT) == []
    assert violations(source, "ibkr_gateway.rpc.servicer") != []
    assert violations('"Submitted"', COMPOSITION_ROOT) != []
