package io.github.ibkrgateway.client;

import io.github.ibkrgateway.v1.OrderEvent.KindCase;
import java.time.Instant;
import java.util.Optional;

/**
 * One journaled change to an order: {@link #kind()} says what happened, {@link #order()} is
 * the order right after it, {@link #fill()} is set for fill events, and {@link #reason()}
 * carries the why of a status change, cancellation or modification.
 */
public record OrderEvent(
    long sequence,
    Instant time,
    KindCase kind,
    Order order,
    Optional<Fill> fill,
    String reason,
    io.github.ibkrgateway.v1.OrderEvent proto) {

  public String orderId() {
    return order.orderId();
  }

  public String clientOrderId() {
    return order.clientOrderId();
  }

  public static OrderEvent fromProto(io.github.ibkrgateway.v1.OrderEvent msg) {
    String reason =
        switch (msg.getKindCase()) {
          case STATUS_CHANGE -> msg.getStatusChange().getReason();
          case CANCEL -> msg.getCancel().getReason();
          case MODIFICATION -> msg.getModification().getReason();
          default -> "";
        };
    Optional<Fill> fill =
        msg.hasFill() ? Optional.of(Fill.fromProto(msg.getFill())) : Optional.empty();
    return new OrderEvent(
        msg.getSequence(),
        Order.instant(msg.getTime()),
        msg.getKindCase(),
        Order.fromProto(msg.getOrder()),
        fill,
        reason,
        msg);
  }
}
