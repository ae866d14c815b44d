"""Positions and P&L kept from the journal's fills, and the simulated account."""
