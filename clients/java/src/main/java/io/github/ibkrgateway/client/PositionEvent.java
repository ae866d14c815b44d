package io.github.ibkrgateway.client;

import io.github.ibkrgateway.v1.PositionChangeCause;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One journaled change of a position: the position right after it, the quantity before, why
 * ({@link #cause()}: a fill, a correction, an adjustment with its {@link #reason()}) and the
 * P&amp;L this change alone realized.
 */
public record PositionEvent(
    long sequence,
    Instant time,
    Position position,
    BigDecimal previousQuantity,
    PositionChangeCause cause,
    String orderId,
    String executionId,
    BigDecimal realizedPnl,
    String reason,
    io.github.ibkrgateway.v1.PositionEvent proto) {

  public static PositionEvent fromProto(io.github.ibkrgateway.v1.PositionEvent msg) {
    return new PositionEvent(
        msg.getSequence(),
        Order.instant(msg.getTime()),
        Position.fromProto(msg.getPosition()),
        Amounts.parse(msg.getPreviousQuantity()),
        msg.getCause(),
        msg.getOrderId(),
        msg.getExecutionId(),
        Amounts.parse(msg.getRealizedPnl()),
        msg.getReason(),
        msg);
  }
}
