"""The gateway over HTTP (--http-listen): the Connect protocol and the live blotter page."""
