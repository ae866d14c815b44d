/**
 * Nothing waits silently: connecting, unary calls and streams all end with a typed error
 * within bounds the client sets by default.
 */
import assert from "node:assert/strict";
import * as http2 from "node:http2";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createGatewayClient, DEFAULT_TIMEOUT_MS, type GatewayClientOptions } from "../src/client.js";
import { DeadlineExceededError, UnavailableError } from "../src/errors.js";
import { OrderGatewayService } from "../src/gen/ibkr/gateway/v1/gateway_pb.js";
import type { ReconnectInfo } from "../src/resume.js";

type Impl = Partial<ServiceImpl<typeof OrderGatewayService>>;

/** An address nothing listens on: a port the system just handed out, closed again. */
async function closedPort(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A gRPC server with impl on a free port; stop() closes it and every connection to it. */
async function start(impl: Impl): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  const server = http2.createServer(
    connectNodeAdapter({
      routes: (router) => {
        router.service(OrderGatewayService, impl);
      },
    }),
  );
  const sessions = new Set<http2.Http2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const stop = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const session of sessions) {
      session.destroy();
    }
    await closed;
  };
  return { baseUrl: `http://127.0.0.1:${port}`, stop };
}

function untilCancelled(context: HandlerContext): Promise<never> {
  return new Promise((_resolve, reject) => {
    context.signal.addEventListener("abort", () => reject(new ConnectError("cancelled", Code.Canceled)), { once: true });
  });
}

async function withClient<T>(
  options: GatewayClientOptions,
  use: (client: ReturnType<typeof createGatewayClient>) => Promise<T>,
): Promise<T> {
  const client = createGatewayClient(options);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

describe("connect timeout", () => {
  test("connect() to an address nothing listens on fails with UNAVAILABLE within it", async () => {
    const baseUrl = await closedPort();
    const connectTimeoutMs = 300;
    const started = Date.now();
    await withClient({ baseUrl, connectTimeoutMs }, async (client) => {
      await assert.rejects(client.connect(), (error: unknown) => {
        assert.ok(error instanceof UnavailableError);
        assert.match(error.message, /no connection to .* within 300 ms/);
        return true;
      });
    });
    assert.ok(Date.now() - started < 3 * connectTimeoutMs, `took ${Date.now() - started} ms`);
  });

  test("connect() returns once the gateway accepts", async () => {
    const gateway = await start({});
    try {
      await withClient({ baseUrl: gateway.baseUrl, connectTimeoutMs: 1000 }, (client) => client.connect());
    } finally {
      await gateway.stop();
    }
  });
});

describe("deadlines", () => {
  test("every unary call carries the default deadline", async () => {
    const seen: (number | undefined)[] = [];
    const gateway = await start({
      getOrder(_request, context) {
        seen.push(context.timeoutMs());
        return { order: { orderId: "o1" } };
      },
    });
    try {
      await withClient({ baseUrl: gateway.baseUrl }, (client) => client.getOrder({ orderId: "o1" }));
    } finally {
      await gateway.stop();
    }
    // The wire format of a deadline may round it up a little.
    const left = seen[0] ?? 0;
    assert.ok(left > DEFAULT_TIMEOUT_MS / 2 && left <= DEFAULT_TIMEOUT_MS + 1000, `the server saw ${left} ms left`);
  });

  test("an expired default deadline is a DeadlineExceededError, not retried", async () => {
    let calls = 0;
    const gateway = await start({
      getOrder(_request, context) {
        calls += 1;
        return untilCancelled(context);
      },
    });
    try {
      await withClient({ baseUrl: gateway.baseUrl, defaultTimeoutMs: 50 }, async (client) => {
        await assert.rejects(client.getOrder({ orderId: "o1" }), DeadlineExceededError);
      });
    } finally {
      await gateway.stop();
    }
    assert.equal(calls, 1);
  });
});

describe("stream retry bound", () => {
  test("a stream whose gateway goes away throws after maxReconnects, reporting each", async () => {
    const gateway = await start({
      async *streamOrderEvents(_request, context) {
        yield { payload: { case: "event", value: { sequence: 1n } } };
        yield { payload: { case: "event", value: { sequence: 2n } } };
        await untilCancelled(context);
      },
    });
    const retries: ReconnectInfo[] = [];
    const seen: bigint[] = [];
    await withClient(
      {
        baseUrl: gateway.baseUrl,
        streams: { maxReconnects: 3, backoff: { initialMs: 1, maxMs: 5 }, onRetry: (info) => retries.push(info) },
      },
      async (client) => {
        const follow = async (): Promise<void> => {
          for await (const event of client.orderEvents()) {
            seen.push(event.sequence);
            if (event.sequence === 2n) {
              await gateway.stop();
            }
          }
        };
        await assert.rejects(follow(), UnavailableError);
      },
    );
    assert.deepEqual(seen, [1n, 2n]);
    assert.deepEqual(
      retries.map((info) => info.attempt),
      [1, 2, 3],
    );
    for (const info of retries) {
      assert.equal(info.afterSequence, 2n);
      assert.equal(info.maxReconnects, 3);
    }
  });
});
