"""Orders: domain types, the IB status mapping, validation and the OrderManager."""
