package io.github.ibkrgateway.client;

import com.google.protobuf.Timestamp;
import io.github.ibkrgateway.v1.OrderSpec;
import io.github.ibkrgateway.v1.OrderStatus;
import io.github.ibkrgateway.v1.OrderType;
import io.github.ibkrgateway.v1.Side;
import io.github.ibkrgateway.v1.TimeInForce;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * An order as the gateway knows it, with {@link BigDecimal} amounts and {@link Instant} times.
 * {@link #proto()} is the message it was read from, for fields not repeated here.
 */
public record Order(
    String orderId,
    String clientOrderId,
    String account,
    String symbol,
    Side side,
    OrderType orderType,
    BigDecimal quantity,
    Optional<BigDecimal> limitPrice,
    Optional<BigDecimal> stopPrice,
    TimeInForce timeInForce,
    OrderStatus status,
    BigDecimal filledQuantity,
    BigDecimal remainingQuantity,
    Optional<BigDecimal> averageFillPrice,
    long brokerOrderId,
    long permId,
    String statusReason,
    String parentOrderId,
    String ocaGroup,
    Instant createTime,
    Instant updateTime,
    long lastSequence,
    boolean external,
    io.github.ibkrgateway.v1.Order proto) {

  /** Whether the status is final (FILLED, CANCELLED, REJECTED): it never changes again. */
  public boolean isFinal() {
    return status == OrderStatus.ORDER_STATUS_FILLED
        || status == OrderStatus.ORDER_STATUS_CANCELLED
        || status == OrderStatus.ORDER_STATUS_REJECTED;
  }

  public static Order fromProto(io.github.ibkrgateway.v1.Order msg) {
    OrderSpec spec = msg.getSpec();
    return new Order(
        msg.getOrderId(),
        spec.getClientOrderId(),
        spec.getAccount(),
        spec.getContract().getSymbol(),
        spec.getSide(),
        spec.getOrderType(),
        Amounts.parse(spec.getQuantity()),
        Amounts.optional(spec.getLimitPrice()),
        Amounts.optional(spec.getStopPrice()),
        spec.getTimeInForce(),
        msg.getStatus(),
        Amounts.parse(msg.getFilledQuantity()),
        Amounts.parse(msg.getRemainingQuantity()),
        Amounts.optional(msg.getAverageFillPrice()),
        msg.getBrokerOrderId(),
        msg.getPermId(),
        msg.getStatusReason(),
        msg.getParentOrderId(),
        msg.getOcaGroup(),
        instant(msg.getCreateTime()),
        instant(msg.getUpdateTime()),
        msg.getLastSequence(),
        msg.getExternal(),
        msg);
  }

  static Instant instant(Timestamp ts) {
    return Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
  }
}
