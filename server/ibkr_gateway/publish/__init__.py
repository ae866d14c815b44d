"""The journal published to NATS JetStream (--publish), off the order path."""
