"""Fixtures shared by every test package."""

from tests.service.conftest import gw

__all__ = ["gw"]
