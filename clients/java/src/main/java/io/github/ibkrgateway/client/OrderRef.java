package io.github.ibkrgateway.client;

import java.util.Objects;

/**
 * Names an order for get, modify and cancel: by the gateway's id, or by the caller's own
 * client_order_id within an account, so that a caller that lost the gateway id can still act
 * on the order.
 */
public final class OrderRef {
  private final String orderId;
  private final String account;
  private final String clientOrderId;

  private OrderRef(String orderId, String account, String clientOrderId) {
    this.orderId = orderId;
    this.account = account;
    this.clientOrderId = clientOrderId;
  }

  /** The order with this gateway id. */
  public static OrderRef id(String orderId) {
    if (Objects.requireNonNull(orderId, "orderId").isEmpty()) {
      throw new IllegalArgumentException("orderId is empty");
    }
    return new OrderRef(orderId, "", "");
  }

  /**
   * The order with this client_order_id in {@code account}; an empty account means the
   * client's default account, and the gateway's when that is empty too.
   */
  public static OrderRef clientId(String account, String clientOrderId) {
    if (Objects.requireNonNull(clientOrderId, "clientOrderId").isEmpty()) {
      throw new IllegalArgumentException("clientOrderId is empty");
    }
    return new OrderRef("", Objects.requireNonNull(account, "account"), clientOrderId);
  }

  /** The gateway id; empty for a reference by client_order_id. */
  public String orderId() {
    return orderId;
  }

  /** The account of a reference by client_order_id; empty for the default account. */
  public String account() {
    return account;
  }

  /** The caller's id; empty for a reference by gateway id. */
  public String clientOrderId() {
    return clientOrderId;
  }

  /** The account the request names: the reference's own, else the client's default. */
  String accountOr(String defaultAccount) {
    return account.isEmpty() ? defaultAccount : account;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OrderRef r
        && orderId.equals(r.orderId)
        && account.equals(r.account)
        && clientOrderId.equals(r.clientOrderId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(orderId, account, clientOrderId);
  }

  @Override
  public String toString() {
    return orderId.isEmpty()
        ? "OrderRef[account=" + account + ", clientOrderId=" + clientOrderId + "]"
        : "OrderRef[orderId=" + orderId + "]";
  }
}
