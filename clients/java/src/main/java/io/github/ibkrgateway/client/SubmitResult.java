package io.github.ibkrgateway.client;

import java.util.Optional;

/**
 * The answer to one order of {@link GatewayClient#submitOrders}: the order, or the exception
 * {@link GatewayClient#submitOrder} would have thrown for it. Exactly one is present.
 */
public record SubmitResult(Optional<Order> order, Optional<GatewayException> error) {

  public SubmitResult {
    if (order.isPresent() == error.isPresent()) {
      throw new IllegalArgumentException("a submit result is an order or an error");
    }
  }

  static SubmitResult of(Order order) {
    return new SubmitResult(Optional.of(order), Optional.empty());
  }

  static SubmitResult of(GatewayException error) {
    return new SubmitResult(Optional.empty(), Optional.of(error));
  }

  /** Whether the order was accepted (or, on a retry, found). */
  public boolean ok() {
    return order.isPresent();
  }

  /** The order, or its exception thrown. */
  public Order orderOrThrow() {
    return order.orElseThrow(error::orElseThrow);
  }
}
