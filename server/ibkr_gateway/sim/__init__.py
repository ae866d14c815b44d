"""The deterministic simulated exchange and the broker adapter in front of it."""
