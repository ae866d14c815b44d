"""The Interactive Brokers side: configuration, pacing and translation for IBGateway."""
