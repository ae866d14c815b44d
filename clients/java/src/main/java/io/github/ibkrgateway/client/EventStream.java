package io.github.ibkrgateway.client;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Order events (or fills) from a sequence on, in journal order: first the journal, then live,
 * resuming across reconnects as {@link ResumingStream} describes.
 *
 * <pre>{@code
 * try (EventStream events = client.orderEvents(StreamOptions.after(0))) {
 *   for (OrderEvent event : events) { ... }
 * }
 * }</pre>
 */
public final class EventStream extends ResumingStream<OrderEvent> {
  EventStream(
      Opener opener,
      long afterSequence,
      Duration heartbeatInterval,
      RetryPolicy backoff,
      int maxReconnects,
      List<Consumer<StreamRetry>> onRetry,
      Runnable beforeReconnect) {
    super(opener, afterSequence, heartbeatInterval, backoff, maxReconnects, onRetry, beforeReconnect);
  }

  @Override
  OrderEvent convert(Object event) {
    return OrderEvent.fromProto((io.github.ibkrgateway.v1.OrderEvent) event);
  }
}
