"""A stable digest of a submit request, to tell an idempotent retry from a conflict."""

from __future__ import annotations

import hashlib

import orjson

from ibkr_gateway.order.models import OrderSpec


def request_fingerprint(kind: str, spec: OrderSpec, *extra: object) -> str:
    # Dataclass fields in declaration order, Decimals as text: deterministic.
    text = orjson.dumps([kind, spec, [str(x) for x in extra]], default=str)
    return hashlib.sha256(text).hexdigest()
