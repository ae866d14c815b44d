"""Tests of what only the PostgreSQL store does: shared databases, fencing, migrations."""
