"""Bearer-token authentication and per-token authorization (scopes and accounts).

The auth file (TOML) names each token:

    [[tokens]]
    name = "strategy-a"
    token_sha256 = "9f86d0..."     # or: token = "..." (prefer the digest)
    scopes = ["orders:read", "orders:write"]
    accounts = ["DU123456"]        # "*" for every account

Tokens are compared by their SHA-256 digests in constant time and never logged.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ibkr_gateway.errors import PermissionDenied, Unauthenticated, clip

READ: Final = "orders:read"
WRITE: Final = "orders:write"
ADMIN: Final = "admin"
SCOPES: Final = frozenset({READ, WRITE, ADMIN})
ALL_ACCOUNTS: Final = "*"


class AuthFileError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    scopes: frozenset[str]
    accounts: frozenset[str]

    @property
    def all_accounts(self) -> bool:
        return ALL_ACCOUNTS in self.accounts

    def may_access(self, account: str) -> bool:
        return self.all_accounts or account in self.accounts

    def require_scope(self, scope: str) -> None:
        # admin implies every other scope.
        if scope not in self.scopes and ADMIN not in self.scopes:
            raise PermissionDenied(
                f"token {self.name!r} lacks the {scope!r} scope",
                reason="MISSING_SCOPE",
                metadata={"scope": scope},
            )

    def require_account(self, account: str) -> None:
        if not self.may_access(account):
            raise PermissionDenied(
                f"token {self.name!r} may not use account {clip(account)!r}",
                reason="ACCOUNT_NOT_PERMITTED",
                metadata={"account": clip(account)},
            )


# Without an auth file the gateway listens on loopback only, and every caller is this.
LOCAL: Final = Principal("local", frozenset(SCOPES), frozenset({ALL_ACCOUNTS}))

# The caller of a refused call that presented no valid token, as the audit trail names it.
UNAUTHENTICATED: Final = Principal("unauthenticated", frozenset(), frozenset())

current_principal: contextvars.ContextVar[Principal] = contextvars.ContextVar(
    "current_principal", default=LOCAL
)


def principal() -> Principal:
    """The caller of the RPC being handled."""
    return current_principal.get()


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class TokenTable:
    def __init__(self, entries: Sequence[tuple[bytes, Principal]]) -> None:
        self._entries = list(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def authenticate(self, metadata: Iterable[tuple[str, str | bytes]] | None) -> Principal:
        header = ""
        for key, value in metadata or ():
            if key.lower() == "authorization":
                header = value.decode() if isinstance(value, bytes) else value
                break
        scheme, _, token = header.partition(" ")
        if not header or scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated(
                "missing bearer token: send metadata 'authorization: Bearer <token>'",
                reason="MISSING_TOKEN",
            )
        presented = _digest(token.strip())
        found: Principal | None = None
        # Compare against every entry, so that timing does not tell which one matched.
        for digest, who in self._entries:
            if hmac.compare_digest(digest, presented):
                found = who
        if found is None:
            raise Unauthenticated("unknown token", reason="INVALID_TOKEN")
        return found

    @classmethod
    def load(cls, path: str | Path) -> TokenTable:
        try:
            data = tomllib.loads(Path(path).read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise AuthFileError(f"cannot read auth file {path}: {exc}") from exc
        return cls.parse(data, str(path))

    @classmethod
    def parse(cls, data: Mapping[str, object], source: str = "auth file") -> TokenTable:
        tokens = data.get("tokens")
        if not isinstance(tokens, list) or not tokens:
            raise AuthFileError(f"{source}: expected one or more [[tokens]] tables")
        entries: list[tuple[bytes, Principal]] = []
        names: set[str] = set()
        for index, entry in enumerate(tokens):
            where = f"{source}: tokens[{index}]"
            if not isinstance(entry, dict):
                raise AuthFileError(f"{where}: not a table")
            name = entry.get("name")
            if not isinstance(name, str) or not name or name in names:
                raise AuthFileError(f"{where}: needs a unique non-empty name")
            names.add(name)
            entries.append(
                (
                    _entry_digest(entry, where),
                    Principal(
                        name=name,
                        scopes=_string_set(entry, "scopes", where, allowed=SCOPES),
                        accounts=_string_set(entry, "accounts", where),
                    ),
                )
            )
        digests = [d for d, _ in entries]
        if len(set(digests)) != len(digests):
            raise AuthFileError(f"{source}: two entries share one token")
        return cls(entries)


def _entry_digest(entry: Mapping[str, object], where: str) -> bytes:
    token, hashed = entry.get("token"), entry.get("token_sha256")
    if (token is None) == (hashed is None):
        raise AuthFileError(f"{where}: give exactly one of token and token_sha256")
    if isinstance(token, str) and token != token.strip():
        # Stripping would quietly change the secret; a caller could never send it as written.
        raise AuthFileError(f"{where}: token has leading or trailing whitespace; remove it")
    if isinstance(hashed, str) and hashed != hashed.strip():
        raise AuthFileError(f"{where}: token_sha256 has leading or trailing whitespace")
    if isinstance(token, str) and len(token) >= 16:
        return _digest(token)
    if isinstance(hashed, str):
        try:
            digest = bytes.fromhex(hashed)
        except ValueError:
            digest = b""
        if len(digest) == 32:
            return digest
        raise AuthFileError(f"{where}: token_sha256 must be 64 hex digits")
    raise AuthFileError(f"{where}: token must be a string of at least 16 characters")


def _string_set(
    entry: Mapping[str, object], key: str, where: str, allowed: frozenset[str] | None = None
) -> frozenset[str]:
    values = entry.get(key)
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise AuthFileError(f"{where}: {key} must be a non-empty list of strings")
    unknown = set(values) - allowed if allowed is not None else set()
    if unknown:
        raise AuthFileError(
            f"{where}: unknown {key} {sorted(unknown)}; use {sorted(allowed or ())}"
        )
    return frozenset(values)
