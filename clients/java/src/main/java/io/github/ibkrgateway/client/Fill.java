package io.github.ibkrgateway.client;

import io.github.ibkrgateway.v1.Side;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * One execution of an order. {@link #commission()} is empty when the broker never reported
 * it; {@link #correctsExecutionId()} names the execution this one replaces, which then no
 * longer counts.
 */
public record Fill(
    String executionId,
    String orderId,
    String clientOrderId,
    String account,
    String symbol,
    Side side,
    BigDecimal quantity,
    BigDecimal price,
    Optional<BigDecimal> commission,
    String commissionCurrency,
    Instant time,
    long sequence,
    String exchange,
    long brokerOrderId,
    String correctsExecutionId,
    io.github.ibkrgateway.v1.Fill proto) {

  public static Fill fromProto(io.github.ibkrgateway.v1.Fill msg) {
    return new Fill(
        msg.getExecutionId(),
        msg.getOrderId(),
        msg.getClientOrderId(),
        msg.getAccount(),
        msg.getSymbol(),
        msg.getSide(),
        Amounts.parse(msg.getQuantity()),
        Amounts.parse(msg.getPrice()),
        Amounts.optional(msg.getCommission()),
        msg.getCommissionCurrency(),
        Order.instant(msg.getTime()),
        msg.getSequence(),
        msg.getExchange(),
        msg.getBrokerOrderId(),
        msg.getCorrectsExecutionId(),
        msg);
  }
}
