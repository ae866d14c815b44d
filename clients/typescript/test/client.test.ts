/**
 * GatewayClient against an in-process gRPC server (Connect's Node adapter on HTTP/2), so
 * retries, error details and stream resumption go over a real wire without the gateway.
 */
import assert from "node:assert/strict";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, describe, test } from "node:test";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createGatewayClient, type GatewayClient } from "../src/client.js";
import {
  AlreadyExistsError,
  DeadlineExceededError,
  GatewayError,
  InvalidArgumentError,
  UnavailableError,
} from "../src/errors.js";
import { StatusSchema } from "../src/gen/google/rpc/status_pb.js";
import { OrderGatewayService } from "../src/gen/ibkr/gateway/v1/gateway_pb.js";
import { OrderType, Side } from "../src/gen/ibkr/gateway/v1/orders_pb.js";
import { BadRequestSchema, ErrorInfoSchema } from "../src/google-rpc.js";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { create } from "@bufbuild/protobuf";

type Impl = Partial<ServiceImpl<typeof OrderGatewayService>>;

const servers: (() => Promise<void>)[] = [];
after(async () => {
  await Promise.all(servers.map((close) => close()));
});

/** Starts a gRPC server with impl on a free port and a client for it. */
async function serve(impl: Impl): Promise<GatewayClient> {
  const server = http2.createServer(
    connectNodeAdapter({
      routes: (router) => {
        router.service(OrderGatewayService, impl);
      },
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = createGatewayClient({
    baseUrl: `http://127.0.0.1:${port}`,
    retry: { initialMs: 1, maxMs: 5 },
    streams: { backoff: { initialMs: 1, maxMs: 5 } },
  });
  servers.push(async () => {
    client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return client;
}

/** Resolves never; rejects when the call is cancelled, as a stuck server would behave. */
function untilCancelled(context: HandlerContext): Promise<never> {
  return new Promise((_resolve, reject) => {
    context.signal.addEventListener("abort", () => reject(new ConnectError("cancelled", Code.Canceled)), { once: true });
  });
}

const SPEC = {
  contract: { symbol: "AAPL" },
  side: Side.BUY,
  quantity: "100",
  orderType: OrderType.LIMIT,
  limitPrice: "187.25",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("submitOrder", () => {
  test("generates a client_order_id and retries UNAVAILABLE with the same one", async () => {
    const ids: string[] = [];
    const client = await serve({
      submitOrder(request) {
        ids.push(request.order?.clientOrderId ?? "");
        if (ids.length < 3) {
          throw new ConnectError("gateway shutting down", Code.Unavailable);
        }
        return { order: { orderId: "ord-1", spec: request.order } };
      },
    });
    const order = await client.submitOrder(SPEC);
    assert.equal(ids.length, 3);
    assert.match(ids[0] ?? "", UUID);
    assert.deepEqual(new Set(ids).size, 1, "every attempt carries the same id");
    assert.equal(order.orderId, "ord-1");
    assert.equal(order.spec?.clientOrderId, ids[0]);
    assert.equal(order.spec?.limitPrice, "187.25", "decimals travel as strings");
  });

  test("keeps the caller's id and gives up after maxAttempts with that id on the error", async () => {
    let calls = 0;
    const client = await serve({
      submitOrder() {
        calls += 1;
        throw new ConnectError("store failed", Code.Unavailable);
      },
    });
    await assert.rejects(client.submitOrder({ ...SPEC, clientOrderId: "mine-1" }, { retry: { maxAttempts: 2, initialMs: 1 } }), (error: unknown) => {
      assert.ok(error instanceof UnavailableError);
      assert.equal(error.clientOrderId, "mine-1");
      return true;
    });
    assert.equal(calls, 2);
  });

  test("CANCELLED the caller did not ask for (a connection dying under the call) is retried", async () => {
    const ids: string[] = [];
    const client = await serve({
      submitOrder(request) {
        ids.push(request.order?.clientOrderId ?? "");
        if (ids.length === 1) {
          throw new ConnectError("http/2 stream closed with error code CANCEL", Code.Canceled);
        }
        return { order: { orderId: "ord-2", spec: request.order } };
      },
    });
    assert.equal((await client.submitOrder(SPEC)).orderId, "ord-2");
    assert.equal(ids.length, 2);
    assert.equal(ids[0], ids[1]);
  });

  test("ALREADY_EXISTS is not retried and carries ErrorInfo over the wire", async () => {
    let calls = 0;
    const client = await serve({
      submitOrder() {
        calls += 1;
        throw new ConnectError("client_order_id was already used", Code.AlreadyExists, undefined, [
          {
            desc: ErrorInfoSchema,
            value: { reason: "CLIENT_ORDER_ID_CONFLICT", domain: "ibkr-gateway", metadata: { order_id: "ord-9" } },
          },
        ]);
      },
    });
    await assert.rejects(client.submitOrder({ ...SPEC, clientOrderId: "dup" }), (error: unknown) => {
      assert.ok(error instanceof AlreadyExistsError);
      assert.equal(error.reason, "CLIENT_ORDER_ID_CONFLICT");
      assert.deepEqual(error.metadata, { order_id: "ord-9" });
      assert.equal(error.clientOrderId, "dup");
      return true;
    });
    assert.equal(calls, 1);
  });

  test("INVALID_ARGUMENT carries the BadRequest field violations", async () => {
    const client = await serve({
      submitOrder() {
        throw new ConnectError("invalid request", Code.InvalidArgument, undefined, [
          { desc: ErrorInfoSchema, value: { reason: "INVALID_ARGUMENT", domain: "ibkr-gateway" } },
          { desc: BadRequestSchema, value: { fieldViolations: [{ field: "order.quantity", description: "must be positive" }] } },
        ]);
      },
    });
    await assert.rejects(client.submitOrder({ ...SPEC, quantity: "0" }), (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.deepEqual(error.fieldViolations, [{ field: "order.quantity", description: "must be positive" }]);
      return true;
    });
  });

  test("the caller's signal aborts the call and any retry with CANCELLED", async () => {
    let calls = 0;
    let arrived: () => void = () => {};
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const client = await serve({
      submitOrder(_request, context) {
        calls += 1;
        arrived();
        return untilCancelled(context);
      },
    });
    const controller = new AbortController();
    // Aborted once the call is at the server, however slow the machine is to get it there.
    void reached.then(() => controller.abort());
    await assert.rejects(client.submitOrder(SPEC, { signal: controller.signal }), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.codeName, "CANCELLED");
      return true;
    });
    assert.equal(calls, 1);
  });

  test("a deadline ends the attempt with DEADLINE_EXCEEDED, not retried", async () => {
    let calls = 0;
    const client = await serve({
      submitOrder(_request, context) {
        calls += 1;
        return untilCancelled(context);
      },
    });
    await assert.rejects(client.submitOrder(SPEC, { timeoutMs: 30 }), (error: unknown) => {
      assert.ok(error instanceof DeadlineExceededError);
      assert.equal(error.codeName, "DEADLINE_EXCEEDED");
      return true;
    });
    assert.equal(calls, 1);
  });
});

describe("submitOrders", () => {
  test("fixes every missing id before the first attempt and sends the same ids on a retry", async () => {
    const attempts: string[][] = [];
    const client = await serve({
      submitOrders(request) {
        attempts.push(request.orders.map((o) => o.clientOrderId));
        if (attempts.length < 2) {
          throw new ConnectError("gateway shutting down", Code.Unavailable);
        }
        return { results: request.orders.map((spec, i) => ({ result: { case: "order", value: { orderId: `ord-${i}`, spec } } })) };
      },
    });
    const results = await client.submitOrders([SPEC, { ...SPEC, clientOrderId: "mine-2" }, SPEC]);
    assert.equal(attempts.length, 2);
    const [first, second] = attempts;
    assert.match(first?.[0] ?? "", UUID);
    assert.equal(first?.[1], "mine-2");
    assert.match(first?.[2] ?? "", UUID);
    assert.notEqual(first?.[0], first?.[2]);
    assert.deepEqual(second, first, "the retry carries the ids of the first attempt");
    assert.deepEqual(
      results.map((r) => (r instanceof GatewayError ? r.codeName : r.orderId)),
      ["ord-0", "ord-1", "ord-2"],
    );
  });

  test("answers each item in request order, a refused one as a typed error with its reason and field violations", async () => {
    const client = await serve({
      submitOrders(request) {
        const refused = create(StatusSchema, {
          code: Code.InvalidArgument,
          message: "quantity must be positive",
          details: [
            anyPack(ErrorInfoSchema, create(ErrorInfoSchema, { reason: "INVALID_ARGUMENT", domain: "ibkr-gateway" })),
            anyPack(
              BadRequestSchema,
              create(BadRequestSchema, { fieldViolations: [{ field: "orders[1].quantity", description: "must be positive" }] }),
            ),
          ],
        });
        return {
          results: [
            { result: { case: "order", value: { orderId: "ord-a", spec: request.orders[0] } } },
            { result: { case: "error", value: refused } },
            { result: { case: "order", value: { orderId: "ord-c", spec: request.orders[2] } } },
          ],
        };
      },
    });
    const results = await client.submitOrders([
      { ...SPEC, clientOrderId: "a" },
      { ...SPEC, clientOrderId: "b", quantity: "0" },
      { ...SPEC, clientOrderId: "c" },
    ]);
    assert.equal(results.length, 3);
    const [a, b, c] = results;
    assert.ok(!(a instanceof GatewayError) && a?.orderId === "ord-a");
    assert.ok(!(c instanceof GatewayError) && c?.orderId === "ord-c");
    assert.ok(b instanceof InvalidArgumentError);
    assert.equal(b.reason, "INVALID_ARGUMENT");
    assert.equal(b.rawMessage, "quantity must be positive");
    assert.equal(b.clientOrderId, "b");
    assert.deepEqual(b.fieldViolations, [{ field: "orders[1].quantity", description: "must be positive" }]);
  });

  test("a failure of the whole call is thrown, not answered per item", async () => {
    const client = await serve({
      submitOrders() {
        throw new ConnectError("at most 1000 orders", Code.InvalidArgument);
      },
    });
    await assert.rejects(client.submitOrders([SPEC]), InvalidArgumentError);
  });
});

describe("other calls", () => {
  test("submitBracket generates the parent's id and passes decimal strings through", async () => {
    const client = await serve({
      submitBracketOrder(request) {
        const id = request.parent?.clientOrderId ?? "";
        assert.match(id, UUID);
        assert.equal(request.takeProfitLimitPrice, "200.5");
        assert.equal(request.stopLossStopPrice, "180");
        return {
          parent: { orderId: "p", spec: request.parent },
          takeProfit: { orderId: "tp" },
          stopLoss: { orderId: "sl" },
        };
      },
    });
    const bracket = await client.submitBracket({ parent: SPEC, takeProfitLimitPrice: "200.5", stopLossStopPrice: "180" });
    assert.deepEqual([bracket.parent.orderId, bracket.takeProfit.orderId, bracket.stopLoss.orderId], ["p", "tp", "sl"]);
  });

  test("cancelOrder is not retried: a repeat could misreport a cancelled order", async () => {
    let calls = 0;
    const client = await serve({
      cancelOrder() {
        calls += 1;
        throw new ConnectError("unavailable", Code.Unavailable);
      },
    });
    await assert.rejects(client.cancelOrder("ord-1"), UnavailableError);
    assert.equal(calls, 1);
  });

  test("modifyOrder sends only the fields given", async () => {
    const client = await serve({
      modifyOrder(request) {
        assert.equal(request.orderId, "ord-1");
        assert.equal(request.quantity, "50");
        assert.equal(request.limitPrice, undefined);
        assert.equal(request.stopPrice, undefined);
        return { order: { orderId: request.orderId } };
      },
    });
    assert.equal((await client.modifyOrder("ord-1", { quantity: "50" })).orderId, "ord-1");
  });

  test("getOrder looks up by order id or by client order id within an account", async () => {
    const client = await serve({
      getOrder(request) {
        return { order: { orderId: `${request.orderId}|${request.clientOrderId}|${request.account}` } };
      },
    });
    assert.equal((await client.getOrder({ orderId: "ord-1" })).orderId, "ord-1||");
    assert.equal((await client.getOrder({ clientOrderId: "c-1" })).orderId, "|c-1|");
    assert.equal((await client.getOrder({ clientOrderId: "c-1", account: "DU1" })).orderId, "|c-1|DU1");
  });

  test("cancelOrder and modifyOrder name the order by id or by client order id", async () => {
    const client = await serve({
      cancelOrder(request) {
        return { order: { orderId: `${request.orderId}|${request.clientOrderId}|${request.account}` } };
      },
      modifyOrder(request) {
        return { order: { orderId: `${request.orderId}|${request.clientOrderId}|${request.limitPrice}` } };
      },
    });
    assert.equal((await client.cancelOrder("ord-1")).orderId, "ord-1||");
    assert.equal((await client.cancelOrder({ clientOrderId: "c-1", account: "DU1" })).orderId, "|c-1|DU1");
    assert.equal((await client.modifyOrder({ clientOrderId: "c-1" }, { limitPrice: "5" })).orderId, "|c-1|5");
  });

  test("listOrders walks every page, keeping the filter", async () => {
    const requests: string[] = [];
    const client = await serve({
      listOrders(request) {
        requests.push(`${request.symbol}:${request.pageSize}:${request.pageToken}`);
        const start = request.pageToken === "" ? 0 : Number(request.pageToken);
        const ids = [0, 1, 2, 3, 4].slice(start, start + request.pageSize);
        const next = start + request.pageSize < 5 ? String(start + request.pageSize) : "";
        return { orders: ids.map((id) => ({ orderId: `o${id}` })), nextPageToken: next };
      },
    });
    const ids: string[] = [];
    for await (const order of client.listOrders({ symbol: "AAPL", pageSize: 2 })) {
      ids.push(order.orderId);
    }
    assert.deepEqual(ids, ["o0", "o1", "o2", "o3", "o4"]);
    assert.deepEqual(requests, ["AAPL:2:", "AAPL:2:2", "AAPL:2:4"]);
  });
});

describe("streams over the wire", () => {
  test("orderEvents resumes after a dropped call without gap or duplicate", async () => {
    const calls: { after: bigint; heartbeatMs: number }[] = [];
    const client = await serve({
      async *streamOrderEvents(request, context) {
        const heartbeat = request.heartbeatInterval;
        calls.push({ after: request.afterSequence, heartbeatMs: Number(heartbeat?.nanos ?? 0) / 1e6 });
        if (calls.length === 1) {
          yield { payload: { case: "event", value: { sequence: 1n, orderId: "a" } } };
          yield { payload: { case: "event", value: { sequence: 2n, orderId: "a" } } };
          throw new ConnectError("gateway shutting down", Code.Unavailable);
        }
        // A sloppy replay that repeats sequence 2: the client must drop it.
        yield { payload: { case: "event", value: { sequence: 2n, orderId: "a" } } };
        yield { payload: { case: "heartbeat", value: { lastSequence: 2n } } };
        yield { payload: { case: "event", value: { sequence: 3n, orderId: "a" } } };
        await untilCancelled(context);
      },
    });
    const seen: bigint[] = [];
    for await (const event of client.orderEvents({ heartbeatIntervalMs: 200 })) {
      seen.push(event.sequence);
      if (seen.length === 3) break;
    }
    assert.deepEqual(seen, [1n, 2n, 3n]);
    assert.deepEqual(calls, [
      { after: 0n, heartbeatMs: 200 },
      { after: 2n, heartbeatMs: 200 },
    ]);
  });

  test("fills follows StreamFills with the filters given", async () => {
    const client = await serve({
      async *streamFills(request, context) {
        assert.equal(request.account, "DU1");
        assert.equal(request.afterSequence, 10n);
        yield { payload: { case: "event", value: { sequence: 12n, kind: { case: "fill", value: { quantity: "5" } } } } };
        await untilCancelled(context);
      },
    });
    for await (const event of client.fills({ account: "DU1", afterSequence: 10 })) {
      assert.equal(event.sequence, 12n);
      assert.equal(event.kind.case === "fill" ? event.kind.value.quantity : "", "5");
      break;
    }
  });
});
