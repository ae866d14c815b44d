package io.github.ibkrgateway.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.ibkrgateway.v1.Order;
import io.github.ibkrgateway.v1.OrderSpec;
import io.github.ibkrgateway.v1.OrderStatus;
import io.github.ibkrgateway.v1.SubmitOrderResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContractRunnerTest {

  @Test
  void expandsVariablesInStringsAndKeys() throws Exception {
    JsonElement step =
        JsonParser.parseString(
            "{\"orders\": [\"${order}\"], \"until\": {\"${order}\": \"X\"}, \"n\": 5,"
                + " \"id\": \"${run}-a-${run}\"}");
    JsonObject out =
        ContractRunner.expand(step, Map.of("run", "r1", "order", "o-$1")).getAsJsonObject();
    assertEquals("o-$1", out.getAsJsonArray("orders").get(0).getAsString());
    assertEquals("X", out.getAsJsonObject("until").get("o-$1").getAsString());
    assertEquals("r1-a-r1", out.get("id").getAsString());
    assertEquals("5", ContractRunner.asText(out.get("n")));
  }

  @Test
  void anUnknownVariableFailsTheScenario() {
    ContractRunner.ScenarioFailed e =
        assertThrows(
            ContractRunner.ScenarioFailed.class,
            () -> ContractRunner.expandString("${nope}", Map.of("run", "r")));
    assertEquals("unknown variable ${nope}", e.getMessage());
  }

  @Test
  void documentsHaveProtoNamesAndDefaultsAsTheReferenceRunnerSeesThem() throws Exception {
    JsonObject doc =
        ContractRunner.document(
            SubmitOrderResponse.newBuilder()
                .setOrder(
                    Order.newBuilder()
                        .setOrderId("o-1")
                        .setStatus(OrderStatus.ORDER_STATUS_FILLED)
                        .setLastSequence(12)
                        .setSpec(OrderSpec.newBuilder().setQuantity("100")))
                .build());
    assertEquals("o-1", ContractRunner.asText(ContractRunner.atPath(doc, "order.order_id")));
    assertEquals(
        "ORDER_STATUS_FILLED", ContractRunner.asText(ContractRunner.atPath(doc, "order.status")));
    assertEquals("12", ContractRunner.asText(ContractRunner.atPath(doc, "order.last_sequence")));
    assertEquals("0", ContractRunner.asText(ContractRunner.atPath(doc, "order.broker_order_id")));
    assertEquals("false", ContractRunner.asText(ContractRunner.atPath(doc, "order.external")));
    assertEquals("", ContractRunner.asText(ContractRunner.atPath(doc, "order.status_reason")));
    // An unset message is absent, as it is to the reference runner.
    ContractRunner.ScenarioFailed e =
        assertThrows(
            ContractRunner.ScenarioFailed.class,
            () -> ContractRunner.atPath(doc, "order.create_time.seconds"));
    assertTrue(e.getMessage().contains("order.create_time.seconds"));
  }

  @Test
  void aNumberPicksAnItemOfARepeatedField() throws Exception {
    JsonElement doc =
        JsonParser.parseString("{\"positions\": [{\"quantity\": \"60\"}, {\"quantity\": \"-5\"}]}");
    assertEquals("-5", ContractRunner.asText(ContractRunner.atPath(doc, "positions.1.quantity")));
    for (String path : new String[] {"positions.2.quantity", "positions.-1", "positions.x"}) {
      assertThrows(ContractRunner.ScenarioFailed.class, () -> ContractRunner.atPath(doc, path));
    }
  }
}
