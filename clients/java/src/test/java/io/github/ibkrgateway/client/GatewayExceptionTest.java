package io.github.ibkrgateway.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GatewayExceptionTest {

  @Test
  void decodesErrorInfoAndFieldViolations() {
    GatewayException e =
        GatewayException.from(
            FakeGateway.error(
                Status.Code.INVALID_ARGUMENT,
                "INVALID_ORDER",
                "order.quantity",
                "order.limit_price"));

    InvalidArgumentException invalid = assertInstanceOf(InvalidArgumentException.class, e);
    assertEquals(Status.Code.INVALID_ARGUMENT, invalid.code());
    assertEquals("refused: INVALID_ORDER", invalid.description());
    assertEquals("INVALID_ORDER", invalid.reason());
    assertEquals(GatewayException.DOMAIN, invalid.domain());
    assertEquals(Map.of("order_id", "o-1"), invalid.metadata());
    assertEquals(
        List.of(
            new FieldViolation("order.quantity", "bad order.quantity"),
            new FieldViolation("order.limit_price", "bad order.limit_price")),
        invalid.fieldViolations());
    assertEquals(Optional.of("bad order.limit_price"), invalid.violation("order.limit_price"));
    assertEquals(Optional.empty(), invalid.violation("order.stop_price"));
    assertEquals(
        "INVALID_ARGUMENT: refused: INVALID_ORDER [INVALID_ORDER]"
            + " (order.quantity: bad order.quantity; order.limit_price: bad order.limit_price)",
        invalid.getMessage());
  }

  @Test
  void aStatusWithoutDetailsHasNoReason() {
    GatewayException e =
        GatewayException.from(Status.NOT_FOUND.withDescription("no such order").asException());

    assertInstanceOf(NotFoundException.class, e);
    assertEquals("", e.reason());
    assertEquals(List.of(), e.fieldViolations());
    assertEquals("NOT_FOUND: no such order", e.getMessage());
    assertEquals(Status.Code.NOT_FOUND, e.status().getCode());
  }

  @Test
  void aGatewayExceptionIsKeptAndAnythingElseIsUnknown() {
    GatewayException e = GatewayException.from(FakeGateway.unavailable());
    assertSame(e, GatewayException.from(e));
    assertEquals(Status.Code.UNKNOWN, GatewayException.from(new IllegalStateException()).code());
  }

  static Stream<Arguments> codes() {
    return Stream.of(
        Arguments.of(Status.Code.INVALID_ARGUMENT, InvalidArgumentException.class),
        Arguments.of(Status.Code.NOT_FOUND, NotFoundException.class),
        Arguments.of(Status.Code.ALREADY_EXISTS, AlreadyExistsException.class),
        Arguments.of(Status.Code.FAILED_PRECONDITION, FailedPreconditionException.class),
        Arguments.of(Status.Code.RESOURCE_EXHAUSTED, ResourceExhaustedException.class),
        Arguments.of(Status.Code.UNAVAILABLE, UnavailableException.class),
        Arguments.of(Status.Code.DEADLINE_EXCEEDED, DeadlineExceededException.class),
        Arguments.of(Status.Code.PERMISSION_DENIED, PermissionDeniedException.class),
        Arguments.of(Status.Code.UNAUTHENTICATED, UnauthenticatedException.class),
        Arguments.of(Status.Code.INTERNAL, GatewayException.class));
  }

  @ParameterizedTest
  @MethodSource("codes")
  void eachCodeHasItsClass(Status.Code code, Class<? extends GatewayException> type) {
    GatewayException e = GatewayException.from(FakeGateway.error(code, "SOME_REASON"));
    assertEquals(type, e.getClass());
    assertEquals(code, e.code());
    assertEquals("SOME_REASON", e.reason());
  }

  @Test
  void callsThrowTheTypedErrorWithTheGatewaysDetails() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.get = (n, q) -> {
        throw FakeGateway.error(Status.Code.NOT_FOUND, "ORDER_NOT_FOUND");
      };
      fake.cancel = (n, q) -> {
        throw FakeGateway.error(Status.Code.FAILED_PRECONDITION, "ORDER_NOT_CANCELLABLE");
      };

      NotFoundException notFound = assertThrows(NotFoundException.class, () -> client.getOrder("x"));
      assertEquals("ORDER_NOT_FOUND", notFound.reason());
      FailedPreconditionException finished =
          assertThrows(FailedPreconditionException.class, () -> client.cancelOrder("x"));
      assertEquals("ORDER_NOT_CANCELLABLE", finished.reason());
      assertTrue(finished.getMessage().contains("ORDER_NOT_CANCELLABLE"));
    }
  }
}
