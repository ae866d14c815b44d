package io.github.ibkrgateway.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * The holding of one account in one contract. {@link #quantity()} is signed (negative:
 * short); the average cost and price are empty while it is 0, the market figures when the
 * gateway knows no price (and always in stream events). {@link #proto()} is the message.
 */
public record Position(
    String account,
    String symbol,
    BigDecimal quantity,
    Optional<BigDecimal> averageCost,
    Optional<BigDecimal> averagePrice,
    BigDecimal realizedPnl,
    BigDecimal commissions,
    Optional<BigDecimal> marketPrice,
    Optional<BigDecimal> marketValue,
    Optional<BigDecimal> unrealizedPnl,
    long lastSequence,
    Instant updateTime,
    io.github.ibkrgateway.v1.Position proto) {

  public static Position fromProto(io.github.ibkrgateway.v1.Position msg) {
    return new Position(
        msg.getAccount(),
        msg.getContract().getSymbol(),
        Amounts.parse(msg.getQuantity()),
        Amounts.optional(msg.getAverageCost()),
        Amounts.optional(msg.getAveragePrice()),
        Amounts.parse(msg.getRealizedPnl()),
        Amounts.parse(msg.getCommissions()),
        Amounts.optional(msg.getMarketPrice()),
        Amounts.optional(msg.getMarketValue()),
        Amounts.optional(msg.getUnrealizedPnl()),
        msg.getLastSequence(),
        Order.instant(msg.getUpdateTime()),
        msg);
  }
}
