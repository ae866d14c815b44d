package io.github.ibkrgateway.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ibkrgateway.v1.AdaptiveAlgo;
import io.github.ibkrgateway.v1.AdaptivePriority;
import io.github.ibkrgateway.v1.Algo;
import io.github.ibkrgateway.v1.ListOrdersRequest;
import io.github.ibkrgateway.v1.ListOrdersResponse;
import io.github.ibkrgateway.v1.OrderSpec;
import io.github.ibkrgateway.v1.OrderStatus;
import io.github.ibkrgateway.v1.OrderType;
import io.github.ibkrgateway.v1.Side;
import io.github.ibkrgateway.v1.SubmitOrderResponse;
import io.github.ibkrgateway.v1.TimeInForce;
import io.grpc.Status;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OrdersTest {
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

  @Test
  void submitRetriesUnavailableWithTheSameGeneratedId() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.submit = (n, q) -> {
        if (n < 2) {
          throw FakeGateway.unavailable();
        }
        return SubmitOrderResponse.newBuilder().setOrder(FakeGateway.order("o-7", q)).build();
      };

      Order order = client.submitOrder(NewOrder.buy("AAPL", new BigDecimal("10")).build());

      assertEquals("o-7", order.orderId());
      assertEquals(3, fake.submits.size());
      String id = fake.submits.get(0).getOrder().getClientOrderId();
      assertTrue(UUID.matcher(id).matches(), id);
      assertTrue(fake.submits.stream().allMatch(q -> q.getOrder().getClientOrderId().equals(id)));
      assertEquals(id, order.clientOrderId());
    }
  }

  @Test
  void everySubmitGetsAnIdOfItsOwn() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      NewOrder order = NewOrder.buy("AAPL", BigDecimal.ONE).build();
      client.submitOrder(order);
      client.submitOrder(order);
      Set<String> ids =
          fake.submits.stream()
              .map(q -> q.getOrder().getClientOrderId())
              .collect(Collectors.toSet());
      assertEquals(2, ids.size());
    }
  }

  @Test
  void submitKeepsTheCallersIdAndDoesNotRetryOtherErrors() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.submit = (n, q) -> {
        throw FakeGateway.error(Status.Code.ALREADY_EXISTS, "CLIENT_ORDER_ID_CONFLICT");
      };

      AlreadyExistsException e =
          assertThrows(
              AlreadyExistsException.class,
              () ->
                  client.submitOrder(
                      NewOrder.sell("AAPL", BigDecimal.ONE).clientOrderId("mine-1").build()));

      assertEquals("CLIENT_ORDER_ID_CONFLICT", e.reason());
      assertEquals(1, fake.submits.size());
      assertEquals("mine-1", fake.submits.get(0).getOrder().getClientOrderId());
    }
  }

  @Test
  void submitGivesUpAfterMaxAttempts() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.submit = (n, q) -> {
        throw FakeGateway.unavailable();
      };

      assertThrows(
          UnavailableException.class,
          () -> client.submitOrder(NewOrder.buy("AAPL", BigDecimal.ONE).build()));
      assertEquals(FakeGateway.FAST.maxAttempts(), fake.submits.size());
    }
  }

  @Test
  void readsAreRetriedButModifyAndCancelAreNot() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.get = (n, q) -> {
        if (n == 0) {
          throw FakeGateway.unavailable();
        }
        return io.github.ibkrgateway.v1.GetOrderResponse.newBuilder()
            .setOrder(FakeGateway.order("o-1"))
            .build();
      };
      fake.modify = (n, q) -> {
        throw FakeGateway.unavailable();
      };
      fake.cancel = (n, q) -> {
        throw FakeGateway.unavailable();
      };

      assertEquals("o-1", client.getOrder("o-1").orderId());
      assertEquals(2, fake.gets.size());
      assertThrows(
          UnavailableException.class,
          () -> client.modifyOrder("o-1", OrderChange.builder().quantity(BigDecimal.TEN).build()));
      assertEquals(1, fake.modifies.size());
      assertThrows(UnavailableException.class, () -> client.cancelOrder("o-1"));
      assertEquals(1, fake.cancels.size());
    }
  }

  @Test
  void ordersAreNamedByGatewayIdOrByClientIdWithinAnAccount() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start(b -> b.account("DU1"))) {
      client.getOrder(OrderRef.clientId("", "mine-1"));
      client.getOrder(OrderRef.clientId("DU2", "mine-2"));
      client.getOrder("o-9");
      client.cancelOrder(OrderRef.clientId("", "mine-3"));
      client.modifyOrder(
          OrderRef.clientId("DU2", "mine-4"),
          OrderChange.builder()
              .limitPrice(new BigDecimal("101.50"))
              .timeInForce(TimeInForce.TIME_IN_FORCE_GTC)
              .build());

      assertEquals("DU1", fake.gets.get(0).getAccount());
      assertEquals("mine-1", fake.gets.get(0).getClientOrderId());
      assertEquals("", fake.gets.get(0).getOrderId());
      assertEquals("DU2", fake.gets.get(1).getAccount());
      assertEquals("o-9", fake.gets.get(2).getOrderId());
      assertEquals("", fake.gets.get(2).getAccount());
      assertEquals("DU1", fake.cancels.get(0).getAccount());
      assertEquals("mine-3", fake.cancels.get(0).getClientOrderId());
      assertEquals("mine-4", fake.modifies.get(0).getClientOrderId());
      assertEquals("101.50", fake.modifies.get(0).getLimitPrice());
      assertFalse(fake.modifies.get(0).hasQuantity());
      assertEquals(TimeInForce.TIME_IN_FORCE_GTC, fake.modifies.get(0).getTimeInForce());
    }
  }

  @Test
  void theDefaultAccountFillsInASpecWithoutOne() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start(b -> b.account("DU1"))) {
      client.submitOrder(NewOrder.buy("AAPL", BigDecimal.ONE).build());
      client.submitOrder(NewOrder.buy("AAPL", BigDecimal.ONE).account("DU2").build());
      assertEquals("DU1", fake.submits.get(0).getOrder().getAccount());
      assertEquals("DU2", fake.submits.get(1).getOrder().getAccount());
    }
  }

  @Test
  void amountsTravelAsDecimalTextAndComeBackAsBigDecimal() throws Exception {
    OrderSpec spec =
        NewOrder.buy("AAPL", new BigDecimal("10.50"))
            .limitPrice(new BigDecimal("1E+2"))
            .build()
            .toSpec();
    assertEquals("10.50", spec.getQuantity());
    assertEquals("100", spec.getLimitPrice());
    assertEquals(OrderType.ORDER_TYPE_LIMIT, spec.getOrderType());

    Order order =
        Order.fromProto(
            io.github.ibkrgateway.v1.Order.newBuilder()
                .setOrderId("o-1")
                .setSpec(spec)
                .setStatus(OrderStatus.ORDER_STATUS_FILLED)
                .setFilledQuantity("10.50")
                .setAverageFillPrice("99.995")
                .build());
    assertEquals(new BigDecimal("10.50"), order.quantity());
    assertEquals(Optional.of(new BigDecimal("100")), order.limitPrice());
    assertEquals(Optional.empty(), order.stopPrice());
    assertEquals(new BigDecimal("99.995"), order.averageFillPrice().orElseThrow());
    assertEquals(BigDecimal.ZERO, order.remainingQuantity());
    assertEquals(Side.SIDE_BUY, order.side());
    assertTrue(order.isFinal());
  }

  @Test
  void theOrderTypeFollowsThePricesUnlessGiven() {
    assertEquals(type(NewOrder.buy("A", BigDecimal.ONE)), OrderType.ORDER_TYPE_MARKET);
    assertEquals(
        type(NewOrder.buy("A", BigDecimal.ONE).stopPrice(BigDecimal.TEN)),
        OrderType.ORDER_TYPE_STOP);
    assertEquals(
        type(NewOrder.buy("A", BigDecimal.ONE).stopPrice(BigDecimal.TEN).limitPrice(BigDecimal.ONE)),
        OrderType.ORDER_TYPE_STOP_LIMIT);
    assertEquals(
        type(NewOrder.sell("A", BigDecimal.ONE).trailingPercent(BigDecimal.ONE)),
        OrderType.ORDER_TYPE_TRAILING_STOP);
    assertEquals(
        type(
            NewOrder.buy("A", BigDecimal.ONE)
                .limitPrice(BigDecimal.ONE)
                .orderType(OrderType.ORDER_TYPE_STOP_LIMIT)),
        OrderType.ORDER_TYPE_STOP_LIMIT);
    assertEquals(
        type(
            NewOrder.sell("A", BigDecimal.ONE)
                .trailingAmount(BigDecimal.ONE)
                .limitOffset(new BigDecimal("0.25"))),
        OrderType.ORDER_TYPE_TRAILING_STOP_LIMIT);
  }

  @Test
  void orderTypeFieldsAndAlgosReachTheSpec() {
    Algo adaptive =
        Algo.newBuilder()
            .setAdaptive(
                AdaptiveAlgo.newBuilder().setPriority(AdaptivePriority.ADAPTIVE_PRIORITY_URGENT))
            .build();
    OrderSpec spec =
        NewOrder.buy("A", new BigDecimal("300"))
            .limitPrice(BigDecimal.TEN)
            .displaySize(new BigDecimal("100"))
            .algo(adaptive)
            .build()
            .toSpec();
    assertEquals("100", spec.getDisplaySize());
    assertEquals(adaptive, spec.getAlgo());
    OrderSpec rel =
        NewOrder.buy("A", BigDecimal.ONE)
            .orderType(OrderType.ORDER_TYPE_RELATIVE)
            .pegOffset(new BigDecimal("0.01"))
            .hidden(true)
            .build()
            .toSpec();
    assertEquals("0.01", rel.getPegOffset());
    assertTrue(rel.getHidden());
  }

  private static OrderType type(NewOrder.Builder b) {
    return b.build().toSpec().getOrderType();
  }

  @Test
  void listOrdersFetchesEveryPageAsTheStreamIsConsumed() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.list = (n, q) -> {
        int page = q.getPageToken().isEmpty() ? 0 : Integer.parseInt(q.getPageToken());
        if (page == 1 && n == 1) {
          throw FakeGateway.unavailable();
        }
        ListOrdersResponse.Builder r = ListOrdersResponse.newBuilder();
        IntStream.range(0, 2).forEach(i -> r.addOrders(FakeGateway.order("o-" + page + i)));
        return r.setNextPageToken(page < 2 ? Integer.toString(page + 1) : "").build();
      };

      List<String> ids =
          client
              .listOrders(ListOrdersRequest.newBuilder().setSymbol("AAPL").setPageSize(2).build())
              .map(Order::orderId)
              .toList();

      assertEquals(List.of("o-00", "o-01", "o-10", "o-11", "o-20", "o-21"), ids);
      assertEquals(
          List.of("", "1", "1", "2"), fake.lists.stream().map(q -> q.getPageToken()).toList());
      assertTrue(fake.lists.stream().allMatch(q -> q.getSymbol().equals("AAPL")));

      assertEquals(List.of("o-00"), client.listOrders().limit(1).map(Order::orderId).toList());
      assertEquals(5, fake.lists.size());
    }
  }

  @Test
  void backoffGrowsIsCappedAndJittered() {
    RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(400), 2);
    for (int i = 0; i < 50; i++) {
      assertBetween(p.backoff(1), 50, 100);
      assertBetween(p.backoff(2), 100, 200);
      assertBetween(p.backoff(3), 200, 400);
      assertBetween(p.backoff(30), 200, 400);
    }
    assertFalse(p.exhausted(4));
    assertTrue(p.exhausted(5));
    assertFalse(new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 2).exhausted(1000));
  }

  private static void assertBetween(Duration d, long fromMillis, long toMillis) {
    assertTrue(
        d.toNanos() >= fromMillis * 1_000_000 && d.toNanos() <= toMillis * 1_000_000,
        d + " not within " + fromMillis + ".." + toMillis + " ms");
  }
}
