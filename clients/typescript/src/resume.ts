/**
 * Gap-free, duplicate-free following of StreamOrderEvents / StreamFills / StreamPositions
 * across dropped connections. The gateway's sequences are strictly increasing across the whole journal,
 * so one number, the cursor, says where to resume: after_sequence = cursor replays
 * exactly what this consumer has not seen yet.
 */
import { Code } from "@connectrpc/connect";
import type { Heartbeat, OrderEvent } from "./gen/ibkr/gateway/v1/events_pb.js";
import { abortedError, GatewayError, toGatewayError, UnavailableError } from "./errors.js";
import { backoffDelayMs, isTransient, sleep, type BackoffOptions } from "./retry.js";

/**
 * The last sequence a stream has passed. It only moves forward: an event at or below it
 * is a duplicate (a replay overlapping what was already delivered) and is dropped.
 */
export class SequenceCursor {
  #position: bigint;

  constructor(afterSequence: bigint) {
    this.#position = afterSequence;
  }

  /** Resume point: the highest sequence delivered or skipped. */
  get position(): bigint {
    return this.#position;
  }

  /** True, and the cursor advances, when the event is new; false for a duplicate. */
  accept(sequence: bigint): boolean {
    if (sequence <= this.#position) {
      return false;
    }
    this.#position = sequence;
    return true;
  }

  /**
   * A heartbeat's last_sequence counts sequences the server filtered out (other accounts,
   * other orders, non-fill events): resuming from there saves replaying them, and loses
   * nothing because the server has passed every sequence up to it.
   */
  skipTo(lastSequence: bigint): void {
    if (lastSequence > this.#position) {
      this.#position = lastSequence;
    }
  }
}

/** An event of the journal: what the cursor orders and deduplicates by. */
export interface Sequenced {
  readonly sequence: bigint;
}

/** What every streaming RPC sends: an event or a heartbeat (the generated payload oneof). */
export interface StreamMessage<E extends Sequenced = OrderEvent> {
  payload:
    | { case: "event"; value: E }
    | { case: "heartbeat"; value: Heartbeat }
    | { case: undefined; value?: undefined };
}

/** Opens one call of the stream, replaying after afterSequence; aborting signal ends it. */
export type OpenStream<E extends Sequenced = OrderEvent> = (
  afterSequence: bigint,
  signal: AbortSignal,
) => AsyncIterable<StreamMessage<E>>;

export interface ReconnectInfo {
  /** Consecutive failed connections so far, this one included (1 on the first drop): the
   * number of the reconnect about to be made, maxReconnects at most. */
  readonly attempt: number;
  /** The bound on reconnects failing in a row (Infinity for none). */
  readonly maxReconnects: number;
  /** The sequence the next call resumes after. */
  readonly afterSequence: bigint;
  /** Why the previous call ended. */
  readonly error: GatewayError;
  /** The pause before the reconnect, in ms. */
  readonly delayMs: number;
}

/** Reconnects that may fail in a row before a stream gives up, unless set otherwise. */
export const DEFAULT_MAX_RECONNECTS = 5;

/**
 * Pauses between reconnects unless set otherwise: with DEFAULT_MAX_RECONNECTS they add up
 * to 6-12 s, long enough for a gateway restart, short enough that a gateway that stays
 * away is reported promptly.
 */
export const DEFAULT_STREAM_BACKOFF: Readonly<BackoffOptions> = { initialMs: 500, maxMs: 5000 };

export interface ResumeOptions {
  /** Start after this sequence; 0 replays the whole journal. */
  afterSequence: bigint;
  /** Reconnect when nothing (event or heartbeat) arrives for this long, in ms. */
  stallTimeoutMs: number;
  /** Ends the stream (with a CANCELLED GatewayError) when it fires. */
  signal?: AbortSignal | undefined;
  /** Waits between reconnects. Default DEFAULT_STREAM_BACKOFF. */
  backoff?: BackoffOptions | undefined;
  /**
   * Give up, throwing the last error, after this many reconnects in a row fail; a reconnect
   * fails when its call ends before anything (event or heartbeat) arrives, and anything
   * arriving starts the count again. 0 throws on the first failure, Infinity never gives
   * up. Default DEFAULT_MAX_RECONNECTS.
   */
  maxReconnects?: number | undefined;
  /** @deprecated The same as maxReconnects, which wins when both are set. */
  maxConsecutiveFailures?: number | undefined;
  /** Called on each failure that a reconnect follows, before its pause, e.g. to log it. */
  onRetry?: ((info: ReconnectInfo) => void) | undefined;
  /** @deprecated Called like onRetry, after it. */
  onReconnect?: ((info: ReconnectInfo) => void) | undefined;
}

/**
 * Whether a new call can succeed after one ended with code: the server went away or
 * restarted (UNAVAILABLE, or CANCELED when the connection died under the call, see
 * isTransient), or it cut a slow consumer (RESOURCE_EXHAUSTED, which the contract says to
 * resume from). Anything else (INVALID_ARGUMENT for an after_sequence ahead of the
 * journal, say) would fail again the same way.
 */
function reconnectable(code: Code): boolean {
  return isTransient(code) || code === Code.ResourceExhausted || code === Code.Aborted;
}

/**
 * The events of a stream, each exactly once and in sequence order, however often the
 * underlying call drops. Iterate it with `for await`; one consumer at a time. Iterating
 * again after a `break` continues after the last event seen.
 */
export class ResumableStream<E extends Sequenced = OrderEvent> implements AsyncIterable<E> {
  readonly #open: OpenStream<E>;
  readonly #options: ResumeOptions;
  readonly #cursor: SequenceCursor;
  #iterating = false;

  constructor(open: OpenStream<E>, options: ResumeOptions) {
    this.#open = open;
    this.#options = options;
    this.#cursor = new SequenceCursor(options.afterSequence);
  }

  /** Where a new stream would resume: persist it to continue after a restart. */
  get lastSequence(): bigint {
    return this.#cursor.position;
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    return this.#follow();
  }

  async *#follow(): AsyncGenerator<E> {
    // Checked on the first next(), not when the iterator is made: an iterator that is
    // never started never runs its finally, and must not lock the stream.
    if (this.#iterating) {
      throw new Error("a ResumableStream has one consumer at a time");
    }
    this.#iterating = true;
    const { signal } = this.#options;
    const maxReconnects =
      this.#options.maxReconnects ?? this.#options.maxConsecutiveFailures ?? DEFAULT_MAX_RECONNECTS;
    const backoff = { ...DEFAULT_STREAM_BACKOFF, ...this.#options.backoff };
    let failures = 0;
    try {
      for (;;) {
        if (signal?.aborted) {
          throw abortedError(signal);
        }
        const connection = new Connection(this.#options.stallTimeoutMs, signal);
        let failure: GatewayError;
        try {
          for await (const message of this.#open(this.#cursor.position, connection.signal)) {
            connection.alive();
            failures = 0;
            const { payload } = message;
            if (payload.case === "heartbeat") {
              this.#cursor.skipTo(payload.value.lastSequence);
            } else if (payload.case === "event" && this.#cursor.accept(payload.value.sequence)) {
              // The consumer may take its time with an event: that is not a stall.
              connection.pause();
              yield payload.value;
              connection.alive();
            }
          }
          // The gateway never ends a stream by itself except when shutting down.
          failure = new UnavailableError({ code: Code.Unavailable, message: "stream ended by the server" });
        } catch (thrown) {
          if (signal?.aborted) {
            throw abortedError(signal);
          }
          failure = connection.stalled ? connection.stallError() : toGatewayError(thrown);
          // Our own aborts were told apart above, so a CANCELED here came from the transport.
          if (!connection.stalled && !reconnectable(failure.code)) {
            throw failure;
          }
        } finally {
          connection.close();
        }
        failures += 1;
        if (failures > maxReconnects) {
          throw failure;
        }
        const delayMs = backoffDelayMs(failures - 1, backoff);
        const info = { attempt: failures, maxReconnects, afterSequence: this.#cursor.position, error: failure, delayMs };
        this.#options.onRetry?.(info);
        this.#options.onReconnect?.(info);
        await sleep(delayMs, signal);
      }
    } finally {
      this.#iterating = false;
    }
  }
}

/** One call's lifetime: its abort signal and the watchdog that notices a silent stream. */
class Connection {
  readonly #controller = new AbortController();
  readonly #stallTimeoutMs: number;
  readonly #outer: AbortSignal | undefined;
  readonly #forwardAbort = (): void => this.#controller.abort();
  #timer: ReturnType<typeof setTimeout> | undefined;
  stalled = false;

  constructor(stallTimeoutMs: number, outer: AbortSignal | undefined) {
    this.#stallTimeoutMs = stallTimeoutMs;
    this.#outer = outer;
    outer?.addEventListener("abort", this.#forwardAbort, { once: true });
    this.alive();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Something arrived (or the consumer handed control back): restart the watchdog. */
  alive(): void {
    this.pause();
    this.#timer = setTimeout(() => {
      this.stalled = true;
      this.#controller.abort();
    }, this.#stallTimeoutMs);
  }

  pause(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  stallError(): GatewayError {
    return new UnavailableError({
      code: Code.Unavailable,
      message: `no event or heartbeat for ${this.#stallTimeoutMs} ms`,
      reason: "STREAM_STALLED",
      domain: "client",
    });
  }

  close(): void {
    this.pause();
    this.#outer?.removeEventListener("abort", this.#forwardAbort);
    this.#controller.abort();
  }
}
