"""Fixtures shared by every test package."""

from tests.ib.conftest import sim
from tests.service.conftest import gw

__all__ = ["gw", "sim"]
