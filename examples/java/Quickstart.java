// Submits a resting limit order and a market order, follows the market order's fill,
// cancels the limit order, and handles the errors a strategy meets.
//
//   java -cp <client classpath> examples/java/Quickstart.java [host:port]
//   (default 127.0.0.1:50051; Java 17+ runs a source file directly)

import io.github.ibkrgateway.client.EventStream;
import io.github.ibkrgateway.client.FailedPreconditionException;
import io.github.ibkrgateway.client.FieldViolation;
import io.github.ibkrgateway.client.Fill;
import io.github.ibkrgateway.client.GatewayClient;
import io.github.ibkrgateway.client.InvalidArgumentException;
import io.github.ibkrgateway.client.NewOrder;
import io.github.ibkrgateway.client.Order;
import io.github.ibkrgateway.client.OrderEvent;
import io.github.ibkrgateway.client.StreamOptions;
import io.github.ibkrgateway.v1.OrderType;
import java.math.BigDecimal;

public final class Quickstart {
  public static void main(String[] args) {
    String target =
        args.length > 0 ? args[0] : System.getenv().getOrDefault("IBKR_GATEWAY_TARGET", "127.0.0.1:50051");
    try (GatewayClient gateway = GatewayClient.builder(target).connect()) {
      // The simulated exchange trades every symbol at 100: a buy limit at 50 rests.
      Order resting =
          gateway.submitOrder(
              NewOrder.buy("AAPL", new BigDecimal("10")).limitPrice(new BigDecimal("50")).build());
      System.out.println("resting " + resting.clientOrderId() + " " + status(resting));

      Order bought =
          gateway.submitOrder(
              NewOrder.buy("AAPL", new BigDecimal("5")).orderType(OrderType.ORDER_TYPE_MARKET).build());
      // Replays the order's fills from the start of the journal, then follows them live; a
      // dropped connection resumes after the last sequence seen.
      BigDecimal filled = BigDecimal.ZERO;
      StreamOptions options = StreamOptions.builder().orderId(bought.orderId()).build();
      try (EventStream fills = gateway.fills(options)) {
        for (OrderEvent event : fills) {
          Fill fill = event.fill().orElseThrow();
          filled = filled.add(fill.quantity());
          System.out.println("filled " + fill.quantity() + " @ " + fill.price());
          if (filled.compareTo(bought.quantity()) == 0) {
            break;
          }
        }
      }

      Order cancelling = gateway.cancelOrder(resting.orderId());
      System.out.println("cancel " + status(cancelling));

      try {
        gateway.cancelOrder(bought.orderId());
      } catch (FailedPreconditionException e) {
        System.out.println("already finished: " + e.reason());
      }

      try {
        gateway.submitOrder(
            NewOrder.buy("AAPL", BigDecimal.ZERO).orderType(OrderType.ORDER_TYPE_MARKET).build());
      } catch (InvalidArgumentException e) {
        for (FieldViolation violation : e.fieldViolations()) {
          System.out.println("refused: " + violation.field() + " - " + violation.description());
        }
      }
    }
  }

  /** The status as the other clients print it, e.g. "PENDING_SUBMIT". */
  private static String status(Order order) {
    return order.status().name().substring("ORDER_STATUS_".length());
  }
}
