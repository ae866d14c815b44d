package io.github.ibkrgateway.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.ibkrgateway.v1.StreamFillsResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's example, over a real connection, so that it keeps compiling and working. */
class ExampleTest {

  static List<String> example(String target) {
    List<String> printed = new ArrayList<>();
    try (GatewayClient gateway = GatewayClient.builder(target).connect()) {
      Order order =
          gateway.submitOrder(
              NewOrder.buy("AAPL", new BigDecimal("10"))
                  .limitPrice(new BigDecimal("187.25"))
                  .build());
      try {
        gateway.cancelOrder(order.orderId());
      } catch (FailedPreconditionException e) {
        printed.add("already finished");
      }
      try (EventStream fills = gateway.fills(StreamOptions.after(0))) {
        for (OrderEvent event : fills) {
          Fill fill = event.fill().orElseThrow();
          printed.add(event.sequence() + " " + fill.quantity() + " @ " + fill.price());
          break;
        }
      }
    }
    return printed;
  }

  @Test
  void theReadmeExampleRuns() throws Exception {
    FakeGateway fake = new FakeGateway();
    fake.cancel = (n, q) -> {
      throw FakeGateway.error(io.grpc.Status.Code.FAILED_PRECONDITION, "ORDER_NOT_CANCELLABLE");
    };
    fake.fills = (n, q, out) -> out.onNext(
        StreamFillsResponse.newBuilder()
            .setEvent(
                io.github.ibkrgateway.v1.OrderEvent.newBuilder()
                    .setSequence(4)
                    .setFill(
                        io.github.ibkrgateway.v1.Fill.newBuilder()
                            .setQuantity("10")
                            .setPrice("187.25")))
            .build());
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(fake)
            .build()
            .start();
    try {
      List<String> printed =
          assertTimeoutPreemptively(
              Duration.ofSeconds(15), () -> example("127.0.0.1:" + server.getPort()));
      assertEquals(List.of("already finished", "4 10 @ 187.25"), printed);
      assertEquals("187.25", fake.submits.get(0).getOrder().getLimitPrice());
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
