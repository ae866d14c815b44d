package io.github.ibkrgateway.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ibkrgateway.v1.OrderSpec;
import io.github.ibkrgateway.v1.SubmitOrderResult;
import io.github.ibkrgateway.v1.SubmitOrdersRequest;
import io.github.ibkrgateway.v1.SubmitOrdersResponse;
import io.grpc.Status;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SubmitOrdersTest {
  private static List<String> ids(SubmitOrdersRequest q) {
    return q.getOrdersList().stream().map(OrderSpec::getClientOrderId).toList();
  }

  @Test
  void idsAreFixedBeforeTheFirstAttemptAndSentAgainOnARetry() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      FakeGateway.Unary<SubmitOrdersRequest, SubmitOrdersResponse> answer = fake.submitMany;
      fake.submitMany = (n, q) -> {
        if (n == 0) {
          throw FakeGateway.unavailable();
        }
        return answer.answer(n, q);
      };
      NewOrder generated = NewOrder.buy("AAPL", BigDecimal.TEN).build();
      NewOrder mine = NewOrder.buy("AAPL", BigDecimal.ONE).clientOrderId("mine-2").build();

      List<SubmitResult> results = client.submitOrders(List.of(generated, mine, generated));

      assertEquals(2, fake.batches.size());
      List<String> first = ids(fake.batches.get(0));
      assertFalse(first.get(0).isEmpty());
      assertNotEquals(first.get(0), first.get(2));
      assertEquals("mine-2", first.get(1));
      assertEquals(first, ids(fake.batches.get(1)), "the retry sends the same ids");
      assertEquals(
          List.of("o-1-0", "o-1-1", "o-1-2"),
          results.stream().map(r -> r.orderOrThrow().orderId()).toList());
      assertEquals(first.get(0), results.get(0).orderOrThrow().clientOrderId());
    }
  }

  @Test
  void eachOrderIsAnsweredInOrderARefusalAsATypedException() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.submitMany = (n, q) -> SubmitOrdersResponse.newBuilder()
          .addResults(SubmitOrderResult.newBuilder().setOrder(FakeGateway.order("o-a")))
          .addResults(SubmitOrderResult.newBuilder().setError(
              FakeGateway.status(
                  Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", "orders[1].quantity")))
          .addResults(SubmitOrderResult.newBuilder().setOrder(FakeGateway.order("o-c")))
          .build();
      NewOrder order = NewOrder.buy("AAPL", BigDecimal.ONE).build();

      List<SubmitResult> results = client.submitOrders(List.of(order, order, order));

      assertEquals(3, results.size());
      assertEquals("o-a", results.get(0).orderOrThrow().orderId());
      assertEquals("o-c", results.get(2).orderOrThrow().orderId());
      SubmitResult refused = results.get(1);
      assertFalse(refused.ok());
      assertEquals(Optional.empty(), refused.order());
      InvalidArgumentException e =
          assertInstanceOf(InvalidArgumentException.class, refused.error().orElseThrow());
      assertEquals("INVALID_ARGUMENT", e.reason());
      assertEquals(Optional.of("bad orders[1].quantity"), e.violation("orders[1].quantity"));
      assertSame(e, assertThrows(InvalidArgumentException.class, refused::orderOrThrow));
    }
  }
}
