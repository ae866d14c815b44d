"""A stable digest of a submit request, to tell an idempotent retry from a conflict."""

from __future__ import annotations

import hashlib

from ibkr_gateway.order.models import OrderSpec
from ibkr_gateway.store import codec


def request_fingerprint(kind: str, spec: OrderSpec, *extra: object) -> str:
    text = codec.dumps(
        {"kind": kind, "spec": codec.spec_to_json(spec), "extra": [str(x) for x in extra]}
    )
    return hashlib.sha256(text.encode()).hexdigest()
