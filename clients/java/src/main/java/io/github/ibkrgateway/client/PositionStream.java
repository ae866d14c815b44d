package io.github.ibkrgateway.client;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Position changes from a sequence on, in journal order: first the journal, then live,
 * resuming across reconnects as {@link ResumingStream} describes.
 *
 * <pre>{@code
 * PositionList now = client.listPositions();
 * try (PositionStream changes = client.positions(PositionStreamOptions.after(now.lastSequence()))) {
 *   for (PositionEvent change : changes) { ... }
 * }
 * }</pre>
 */
public final class PositionStream extends ResumingStream<PositionEvent> {
  PositionStream(
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
  PositionEvent convert(Object event) {
    return PositionEvent.fromProto((io.github.ibkrgateway.v1.PositionEvent) event);
  }
}
