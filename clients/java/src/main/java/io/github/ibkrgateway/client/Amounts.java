package io.github.ibkrgateway.client;

import java.math.BigDecimal;
import java.util.Optional;

/** Decimal strings on the wire, BigDecimal at the surface: no amount passes through a double. */
final class Amounts {
  private Amounts() {}

  /** Wire form; the scale is kept ("10.50" stays "10.50"), never an exponent. */
  static String text(BigDecimal value) {
    return value == null ? "" : value.toPlainString();
  }

  static BigDecimal parse(String text) {
    return text.isEmpty() ? BigDecimal.ZERO : new BigDecimal(text);
  }

  static Optional<BigDecimal> optional(String text) {
    return text.isEmpty() ? Optional.empty() : Optional.of(new BigDecimal(text));
  }
}
