"""The `ibkr-gateway` command line: the entry point, and the commands that talk to a
running gateway through the Python client (orders, fills, watch, kill switch, audit)."""
