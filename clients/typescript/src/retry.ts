/**
 * Bounded retries with exponential backoff, shared by unary calls (retry UNAVAILABLE) and
 * by streams (reconnect). Every wait ends early when the caller's AbortSignal fires.
 */
import { Code } from "@connectrpc/connect";
import { abortedError, toGatewayError } from "./errors.js";

export interface BackoffOptions {
  /** Upper bound of the first wait, in ms. Default 100. */
  initialMs?: number;
  /** No wait is longer than this, in ms. Default 5000. */
  maxMs?: number;
  /** Growth of the bound per attempt. Default 2. */
  multiplier?: number;
}

export interface RetryOptions extends BackoffOptions {
  /** Attempts in all, the first included; 1 disables retries. Default 5. */
  maxAttempts?: number;
}

/**
 * Wait before retry number `retry` (0 for the first retry): uniformly random between half
 * the bound and the bound, so that clients cut off together do not come back together
 * and no wait collapses to zero.
 */
export function backoffDelayMs(retry: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 5000;
  const bound = Math.min(max, initial * (options.multiplier ?? 2) ** retry);
  return bound / 2 + Math.random() * (bound / 2);
}

/**
 * Waits ms; rejects with a CANCELLED GatewayError as soon as signal aborts. Plain timers
 * rather than node:timers, so that streams resume the same way in a browser.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) {
    return Promise.reject(abortedError(signal));
  }
  return new Promise((resolve, reject) => {
    const aborted = (): void => {
      clearTimeout(timer);
      reject(abortedError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", aborted);
      resolve();
    }, ms);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

/**
 * Whether a call that failed with code may succeed if repeated, given that the caller did
 * not abort it. connect-node reports a connection that died under a call (gateway killed
 * or restarted) as CANCELED, since Node resets the HTTP/2 streams with CANCEL: when the
 * caller did not cancel, that is the server being unavailable.
 */
export function isTransient(code: Code): boolean {
  return code === Code.Unavailable || code === Code.Canceled;
}

/**
 * Runs call until it succeeds, fails other than transiently (isTransient), or maxAttempts
 * are used up; the last error is thrown as a GatewayError. Only for calls that are safe to
 * repeat (reads, and submits that carry a fixed client_order_id).
 */
export async function retryTransient<T>(
  call: () => Promise<T>,
  options: RetryOptions = {},
  signal?: AbortSignal,
): Promise<T> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (thrown) {
      const error = toGatewayError(thrown);
      // A call cut short by the caller's own abort is not the server's fault: no retry.
      if (signal?.aborted) {
        throw abortedError(signal);
      }
      if (!isTransient(error.code) || attempt >= maxAttempts) {
        throw error;
      }
      await sleep(backoffDelayMs(attempt - 1, options), signal);
    }
  }
}
