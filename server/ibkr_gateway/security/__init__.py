"""Who may call the gateway: bearer tokens, scopes, accounts; TLS settings."""
