package io.github.ibkrgateway.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ibkrgateway.v1.StreamFillsResponse;
import io.github.ibkrgateway.v1.StreamOrderEventsRequest;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventStreamTest {
  private static final Duration LIMIT = Duration.ofSeconds(10);

  private static List<Long> take(EventStream stream, int n) {
    List<Long> sequences = new ArrayList<>();
    Iterator<OrderEvent> events = stream.iterator();
    while (sequences.size() < n && events.hasNext()) {
      sequences.add(events.next().sequence());
    }
    return sequences;
  }

  @Test
  void resumesAfterTheLastSequenceWithoutGapOrDuplicate() throws Exception {
    List<StreamRetry> retries = new CopyOnWriteArrayList<>();
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start(b -> b.onRetry(retries::add))) {
      fake.events = (n, q, out) -> {
        if (n == 0) {
          out.onNext(FakeGateway.event(1));
          out.onNext(FakeGateway.event(2));
          out.onNext(FakeGateway.event(3));
          out.onError(FakeGateway.unavailable());
        } else {
          // A replay that overlaps what was delivered must not deliver it again.
          out.onNext(FakeGateway.event(3));
          out.onNext(FakeGateway.event(4));
          out.onNext(FakeGateway.event(5));
        }
      };

      try (EventStream stream = client.orderEvents(StreamOptions.after(0))) {
        assertEquals(
            List.of(1L, 2L, 3L, 4L, 5L), assertTimeoutPreemptively(LIMIT, () -> take(stream, 5)));
        assertEquals(5, stream.lastSequence());
      }

      assertEquals(
          List.of(0L, 3L),
          fake.eventCalls.stream().map(StreamOrderEventsRequest::getAfterSequence).toList());
      assertEquals(1, retries.size());
      assertEquals(1, retries.get(0).attempt());
      assertEquals(3, retries.get(0).afterSequence());
      assertEquals(GatewayClient.DEFAULT_MAX_RECONNECTS, retries.get(0).maxReconnects());
      assertEquals(Status.Code.UNAVAILABLE, retries.get(0).error().code());
      assertEquals(
          com.google.protobuf.Duration.newBuilder().setSeconds(5).build(),
          fake.eventCalls.get(0).getHeartbeatInterval());
    }
  }

  @Test
  void aHeartbeatMovesTheResumePointPastFilteredEvents() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.events = (n, q, out) -> {
        if (n == 0) {
          out.onNext(FakeGateway.event(4));
          out.onNext(FakeGateway.heartbeat(9));
          out.onNext(FakeGateway.heartbeat(2));
          out.onCompleted();
        } else {
          out.onNext(FakeGateway.event(12));
        }
      };

      try (EventStream stream =
          client.orderEvents(
              StreamOptions.builder().afterSequence(3).account("DU1").orderId("o-1").build())) {
        assertEquals(List.of(4L, 12L), assertTimeoutPreemptively(LIMIT, () -> take(stream, 2)));
      }

      assertEquals(3, fake.eventCalls.get(0).getAfterSequence());
      assertEquals(9, fake.eventCalls.get(1).getAfterSequence());
      assertEquals("DU1", fake.eventCalls.get(1).getAccount());
      assertEquals("o-1", fake.eventCalls.get(1).getOrderId());
    }
  }

  @Test
  void aSilentStreamIsReconnected() throws Exception {
    List<StreamRetry> retries = new CopyOnWriteArrayList<>();
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.events = (n, q, out) -> out.onNext(FakeGateway.event(n + 1));

      StreamOptions options =
          StreamOptions.builder()
              .heartbeatInterval(Duration.ofMillis(100))
              .onRetry(retries::add)
              .build();
      try (EventStream stream = client.orderEvents(options)) {
        assertEquals(List.of(1L, 2L), assertTimeoutPreemptively(LIMIT, () -> take(stream, 2)));
      }

      assertEquals(1, retries.size());
      assertEquals("STREAM_STALLED", retries.get(0).error().reason());
      assertEquals(Status.Code.UNAVAILABLE, retries.get(0).error().code());
    }
  }

  @Test
  void aSlowConsumerIsNotAStall() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.events = (n, q, out) -> {
        out.onNext(FakeGateway.event(1));
        out.onNext(FakeGateway.event(2));
      };

      StreamOptions options = StreamOptions.builder().heartbeatInterval(Duration.ofMillis(30)).build();
      try (EventStream stream = client.orderEvents(options)) {
        Iterator<OrderEvent> events = stream.iterator();
        assertEquals(1, events.next().sequence());
        Thread.sleep(300);
        assertEquals(2, events.next().sequence());
      }
      assertEquals(1, fake.eventCalls.size());
    }
  }

  @Test
  void anErrorAReconnectCannotCureEndsTheStreamAtOnce() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.events = (n, q, out) -> {
        throw FakeGateway.error(Status.Code.INVALID_ARGUMENT, "", "after_sequence");
      };

      try (EventStream stream = client.orderEvents(StreamOptions.after(99))) {
        InvalidArgumentException e =
            assertThrows(InvalidArgumentException.class, () -> stream.iterator().hasNext());
        assertTrue(e.violation("after_sequence").isPresent());
      }
      assertEquals(1, fake.eventCalls.size());
    }
  }

  @Test
  void aConsumerThatFellBehindResumesButOtherExhaustionDoesNot() {
    assertTrue(
        EventStream.resumable(
            GatewayException.from(
                FakeGateway.error(Status.Code.RESOURCE_EXHAUSTED, "STREAM_BUFFER_OVERFLOW"))));
    assertFalse(
        EventStream.resumable(
            GatewayException.from(
                Status.RESOURCE_EXHAUSTED.withDescription("message too large").asException())));
    assertTrue(EventStream.resumable(GatewayException.from(Status.CANCELLED.asException())));
    assertTrue(EventStream.resumable(GatewayException.from(Status.ABORTED.asException())));
    assertFalse(EventStream.resumable(GatewayException.from(Status.NOT_FOUND.asException())));
    assertFalse(EventStream.resumable(GatewayException.from(Status.INTERNAL.asException())));
  }

  @Test
  void givesUpAfterTheBoundOfFailedReconnectsInARow() throws Exception {
    List<StreamRetry> retries = new CopyOnWriteArrayList<>();
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start(b -> b.maxReconnects(3).onRetry(retries::add))) {
      fake.events = (n, q, out) -> {
        throw FakeGateway.unavailable();
      };

      try (EventStream stream = client.orderEvents(StreamOptions.after(0))) {
        UnavailableException e =
            assertTimeoutPreemptively(
                LIMIT,
                () -> assertThrows(UnavailableException.class, () -> stream.iterator().hasNext()));
        assertEquals("gateway restarting", e.description());
      }

      assertEquals(4, fake.eventCalls.size());
      assertEquals(List.of(1, 2, 3), retries.stream().map(StreamRetry::attempt).toList());
      assertTrue(retries.stream().allMatch(r -> r.maxReconnects() == 3));
    }
  }

  @Test
  void theCountOfFailedReconnectsStartsAgainOnceTheStreamDelivers() throws Exception {
    List<StreamRetry> retries = new CopyOnWriteArrayList<>();
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start(b -> b.maxReconnects(3).onRetry(retries::add))) {
      // Five calls fail before the second event, never more than three in a row: the call
      // that delivers counts as the first of the next run.
      fake.events = (n, q, out) -> {
        if (n % 3 == 2) {
          out.onNext(FakeGateway.event(n + 1));
        }
        out.onError(FakeGateway.unavailable());
      };

      try (EventStream stream = client.orderEvents(StreamOptions.after(0))) {
        assertEquals(List.of(3L, 6L), assertTimeoutPreemptively(LIMIT, () -> take(stream, 2)));
      }
      assertEquals(List.of(1, 2, 1, 2, 3), retries.stream().map(StreamRetry::attempt).toList());
    }
  }

  @Test
  void closeFromAnotherThreadEndsIterationQuietly() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      CountDownLatch opened = new CountDownLatch(1);
      fake.events = (n, q, out) -> {
        out.onNext(FakeGateway.event(1));
        opened.countDown();
      };

      EventStream stream = client.orderEvents(StreamOptions.after(0));
      Iterator<OrderEvent> events = stream.iterator();
      assertEquals(1, events.next().sequence());
      assertTrue(opened.await(5, TimeUnit.SECONDS));
      Thread closer =
          new Thread(
              () -> {
                sleep(100);
                stream.close();
              });
      closer.start();
      assertFalse(assertTimeoutPreemptively(LIMIT, events::hasNext));
      closer.join();
      assertEquals(1, fake.eventCalls.size());
    }
  }

  @Test
  void fillsFollowStreamFills() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.fills = (n, q, out) -> {
        out.onNext(
            StreamFillsResponse.newBuilder()
                .setEvent(
                    io.github.ibkrgateway.v1.OrderEvent.newBuilder()
                        .setSequence(q.getAfterSequence() + 2)
                        .setOrder(FakeGateway.order("o-1"))
                        .setFill(
                            io.github.ibkrgateway.v1.Fill.newBuilder()
                                .setQuantity("5")
                                .setPrice("100.25")
                                .setCommission("1")))
                .build());
      };

      try (EventStream fills = client.fills(StreamOptions.after(7))) {
        OrderEvent event = assertTimeoutPreemptively(LIMIT, () -> fills.iterator().next());
        assertEquals(9, event.sequence());
        assertEquals(
            io.github.ibkrgateway.v1.OrderEvent.KindCase.FILL, event.kind());
        Fill fill = event.fill().orElseThrow();
        assertEquals(new java.math.BigDecimal("100.25"), fill.price());
        assertEquals(new java.math.BigDecimal("1"), fill.commission().orElseThrow());
      }
      assertEquals(7, fake.fillCalls.get(0).getAfterSequence());
      assertEquals(0, fake.eventCalls.size());
    }
  }

  @Test
  void aStreamIsIteratedOnce() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start();
        EventStream stream = client.orderEvents(StreamOptions.after(0))) {
      stream.iterator();
      assertThrows(IllegalStateException.class, stream::iterator);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
