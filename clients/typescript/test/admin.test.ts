/**
 * GatewayClient's preview, kill switch and audit calls, and its bearer token, against an
 * in-process gRPC server.
 */
import assert from "node:assert/strict";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, describe, test } from "node:test";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createGatewayClient, type GatewayClient, type GatewayClientOptions } from "../src/client.js";
import { PermissionDeniedError, UnauthenticatedError } from "../src/errors.js";
import { AccountService } from "../src/gen/ibkr/gateway/v1/account_pb.js";
import { OrderGatewayService } from "../src/gen/ibkr/gateway/v1/gateway_pb.js";
import { Side } from "../src/gen/ibkr/gateway/v1/orders_pb.js";

const servers: (() => Promise<void>)[] = [];
after(async () => {
  await Promise.all(servers.map((close) => close()));
});

interface Served {
  client: GatewayClient;
  /** The authorization header of every call the server received, in order. */
  authorizations: (string | null)[];
}

async function serve(
  gateway: Partial<ServiceImpl<typeof OrderGatewayService>>,
  options: Partial<GatewayClientOptions> = {},
  accounts: Partial<ServiceImpl<typeof AccountService>> = {},
): Promise<Served> {
  const authorizations: (string | null)[] = [];
  const server = http2.createServer(
    connectNodeAdapter({
      routes: (router) => {
        router.service(OrderGatewayService, gateway);
        router.service(AccountService, accounts);
      },
      interceptors: [
        (next) => (request) => {
          authorizations.push(request.header.get("authorization"));
          return next(request);
        },
      ],
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = createGatewayClient({
    baseUrl: `http://127.0.0.1:${port}`,
    retry: { initialMs: 1, maxMs: 5 },
    ...options,
  });
  servers.push(async () => {
    client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { client, authorizations };
}

describe("preview", () => {
  test("previewOrder sends the spec and retries UNAVAILABLE, nothing being placed", async () => {
    const seen: string[] = [];
    const { client } = await serve({
      previewOrder(request) {
        seen.push(`${request.order?.contract?.symbol}/${request.order?.quantity}`);
        if (seen.length < 2) {
          throw new ConnectError("restarting", Code.Unavailable);
        }
        return {
          order: request.order,
          estimatedPrice: "110",
          estimatedCommission: "1",
          positionBefore: "60",
          positionAfter: "20",
          breaches: [{ reason: "RISK_MAX_POSITION", metadata: { limit: "50" } }],
        };
      },
    });
    const preview = await client.previewOrder({ contract: { symbol: "AAPL" }, side: Side.SELL, quantity: "40" });
    assert.deepEqual(seen, ["AAPL/40", "AAPL/40"]);
    assert.deepEqual(
      [preview.estimatedPrice, preview.estimatedCommission, preview.positionBefore, preview.positionAfter],
      ["110", "1", "60", "20"],
    );
    assert.equal(preview.breaches[0]?.metadata["limit"], "50");
  });
});

describe("kill switch and audit", () => {
  test("setKillSwitch is sent once, even on UNAVAILABLE", async () => {
    const seen: string[] = [];
    const { client } = await serve({
      setKillSwitch(request) {
        seen.push(`${request.engaged}/${request.reason}/${request.accounts.join(",")}`);
        throw new ConnectError("restarting", Code.Unavailable);
      },
    });
    await assert.rejects(client.setKillSwitch({ engaged: true, reason: "drill", accounts: ["DU1"] }));
    assert.deepEqual(seen, ["true/drill/DU1"]);
  });

  test("setKillSwitch returns the switch and the cancelled orders; getKillSwitch is retried", async () => {
    let gets = 0;
    const { client } = await serve({
      setKillSwitch(request) {
        return {
          killSwitch: { engaged: request.engaged, reason: request.reason, setBy: "ops" },
          cancelledOrders: [{ orderId: "o1" }],
        };
      },
      getKillSwitch() {
        gets += 1;
        if (gets < 2) {
          throw new ConnectError("restarting", Code.Unavailable);
        }
        return { killSwitch: { engaged: true, reason: "drill" } };
      },
    });
    const set = await client.setKillSwitch({ engaged: true, reason: "drill" });
    assert.deepEqual([set.killSwitch?.engaged, set.killSwitch?.setBy, set.cancelledOrders[0]?.orderId], [true, "ops", "o1"]);
    const now = await client.getKillSwitch();
    assert.deepEqual([now.engaged, now.reason, gets], [true, "drill", 2]);
  });

  test("listAuditRecords follows the pages to the end", async () => {
    const tokens: string[] = [];
    const { client } = await serve({
      listAuditRecords(request) {
        tokens.push(`${request.pageSize}:${request.pageToken}`);
        return request.pageToken === ""
          ? { records: [{ id: 1n }, { id: 2n }], nextPageToken: "p2" }
          : { records: [{ id: 3n }], nextPageToken: "" };
      },
    });
    const ids: bigint[] = [];
    for await (const record of client.listAuditRecords({ pageSize: 2 })) {
      ids.push(record.id);
    }
    assert.deepEqual(ids, [1n, 2n, 3n]);
    assert.deepEqual(tokens, ["2:", "2:p2"]);
  });
});

describe("token", () => {
  test("every call carries the bearer token: unary, stream and raw", async () => {
    const { client, authorizations } = await serve(
      { getKillSwitch: () => ({ killSwitch: {} }) },
      { token: "s3cret" },
      {
        async *streamPositions() {
          yield { payload: { case: "event", value: { sequence: 1n } } };
        },
      },
    );
    await client.getKillSwitch();
    await client.raw.gateway.getKillSwitch({});
    for await (const _event of client.positions()) {
      break;
    }
    assert.deepEqual(authorizations, ["Bearer s3cret", "Bearer s3cret", "Bearer s3cret"]);
  });

  test("without a token no authorization header is sent", async () => {
    const { client, authorizations } = await serve({ getKillSwitch: () => ({ killSwitch: {} }) });
    await client.getKillSwitch();
    assert.deepEqual(authorizations, [null]);
  });

  test("a token that cannot be a header value is refused at construction", () => {
    assert.throws(() => createGatewayClient({ baseUrl: "http://127.0.0.1:1", token: "a b" }), TypeError);
    assert.throws(() => createGatewayClient({ baseUrl: "http://127.0.0.1:1", token: "a\nb" }), TypeError);
  });

  test("a refused token is an UnauthenticatedError, a forbidden call a PermissionDeniedError", async () => {
    const { client } = await serve({
      getKillSwitch: () => {
        throw new ConnectError("unknown token", Code.Unauthenticated);
      },
      setKillSwitch: () => {
        throw new ConnectError("needs the admin scope", Code.PermissionDenied);
      },
    });
    await assert.rejects(client.getKillSwitch(), UnauthenticatedError);
    await assert.rejects(client.setKillSwitch({ engaged: true }), PermissionDeniedError);
  });
});
