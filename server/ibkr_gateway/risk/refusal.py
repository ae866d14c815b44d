"""The one shape of a refused order: FAILED_PRECONDITION with the limit's reason."""

from __future__ import annotations

from ibkr_gateway.errors import FailedPrecondition


def refuse(reason: str, message: str, **metadata: object) -> FailedPrecondition:
    """Metadata names the limit and, through client_order_id, which order broke it (a
    bracket has three)."""
    return FailedPrecondition(
        message, reason=reason, metadata={k: str(v) for k, v in metadata.items()}
    )
