"""Order events and the in-process bus that publishes them after they are journaled."""
