package io.github.ibkrgateway.client;

import java.time.Duration;

/**
 * A failure of an event stream that a reconnect follows, as the retry callbacks hear of it.
 *
 * @param attempt the reconnect about to be made among those failing in a row: 1 after a call
 *     that had delivered anything, {@code maxReconnects} at most
 * @param maxReconnects the bound on reconnects failing in a row; negative for none
 * @param afterSequence where the next call resumes
 * @param error what ended the previous call
 * @param delay the pause before the reconnect
 */
public record StreamRetry(
    int attempt, int maxReconnects, long afterSequence, GatewayException error, Duration delay) {}
