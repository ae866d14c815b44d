"""Fast copy-with-changes for the frozen, slotted dataclasses of the domain.

dataclasses.replace re-runs the generated __init__ through its generic machinery; on
the submit path that was the largest single cost. These classes have no __post_init__,
so copying the slots is equivalent.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

_FIELDS: dict[type, tuple[str, ...]] = {}
_set = object.__setattr__


def replace_fields(obj: T, changes: dict[str, Any]) -> T:
    cls = type(obj)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    new = object.__new__(cls)
    for name in names:
        _set(new, name, getattr(obj, name))
    for name, value in changes.items():
        if name not in names:
            raise TypeError(f"{cls.__name__} has no field {name!r}")
        _set(new, name, value)
    return new
