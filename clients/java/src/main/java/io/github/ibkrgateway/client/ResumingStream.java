package io.github.ibkrgateway.client;

import io.github.ibkrgateway.v1.Heartbeat;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Journal events (order events, fills, position changes) from a sequence on, in journal
 * order: first the journal, then live.
 *
 * <p>A dropped, cut or silent call is reopened after the last sequence seen, heartbeats
 * included, so no event is skipped or delivered twice. Iteration throws the last error once
 * the client's bound of reconnects failing in a row is spent (an {@link UnavailableException}
 * for a gateway that went away, reason {@code STREAM_STALLED} for one that fell silent), and at
 * once for an error a reconnect would not cure. {@link #close()}, from any thread, ends
 * iteration quietly.
 *
 * <pre>{@code
 * try (EventStream events = client.orderEvents(StreamOptions.after(0))) {
 *   for (OrderEvent event : events) { ... }
 * }
 * }</pre>
 *
 * <p>Iterated by one thread, once.
 */
public abstract class ResumingStream<E> implements Iterable<E>, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ResumingStream.class.getName());

  /** One missed heartbeat can be a busy gateway; three is a broken path. */
  static final int STALL_INTERVALS = 3;

  /** Starts one call of the stream after the given sequence, delivering to the session. */
  interface Opener {
    Session<?, ?> open(long afterSequence);
  }

  /**
   * What every streaming response carries: an event (its generated message, and its
   * sequence) or a heartbeat.
   */
  record Message(Object event, long sequence, Heartbeat heartbeat) {
    static Message of(io.github.ibkrgateway.v1.OrderEvent event, Heartbeat heartbeat) {
      return new Message(event, event == null ? 0 : event.getSequence(), heartbeat);
    }

    static Message of(io.github.ibkrgateway.v1.PositionEvent event, Heartbeat heartbeat) {
      return new Message(event, event == null ? 0 : event.getSequence(), heartbeat);
    }
  }

  private final Opener opener;
  private final long stallNanos;
  private final RetryPolicy backoff;
  private final int maxReconnects;
  private final List<Consumer<StreamRetry>> onRetry;
  private final Runnable beforeReconnect;
  private final CountDownLatch closing = new CountDownLatch(1);

  private volatile long lastSequence;
  private volatile Session<?, ?> session;
  private volatile boolean closed;
  private boolean iterated;
  private boolean finished;
  private int failures;

  ResumingStream(
      Opener opener,
      long afterSequence,
      Duration heartbeatInterval,
      RetryPolicy backoff,
      int maxReconnects,
      List<Consumer<StreamRetry>> onRetry,
      Runnable beforeReconnect) {
    this.opener = opener;
    this.lastSequence = afterSequence;
    this.stallNanos = heartbeatInterval.toNanos() * STALL_INTERVALS;
    this.backoff = backoff;
    this.maxReconnects = maxReconnects;
    this.onRetry = List.copyOf(onRetry);
    this.beforeReconnect = beforeReconnect;
  }

  /**
   * The resume point: the highest sequence delivered or passed (a heartbeat names sequences
   * the gateway filtered out). Opening a stream after it later loses nothing.
   */
  public long lastSequence() {
    return lastSequence;
  }

  /** The events; the iterator's {@code hasNext} blocks until the next one arrives. */
  @Override
  public synchronized Iterator<E> iterator() {
    if (iterated) {
      throw new IllegalStateException("a stream is iterated once");
    }
    iterated = true;
    return new Iterator<>() {
      private E next;

      @Override
      public boolean hasNext() {
        if (next == null && !finished) {
          next = advance();
          finished = next == null;
        }
        return next != null;
      }

      @Override
      public E next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        E event = next;
        next = null;
        return event;
      }
    };
  }

  /** The events as a sequential {@link Stream}; closing it closes this. */
  public Stream<E> stream() {
    Spliterator<E> split =
        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL);
    return StreamSupport.stream(split, false).onClose(this::close);
  }

  /** Cancels the call in progress; iteration, even one blocked waiting, then ends. */
  @Override
  public void close() {
    closed = true;
    closing.countDown();
    Session<?, ?> current = session;
    if (current != null) {
      current.cancel();
    }
  }

  /** The wrapper of one generated event message. */
  abstract E convert(Object event);

  /** The next event to deliver, or null once closed. */
  private E advance() {
    while (!closed) {
      Session<?, ?> current = session;
      if (current == null) {
        current = opener.open(lastSequence);
        session = current;
        if (closed) {
          current.cancel();
          return null;
        }
      }
      Object item;
      try {
        item = current.poll(stallNanos);
      } catch (InterruptedException e) {
        current.cancel();
        Thread.currentThread().interrupt();
        finished = true;
        throw GatewayException.of(
            Status.Code.CANCELLED, GatewayException.Details.of("interrupted"), e);
      }
      if (item instanceof Message message) {
        failures = 0;
        if (message.heartbeat() != null) {
          lastSequence = Math.max(lastSequence, message.heartbeat().getLastSequence());
        } else if (message.event() != null && message.sequence() > lastSequence) {
          lastSequence = message.sequence();
          return convert(message.event());
        }
        continue;
      }
      current.cancel();
      session = null;
      if (closed) {
        return null;
      }
      GatewayException failure = failure(item);
      if (!resumable(failure)) {
        throw failure;
      }
      failures++;
      if (maxReconnects >= 0 && failures > maxReconnects) {
        LOG.log(
            System.Logger.Level.WARNING,
            "stream failed ({0}); giving up after {1} failed reconnects",
            failure.getMessage(),
            failures - 1);
        throw failure;
      }
      StreamRetry retry =
          new StreamRetry(failures, maxReconnects, lastSequence, failure, backoff.backoff(failures));
      LOG.log(
          System.Logger.Level.WARNING,
          "stream failed ({0}); reconnect {1} of {2} in {3} ms, resuming after {4}",
          failure.getMessage(),
          retry.attempt(),
          maxReconnects < 0 ? "unlimited" : maxReconnects,
          retry.delay().toMillis(),
          retry.afterSequence());
      for (Consumer<StreamRetry> callback : onRetry) {
        callback.accept(retry);
      }
      try {
        if (closing.await(retry.delay().toNanos(), TimeUnit.NANOSECONDS)) {
          return null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        finished = true;
        throw GatewayException.of(
            Status.Code.CANCELLED, GatewayException.Details.of("interrupted"), e);
      }
      beforeReconnect.run();
    }
    return null;
  }

  /** Why a call ended: null item is silence, an End its close. */
  private GatewayException failure(Object item) {
    if (item == null) {
      return GatewayException.of(
          Status.Code.UNAVAILABLE,
          GatewayException.Details.of(
              "stream stalled: nothing received for three heartbeat intervals",
              "STREAM_STALLED",
              "client"),
          null);
    }
    Throwable error = ((End) item).error();
    if (error == null) {
      // The gateway never ends a stream on purpose, except when shutting down.
      return GatewayException.of(
          Status.Code.UNAVAILABLE, GatewayException.Details.of("stream ended by the server"), null);
    }
    return GatewayException.from(error);
  }

  /**
   * Whether reopening the stream can cure the failure. The gateway ends streams with
   * UNAVAILABLE when it shuts down and with RESOURCE_EXHAUSTED (STREAM_BUFFER_OVERFLOW) when
   * the consumer fell behind; both say to resume. A CANCELLED this stream did not cause comes
   * from the transport or a proxy. Any other RESOURCE_EXHAUSTED, e.g. a message over the size
   * limit, would recur.
   */
  static boolean resumable(GatewayException e) {
    return switch (e.code()) {
      case UNAVAILABLE, CANCELLED, ABORTED -> true;
      case RESOURCE_EXHAUSTED -> "STREAM_BUFFER_OVERFLOW".equals(e.reason());
      default -> false;
    };
  }

  /** The close of a call: null error for a normal end. */
  record End(Throwable error) {}

  /**
   * One call of the stream. Messages are requested one at a time, so a consumer that stops
   * reading holds the gateway back rather than filling this client's memory; the gateway cuts
   * one that falls too far behind, and the stream resumes.
   */
  static final class Session<ReqT, RespT> implements ClientResponseObserver<ReqT, RespT> {
    private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
    private final Function<RespT, Message> unpack;
    private volatile ClientCallStreamObserver<ReqT> call;

    Session(Function<RespT, Message> unpack) {
      this.unpack = unpack;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ReqT> requestStream) {
      call = requestStream;
      requestStream.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(RespT value) {
      items.add(unpack.apply(value));
    }

    @Override
    public void onError(Throwable t) {
      items.add(new End(t));
    }

    @Override
    public void onCompleted() {
      items.add(new End(null));
    }

    /** A Message, an End, or null after {@code nanos} of silence. */
    Object poll(long nanos) throws InterruptedException {
      Object item = items.poll(nanos, TimeUnit.NANOSECONDS);
      if (item instanceof Message) {
        call.request(1);
      }
      return item;
    }

    void cancel() {
      ClientCallStreamObserver<ReqT> c = call;
      if (c != null) {
        c.cancel("closed by the client", null);
      }
    }
  }
}
