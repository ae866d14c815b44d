"""Durable storage of orders, fills and the event journal."""
