"""Pre-trade risk checks: limits per account, order rate per caller, the kill switch."""
