/**
 * GatewayClient's AccountService calls against an in-process gRPC server: decimal strings
 * pass through untouched, reads are retried on UNAVAILABLE.
 */
import assert from "node:assert/strict";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, describe, test } from "node:test";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createGatewayClient, type GatewayClient } from "../src/client.js";
import { UnavailableError } from "../src/errors.js";
import { AccountService } from "../src/gen/ibkr/gateway/v1/account_pb.js";

const servers: (() => Promise<void>)[] = [];
after(async () => {
  await Promise.all(servers.map((close) => close()));
});

async function serve(impl: Partial<ServiceImpl<typeof AccountService>>): Promise<GatewayClient> {
  const server = http2.createServer(
    connectNodeAdapter({
      routes: (router) => {
        router.service(AccountService, impl);
      },
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = createGatewayClient({ baseUrl: `http://127.0.0.1:${port}`, retry: { initialMs: 1, maxMs: 5 } });
  servers.push(async () => {
    client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return client;
}

describe("accounts", () => {
  test("listPositions passes the filter and retries UNAVAILABLE", async () => {
    const seen: string[] = [];
    const client = await serve({
      listPositions(request) {
        seen.push(`${request.account}/${request.symbol}/${request.includeClosed}`);
        if (seen.length < 2) {
          throw new ConnectError("restarting", Code.Unavailable);
        }
        return {
          positions: [{ account: "DU1", quantity: "60", averageCost: "100.01", realizedPnl: "398.6" }],
          lastSequence: 9n,
        };
      },
    });
    const listed = await client.listPositions({ account: "DU1", symbol: "AAPL", includeClosed: true });
    assert.deepEqual(seen, ["DU1/AAPL/true", "DU1/AAPL/true"]);
    assert.equal(listed.lastSequence, 9n);
    assert.equal(listed.positions[0]?.averageCost, "100.01");
  });

  test("getAccountSummary returns the summary of the account asked for", async () => {
    const client = await serve({
      getAccountSummary(request) {
        return { summary: { account: request.account, cash: "994398", buyingPower: "1995396" } };
      },
    });
    const summary = await client.getAccountSummary("DU1");
    assert.deepEqual([summary.account, summary.cash, summary.buyingPower], ["DU1", "994398", "1995396"]);
  });
});

describe("position stream", () => {
  test("positions() resumes after the last sequence seen when the call drops", { timeout: 10_000 }, async () => {
    const calls: string[] = [];
    const client = await serve({
      async *streamPositions(request) {
        calls.push(`${request.afterSequence}/${request.account}/${request.symbol}`);
        const after = Number(request.afterSequence);
        if (calls.length === 1) {
          for (const sequence of [after + 1, after + 2]) {
            yield { payload: { case: "event", value: { sequence: BigInt(sequence), position: { quantity: `${sequence}0` } } } };
          }
          throw new ConnectError("gateway restarting", Code.Unavailable);
        }
        // A replay overlapping what was delivered: the duplicate must be dropped.
        for (const sequence of [after, after + 1]) {
          yield { payload: { case: "event", value: { sequence: BigInt(sequence), position: { quantity: `${sequence}0` } } } };
        }
        await new Promise(() => undefined);
      },
    });
    const seen: string[] = [];
    const stream = client.positions({
      afterSequence: 4,
      account: "DU1",
      symbol: "AAPL",
      backoff: { initialMs: 1, maxMs: 2 },
    });
    for await (const event of stream) {
      seen.push(`${event.sequence}:${event.position?.quantity}`);
      if (seen.length === 3) break;
    }
    assert.deepEqual(seen, ["5:50", "6:60", "7:70"]);
    assert.deepEqual(calls, ["4/DU1/AAPL", "6/DU1/AAPL"]);
    assert.equal(stream.lastSequence, 7n);
  });

  test("positions() gives up after the reconnect limit with the last error", { timeout: 10_000 }, async () => {
    let calls = 0;
    const client = await serve({
      // eslint-disable-next-line require-yield
      async *streamPositions() {
        calls += 1;
        throw new ConnectError("gateway gone", Code.Unavailable);
      },
    });
    const retries: number[] = [];
    const stream = client.positions({
      maxReconnects: 2,
      backoff: { initialMs: 1, maxMs: 2 },
      onRetry: (info) => retries.push(info.attempt),
    });
    await assert.rejects(async () => {
      for await (const _event of stream) {
        assert.fail("no event was sent");
      }
    }, UnavailableError);
    assert.equal(calls, 3);
    assert.deepEqual(retries, [1, 2]);
  });
});
