package io.github.ibkrgateway.client;

import io.github.ibkrgateway.v1.LimitBreach;
import io.github.ibkrgateway.v1.OrderSpec;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * What an order would do, without placing it: the estimates (empty when they cannot be made),
 * the position before and after, the account before and after (sim backend), and every limit
 * it would break, in the order a submit checks them.
 */
public record OrderPreview(
    OrderSpec order,
    Optional<BigDecimal> estimatedPrice,
    Optional<BigDecimal> estimatedCommission,
    BigDecimal positionBefore,
    BigDecimal positionAfter,
    Optional<AccountSummary> accountBefore,
    Optional<AccountSummary> accountAfter,
    List<LimitBreach> breaches,
    io.github.ibkrgateway.v1.PreviewOrderResponse proto) {

  public static OrderPreview fromProto(io.github.ibkrgateway.v1.PreviewOrderResponse msg) {
    return new OrderPreview(
        msg.getOrder(),
        Amounts.optional(msg.getEstimatedPrice()),
        Amounts.optional(msg.getEstimatedCommission()),
        Amounts.parse(msg.getPositionBefore()),
        Amounts.parse(msg.getPositionAfter()),
        msg.hasAccountBefore()
            ? Optional.of(AccountSummary.fromProto(msg.getAccountBefore()))
            : Optional.empty(),
        msg.hasAccountAfter()
            ? Optional.of(AccountSummary.fromProto(msg.getAccountAfter()))
            : Optional.empty(),
        msg.getBreachesList(),
        msg);
  }
}
