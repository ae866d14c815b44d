import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { GatewayError, UnavailableError } from "../src/errors.js";
import { HeartbeatSchema, OrderEventSchema } from "../src/gen/ibkr/gateway/v1/events_pb.js";
import {
  ResumableStream,
  SequenceCursor,
  type OpenStream,
  type ReconnectInfo,
  type ResumeOptions,
  type StreamMessage,
} from "../src/resume.js";

/** What one scripted connection does: send these, then fail, end, or go silent. */
interface Script {
  send: (number | { heartbeat: number })[];
  then: "error" | "end" | "hang" | ConnectError;
}

function event(sequence: number): StreamMessage {
  return { payload: { case: "event", value: create(OrderEventSchema, { sequence: BigInt(sequence) }) } };
}

function heartbeat(lastSequence: number): StreamMessage {
  return { payload: { case: "heartbeat", value: create(HeartbeatSchema, { lastSequence: BigInt(lastSequence) }) } };
}

/** A fake server: one script per connection; records where each connection resumed. */
function scripted(scripts: Script[]): { open: OpenStream; opened: bigint[]; signals: AbortSignal[] } {
  const opened: bigint[] = [];
  const signals: AbortSignal[] = [];
  const open: OpenStream = (afterSequence, signal) => {
    opened.push(afterSequence);
    signals.push(signal);
    const script = scripts.shift() ?? { send: [], then: "hang" };
    return (async function* () {
      for (const item of script.send) {
        yield typeof item === "number" ? event(item) : heartbeat(item.heartbeat);
      }
      if (script.then === "error") {
        throw new ConnectError("connection dropped", Code.Unavailable);
      }
      if (script.then instanceof ConnectError) {
        throw script.then;
      }
      if (script.then === "hang") {
        // Silent until the client gives up on this connection, as a stalled socket is.
        await new Promise<never>((_resolve, reject) => {
          const fail = (): void => reject(new ConnectError("aborted", Code.Canceled));
          if (signal.aborted) fail();
          signal.addEventListener("abort", fail, { once: true });
        });
      }
    })();
  };
  return { open, opened, signals };
}

const FAST: Omit<ResumeOptions, "afterSequence"> = {
  stallTimeoutMs: 50,
  backoff: { initialMs: 1, maxMs: 2 },
};

async function take(stream: AsyncIterable<{ sequence: bigint }>, count: number): Promise<number[]> {
  const seen: number[] = [];
  for await (const item of stream) {
    seen.push(Number(item.sequence));
    if (seen.length === count) {
      break;
    }
  }
  return seen;
}

describe("SequenceCursor", () => {
  test("accepts only sequences beyond it and never goes backwards", () => {
    const cursor = new SequenceCursor(5n);
    assert.equal(cursor.accept(5n), false);
    assert.equal(cursor.accept(3n), false);
    assert.equal(cursor.accept(6n), true);
    assert.equal(cursor.accept(9n), true);
    assert.equal(cursor.accept(7n), false);
    assert.equal(cursor.position, 9n);
  });

  test("heartbeats move it forward only", () => {
    const cursor = new SequenceCursor(0n);
    cursor.skipTo(10n);
    assert.equal(cursor.position, 10n);
    cursor.skipTo(4n);
    assert.equal(cursor.position, 10n);
    assert.equal(cursor.accept(10n), false);
    assert.equal(cursor.accept(11n), true);
  });
});

describe("ResumableStream", () => {
  test("drops duplicates and stale sequences within a connection", async () => {
    const { open } = scripted([{ send: [1, 2, 2, 1, 3, 3, 4], then: "hang" }]);
    const stream = new ResumableStream(open, { ...FAST, afterSequence: 0n });
    assert.deepEqual(await take(stream, 4), [1, 2, 3, 4]);
  });

  test("reconnects after the last sequence seen: no gap, no duplicate", async () => {
    const { open, opened } = scripted([
      { send: [1, 2, 3], then: "error" },
      // A replay that overlaps what was delivered must not deliver it twice.
      { send: [2, 3, 4, 5], then: "end" },
      { send: [5, 6], then: "hang" },
    ]);
    const reconnects: ReconnectInfo[] = [];
    const stream = new ResumableStream(open, {
      ...FAST,
      afterSequence: 0n,
      onReconnect: (info) => reconnects.push(info),
    });
    assert.deepEqual(await take(stream, 6), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(opened, [0n, 3n, 5n]);
    assert.equal(reconnects.length, 2);
    assert.equal(reconnects[0]?.error.codeName, "UNAVAILABLE");
    assert.equal(reconnects[0]?.afterSequence, 3n);
    assert.equal(stream.lastSequence, 6n);
  });

  test("resumes from a heartbeat's last_sequence, past filtered-out events", async () => {
    const { open, opened } = scripted([
      { send: [2, { heartbeat: 7 }], then: "error" },
      { send: [9], then: "hang" },
    ]);
    const stream = new ResumableStream(open, { ...FAST, afterSequence: 1n });
    assert.deepEqual(await take(stream, 2), [2, 9]);
    assert.deepEqual(opened, [1n, 7n]);
  });

  test("a heartbeat behind the cursor does not move it back", async () => {
    const { open, opened } = scripted([
      { send: [4, { heartbeat: 2 }], then: "error" },
      { send: [5], then: "hang" },
    ]);
    const stream = new ResumableStream(open, { ...FAST, afterSequence: 0n });
    assert.deepEqual(await take(stream, 2), [4, 5]);
    assert.deepEqual(opened, [0n, 4n]);
  });

  test("a silent stream counts as stalled and is replaced", async () => {
    const { open, opened, signals } = scripted([
      { send: [1], then: "hang" },
      { send: [2], then: "hang" },
    ]);
    const reconnects: ReconnectInfo[] = [];
    const stream = new ResumableStream(open, {
      ...FAST,
      afterSequence: 0n,
      onReconnect: (info) => reconnects.push(info),
    });
    assert.deepEqual(await take(stream, 2), [1, 2]);
    assert.deepEqual(opened, [0n, 1n]);
    assert.equal(reconnects[0]?.error.reason, "STREAM_STALLED");
    assert.equal(signals[0]?.aborted, true, "the stalled call was cancelled");
  });

  test("a slow consumer is not a stall", async () => {
    const { open, opened } = scripted([{ send: [1, 2, 3], then: "hang" }]);
    const stream = new ResumableStream(open, { ...FAST, afterSequence: 0n });
    const seen: number[] = [];
    for await (const item of stream) {
      seen.push(Number(item.sequence));
      if (seen.length === 3) break;
      await delay(FAST.stallTimeoutMs * 3);
    }
    assert.deepEqual(seen, [1, 2, 3]);
    assert.deepEqual(opened, [0n]);
  });

  test("RESOURCE_EXHAUSTED (consumer cut for lagging) resumes too", async () => {
    const { open, opened } = scripted([
      { send: [1], then: new ConnectError("buffer overflow", Code.ResourceExhausted) },
      { send: [2], then: "hang" },
    ]);
    const stream = new ResumableStream(open, { ...FAST, afterSequence: 0n });
    assert.deepEqual(await take(stream, 2), [1, 2]);
    assert.deepEqual(opened, [0n, 1n]);
  });

  test("an error that would repeat is thrown, not retried", async () => {
    const { open, opened } = scripted([
      { send: [], then: new ConnectError("after_sequence is ahead of the journal", Code.InvalidArgument) },
    ]);
    const stream = new ResumableStream(open, { ...FAST, afterSequence: 99n });
    await assert.rejects(take(stream, 1), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.codeName, "INVALID_ARGUMENT");
      return true;
    });
    assert.deepEqual(opened, [99n]);
  });

  test("gives up after maxReconnects failed reconnects, reporting each", async () => {
    const { open, opened } = scripted([
      { send: [], then: "error" },
      { send: [], then: "error" },
      { send: [], then: "error" },
    ]);
    const retries: ReconnectInfo[] = [];
    const stream = new ResumableStream(open, {
      ...FAST,
      afterSequence: 4n,
      maxReconnects: 2,
      onRetry: (info) => retries.push(info),
    });
    await assert.rejects(take(stream, 1), (error: unknown) => error instanceof GatewayError && error.codeName === "UNAVAILABLE");
    assert.equal(opened.length, 3);
    assert.deepEqual(
      retries.map(({ attempt, maxReconnects, afterSequence }) => [attempt, maxReconnects, afterSequence]),
      [
        [1, 2, 4n],
        [2, 2, 4n],
      ],
    );
    assert.ok(retries.every((info) => info.error.codeName === "UNAVAILABLE" && info.delayMs <= 2));
  });

  test("a connection that delivers anything starts the count again", async () => {
    const { open, opened } = scripted([
      { send: [1], then: "error" },
      { send: [], then: "error" },
      { send: [{ heartbeat: 1 }, 2], then: "error" },
      { send: [], then: "error" },
      { send: [], then: "error" },
    ]);
    const attempts: number[] = [];
    const stream = new ResumableStream(open, {
      ...FAST,
      afterSequence: 0n,
      maxReconnects: 2,
      onRetry: (info) => attempts.push(info.attempt),
    });
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const item of stream) {
        seen.push(Number(item.sequence));
      }
    }, UnavailableError);
    assert.deepEqual(seen, [1, 2]);
    assert.deepEqual(attempts, [1, 2, 1, 2]);
    assert.equal(opened.length, 5);
  });

  test("the caller's signal ends it with CANCELLED and cancels the call", async () => {
    const { open, signals } = scripted([{ send: [1], then: "hang" }]);
    const controller = new AbortController();
    const stream = new ResumableStream(open, { ...FAST, stallTimeoutMs: 10_000, afterSequence: 0n, signal: controller.signal });
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const item of stream) {
          seen.push(Number(item.sequence));
          controller.abort();
        }
      })(),
      (error: unknown) => error instanceof GatewayError && error.code === Code.Canceled,
    );
    assert.deepEqual(seen, [1]);
    assert.equal(signals[0]?.aborted, true);
  });

  test("break cancels the call; iterating again continues after the cursor", async () => {
    const { open, opened, signals } = scripted([
      { send: [1, 2, 3], then: "hang" },
      { send: [3, 4], then: "hang" },
    ]);
    const stream = new ResumableStream(open, { ...FAST, afterSequence: 0n });
    assert.deepEqual(await take(stream, 2), [1, 2]);
    assert.equal(signals[0]?.aborted, true);
    assert.deepEqual(await take(stream, 2), [3, 4]);
    assert.deepEqual(opened, [0n, 2n]);
  });

  test("one consumer at a time", async () => {
    const { open } = scripted([]);
    const controller = new AbortController();
    const stream = new ResumableStream(open, { ...FAST, afterSequence: 0n, signal: controller.signal });
    const first = stream[Symbol.asyncIterator]().next();
    await assert.rejects(stream[Symbol.asyncIterator]().next(), /one consumer at a time/);
    controller.abort();
    await assert.rejects(first, (error: unknown) => error instanceof GatewayError && error.code === Code.Canceled);
    // Once the first consumer is done, another may follow.
    await assert.rejects(stream[Symbol.asyncIterator]().next(), (error: unknown) => error instanceof GatewayError);
  });
});
