package io.github.ibkrgateway.client;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Which events a stream follows and where it starts. {@link Builder#orderId} applies to order
 * event and fill streams, {@link Builder#symbol} to position streams; each of them refuses
 * the other.
 *
 * <pre>{@code
 * StreamOptions.builder().afterSequence(lastProcessed).account("DU123456").build()
 * }</pre>
 */
public final class StreamOptions {
  /**
   * Asked of the gateway when no interval is set. The client always names the interval,
   * rather than leaving it to the gateway's default, because noticing a silent stream
   * depends on it.
   */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

  private final long afterSequence;
  private final String account;
  private final String orderId;
  private final String symbol;
  private final Duration heartbeatInterval;
  private final Consumer<StreamRetry> onRetry;

  private StreamOptions(Builder b) {
    this.afterSequence = b.afterSequence;
    this.account = b.account;
    this.orderId = b.orderId;
    this.symbol = b.symbol;
    this.heartbeatInterval = b.heartbeatInterval;
    this.onRetry = b.onRetry;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every event after {@code sequence}; 0 replays the whole journal. */
  public static StreamOptions after(long sequence) {
    return builder().afterSequence(sequence).build();
  }

  public long afterSequence() {
    return afterSequence;
  }

  public String account() {
    return account;
  }

  public String orderId() {
    return orderId;
  }

  public String symbol() {
    return symbol;
  }

  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  Consumer<StreamRetry> onRetry() {
    return onRetry;
  }

  public static final class Builder {
    private long afterSequence;
    private String account = "";
    private String orderId = "";
    private String symbol = "";
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private Consumer<StreamRetry> onRetry;

    private Builder() {}

    /**
     * Start after this journal sequence; 0 (the default) replays the whole journal. Pass the
     * sequence of the last event processed to continue where an earlier run stopped.
     */
    public Builder afterSequence(long sequence) {
      this.afterSequence = sequence;
      return this;
    }

    /** Only this account's events; all accounts when empty. */
    public Builder account(String account) {
      this.account = Objects.requireNonNull(account, "account");
      return this;
    }

    /** Only this order's events; all orders when empty. */
    public Builder orderId(String orderId) {
      this.orderId = Objects.requireNonNull(orderId, "orderId");
      return this;
    }

    /** Only this symbol's position changes (position streams); all when empty. */
    public Builder symbol(String symbol) {
      this.symbol = Objects.requireNonNull(symbol, "symbol");
      return this;
    }

    /**
     * How often an idle stream carries a heartbeat, 0.1 s to 1 h. Three intervals of silence
     * count as a broken connection.
     */
    public Builder heartbeatInterval(Duration interval) {
      this.heartbeatInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** Hears of every reconnect of this stream, after the client's own callback. */
    public Builder onRetry(Consumer<StreamRetry> onRetry) {
      this.onRetry = onRetry;
      return this;
    }

    public StreamOptions build() {
      return new StreamOptions(this);
    }
  }
}
