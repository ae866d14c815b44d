package io.github.ibkrgateway.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How calls that are safe to repeat are retried on UNAVAILABLE, and how streams space their
 * reconnects: exponential backoff with jitter.
 *
 * @param maxAttempts attempts in all, the first included: 1 disables retries, 0 or less
 *     retries without bound (not used for streams, see {@link
 *     GatewayClient.Builder#maxReconnects})
 * @param initialBackoff the pause before the second attempt
 * @param maxBackoff the cap on the pause
 * @param multiplier how the pause grows after each failed attempt
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {

  /** Unary retries: 5 attempts, 0.1 s doubling to 2 s; rides out a gateway restart of about a second. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(2), 2);

  /**
   * Stream reconnects: 0.5 s doubling to 5 s. With the default bound of 5 failed reconnects
   * the pauses add up to 6-12 s, long enough for a gateway restart, short enough that a
   * gateway that stays away is reported promptly.
   */
  public static final RetryPolicy DEFAULT_STREAM_BACKOFF =
      new RetryPolicy(0, Duration.ofMillis(500), Duration.ofSeconds(5), 2);

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
  }

  /**
   * The pause after {@code failures} failed attempts (1 for the first), jittered between
   * half and all of it so that clients cut off together do not come back together.
   */
  Duration backoff(int failures) {
    double nanos = initialBackoff.toNanos();
    double cap = maxBackoff.toNanos();
    for (int i = 1; i < failures && nanos < cap; i++) {
      nanos *= Math.max(multiplier, 1);
    }
    nanos = Math.min(nanos, cap);
    if (nanos <= 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) (nanos / 2 + ThreadLocalRandom.current().nextDouble() * nanos / 2));
  }

  /** Whether another attempt would exceed {@link #maxAttempts}. */
  boolean exhausted(int failures) {
    return maxAttempts > 0 && failures >= maxAttempts;
  }
}
