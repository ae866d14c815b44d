package io.github.ibkrgateway.client;

import java.math.BigDecimal;
import java.time.Instant;

/** Cash, margin and P&amp;L of one account, every amount in {@link #currency()}. */
public record AccountSummary(
    String account,
    String currency,
    BigDecimal netLiquidation,
    BigDecimal cash,
    BigDecimal buyingPower,
    BigDecimal initialMargin,
    BigDecimal maintenanceMargin,
    BigDecimal excessLiquidity,
    BigDecimal availableFunds,
    BigDecimal grossPositionValue,
    BigDecimal realizedPnl,
    BigDecimal unrealizedPnl,
    long lastSequence,
    Instant time,
    io.github.ibkrgateway.v1.AccountSummary proto) {

  public static AccountSummary fromProto(io.github.ibkrgateway.v1.AccountSummary msg) {
    return new AccountSummary(
        msg.getAccount(),
        msg.getCurrency(),
        Amounts.parse(msg.getNetLiquidation()),
        Amounts.parse(msg.getCash()),
        Amounts.parse(msg.getBuyingPower()),
        Amounts.parse(msg.getInitialMargin()),
        Amounts.parse(msg.getMaintenanceMargin()),
        Amounts.parse(msg.getExcessLiquidity()),
        Amounts.parse(msg.getAvailableFunds()),
        Amounts.parse(msg.getGrossPositionValue()),
        Amounts.parse(msg.getRealizedPnl()),
        Amounts.parse(msg.getUnrealizedPnl()),
        msg.getLastSequence(),
        Order.instant(msg.getTime()),
        msg);
  }
}
