package io.github.ibkrgateway.client;

import io.github.ibkrgateway.v1.ModifyOrderRequest;
import io.github.ibkrgateway.v1.TimeInForce;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * What {@link GatewayClient#modifyOrder} changes; whatever is not set stays as it is.
 *
 * <pre>{@code
 * OrderChange.builder().limitPrice(new BigDecimal("186.50")).build()
 * }</pre>
 */
public final class OrderChange {
  private final BigDecimal quantity;
  private final BigDecimal limitPrice;
  private final BigDecimal stopPrice;
  private final TimeInForce timeInForce;

  private OrderChange(Builder b) {
    this.quantity = b.quantity;
    this.limitPrice = b.limitPrice;
    this.stopPrice = b.stopPrice;
    this.timeInForce = b.timeInForce;
  }

  public static Builder builder() {
    return new Builder();
  }

  void applyTo(ModifyOrderRequest.Builder request) {
    if (quantity != null) {
      request.setQuantity(Amounts.text(quantity));
    }
    if (limitPrice != null) {
      request.setLimitPrice(Amounts.text(limitPrice));
    }
    if (stopPrice != null) {
      request.setStopPrice(Amounts.text(stopPrice));
    }
    if (timeInForce != null) {
      request.setTimeInForce(timeInForce);
    }
  }

  public static final class Builder {
    private BigDecimal quantity;
    private BigDecimal limitPrice;
    private BigDecimal stopPrice;
    private TimeInForce timeInForce;

    private Builder() {}

    /** The new total quantity; it must exceed what has filled. */
    public Builder quantity(BigDecimal quantity) {
      this.quantity = Objects.requireNonNull(quantity, "quantity");
      return this;
    }

    public Builder limitPrice(BigDecimal limitPrice) {
      this.limitPrice = Objects.requireNonNull(limitPrice, "limitPrice");
      return this;
    }

    public Builder stopPrice(BigDecimal stopPrice) {
      this.stopPrice = Objects.requireNonNull(stopPrice, "stopPrice");
      return this;
    }

    public Builder timeInForce(TimeInForce timeInForce) {
      this.timeInForce = Objects.requireNonNull(timeInForce, "timeInForce");
      return this;
    }

    public OrderChange build() {
      return new OrderChange(this);
    }
  }
}
