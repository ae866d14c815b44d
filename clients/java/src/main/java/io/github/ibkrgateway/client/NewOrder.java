package io.github.ibkrgateway.client;

import com.google.protobuf.Timestamp;
import io.github.ibkrgateway.v1.Algo;
import io.github.ibkrgateway.v1.Contract;
import io.github.ibkrgateway.v1.OrderSpec;
import io.github.ibkrgateway.v1.OrderType;
import io.github.ibkrgateway.v1.Side;
import io.github.ibkrgateway.v1.TimeInForce;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * An order to submit, with {@link BigDecimal} amounts.
 *
 * <pre>{@code
 * NewOrder order = NewOrder.buy("AAPL", new BigDecimal("10"))
 *     .limitPrice(new BigDecimal("187.25"))
 *     .timeInForce(TimeInForce.TIME_IN_FORCE_GTC)
 *     .build();
 * }</pre>
 *
 * <p>Without an explicit {@link Builder#orderType}, the prices given decide it: none is MARKET,
 * a limit price LIMIT, a stop price STOP, both STOP_LIMIT, a trailing amount or percent
 * TRAILING_STOP. Without a client_order_id, {@link GatewayClient#submitOrder} generates one.
 */
public final class NewOrder {
  private final OrderSpec spec;

  private NewOrder(OrderSpec spec) {
    this.spec = spec;
  }

  public static Builder builder(String symbol, Side side, BigDecimal quantity) {
    return new Builder(Contract.newBuilder().setSymbol(symbol).build(), side, quantity);
  }

  /** An order for a contract other than a stock on SMART in USD. */
  public static Builder builder(Contract contract, Side side, BigDecimal quantity) {
    return new Builder(contract, side, quantity);
  }

  public static Builder buy(String symbol, BigDecimal quantity) {
    return builder(symbol, Side.SIDE_BUY, quantity);
  }

  public static Builder sell(String symbol, BigDecimal quantity) {
    return builder(symbol, Side.SIDE_SELL, quantity);
  }

  /** The wire form; account and client_order_id are empty when they were not given. */
  public OrderSpec toSpec() {
    return spec;
  }

  @Override
  public String toString() {
    return "NewOrder[" + spec.toString().replace('\n', ' ').trim() + "]";
  }

  public static final class Builder {
    private final OrderSpec.Builder spec = OrderSpec.newBuilder();
    private OrderType orderType;

    private Builder(Contract contract, Side side, BigDecimal quantity) {
      spec.setContract(Objects.requireNonNull(contract, "contract"));
      spec.setSide(Objects.requireNonNull(side, "side"));
      spec.setQuantity(Amounts.text(Objects.requireNonNull(quantity, "quantity")));
    }

    public Builder orderType(OrderType orderType) {
      this.orderType = Objects.requireNonNull(orderType, "orderType");
      return this;
    }

    public Builder limitPrice(BigDecimal price) {
      spec.setLimitPrice(Amounts.text(price));
      return this;
    }

    public Builder stopPrice(BigDecimal price) {
      spec.setStopPrice(Amounts.text(price));
      return this;
    }

    /** Trailing types: the stop's distance from the market. */
    public Builder trailingAmount(BigDecimal amount) {
      spec.setTrailingAmount(Amounts.text(amount));
      return this;
    }

    /** Trailing types: the stop's distance from the market in percent (0 < p <= 100). */
    public Builder trailingPercent(BigDecimal percent) {
      spec.setTrailingPercent(Amounts.text(percent));
      return this;
    }

    /** TRAILING_STOP_LIMIT (implied with a trailing distance): the limit past the stop. */
    public Builder limitOffset(BigDecimal offset) {
      spec.setLimitOffset(Amounts.text(offset));
      return this;
    }

    /** RELATIVE and PEGGED_TO_MIDPOINT: the offset from the peg. */
    public Builder pegOffset(BigDecimal offset) {
      spec.setPegOffset(Amounts.text(offset));
      return this;
    }

    /** Iceberg: the quantity shown to the market at a time, a whole number. */
    public Builder displaySize(BigDecimal size) {
      spec.setDisplaySize(Amounts.text(size));
      return this;
    }

    /** Not shown to the market at all (LIMIT and RELATIVE orders). */
    public Builder hidden(boolean hidden) {
      spec.setHidden(hidden);
      return this;
    }

    /** An IB algo (Adaptive, TWAP or VWAP) working a MARKET or LIMIT order. */
    public Builder algo(Algo algo) {
      spec.setAlgo(Objects.requireNonNull(algo, "algo"));
      return this;
    }

    /** DAY when not set. */
    public Builder timeInForce(TimeInForce timeInForce) {
      spec.setTimeInForce(Objects.requireNonNull(timeInForce, "timeInForce"));
      return this;
    }

    /** GTD orders: when the order expires (and GTD is implied when no time in force is set). */
    public Builder goodTill(Instant time) {
      spec.setGoodTillTime(
          Timestamp.newBuilder().setSeconds(time.getEpochSecond()).setNanos(time.getNano()));
      if (spec.getTimeInForce() == TimeInForce.TIME_IN_FORCE_UNSPECIFIED) {
        spec.setTimeInForce(TimeInForce.TIME_IN_FORCE_GTD);
      }
      return this;
    }

    /** The IB account; the client's default account when not set. */
    public Builder account(String account) {
      spec.setAccount(Objects.requireNonNull(account, "account"));
      return this;
    }

    /**
     * The caller's id of the order, unique per account. Set it when the same order may be
     * submitted again after {@link GatewayClient#submitOrder} gave up: the gateway then
     * returns the original instead of placing a second order.
     */
    public Builder clientOrderId(String clientOrderId) {
      spec.setClientOrderId(Objects.requireNonNull(clientOrderId, "clientOrderId"));
      return this;
    }

    public Builder outsideRth(boolean outsideRth) {
      spec.setOutsideRth(outsideRth);
      return this;
    }

    /** One-cancels-all group: when one order of the group fills, the others are cancelled. */
    public Builder ocaGroup(String ocaGroup) {
      spec.setOcaGroup(Objects.requireNonNull(ocaGroup, "ocaGroup"));
      return this;
    }

    public NewOrder build() {
      spec.setOrderType(orderType != null ? orderType : impliedType());
      return new NewOrder(spec.build());
    }

    private OrderType impliedType() {
      boolean limit = !spec.getLimitPrice().isEmpty();
      boolean stop = !spec.getStopPrice().isEmpty();
      if (!spec.getTrailingAmount().isEmpty() || !spec.getTrailingPercent().isEmpty()) {
        return spec.getLimitOffset().isEmpty()
            ? OrderType.ORDER_TYPE_TRAILING_STOP
            : OrderType.ORDER_TYPE_TRAILING_STOP_LIMIT;
      }
      if (limit && stop) {
        return OrderType.ORDER_TYPE_STOP_LIMIT;
      }
      if (stop) {
        return OrderType.ORDER_TYPE_STOP;
      }
      return limit ? OrderType.ORDER_TYPE_LIMIT : OrderType.ORDER_TYPE_MARKET;
    }
  }
}
