/**
 * The client's own TLS settings against an in-process gRPC server over TLS: a private CA,
 * the name on the server's certificate, and a client certificate for mutual TLS. The
 * certificates are made by openssl for each run.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createGatewayClient, type TlsOptions } from "../src/client.js";
import { UnavailableError } from "../src/errors.js";
import { OrderGatewayService } from "../src/gen/ibkr/gateway/v1/gateway_pb.js";

interface Pem {
  key: string;
  cert: string;
}

let dir = "";
let ca: Pem;
let server: Pem;
let clientCert: Pem;
let otherCa: Pem;

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

function makeCa(name: string): Pem {
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "2", "-subj", `/CN=${name}`);
  return { key: readFileSync(join(dir, `${name}.key`), "utf8"), cert: readFileSync(join(dir, `${name}.pem`), "utf8") };
}

function makeLeaf(name: string, altNames: string): Pem {
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${altNames}\n`);
  openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
  openssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
    "-out", `${name}.pem`, "-days", "2", "-extfile", `${name}.ext`);
  return { key: readFileSync(join(dir, `${name}.key`), "utf8"), cert: readFileSync(join(dir, `${name}.pem`), "utf8") };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "gateway-tls-"));
  otherCa = makeCa("other-ca");
  ca = makeCa("ca");
  // Only a DNS name: connecting to 127.0.0.1 needs serverName.
  server = makeLeaf("server", "DNS:gateway.test");
  clientCert = makeLeaf("client", "DNS:strategy.test");
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A TLS gRPC server answering GetKillSwitch; with mutual, it requires a client certificate. */
async function serve(mutual: boolean): Promise<{ port: number; close: () => Promise<void> }> {
  const secure = http2.createSecureServer(
    {
      key: server.key,
      cert: server.cert,
      ...(mutual ? { ca: ca.cert, requestCert: true, rejectUnauthorized: true } : {}),
    },
    connectNodeAdapter({
      routes: (router) => {
        router.service(OrderGatewayService, { getKillSwitch: () => ({ killSwitch: { engaged: true, reason: "tls" } }) });
      },
    }),
  );
  await new Promise<void>((resolve) => secure.listen(0, "127.0.0.1", resolve));
  const { port } = secure.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => secure.close(() => resolve())) };
}

async function killSwitchReason(port: number, tls: TlsOptions | undefined): Promise<string> {
  const client = createGatewayClient({
    baseUrl: `https://127.0.0.1:${port}`,
    connectTimeoutMs: 5000,
    retry: { maxAttempts: 1 },
    ...(tls ? { tls } : {}),
  });
  try {
    return (await client.getKillSwitch()).reason;
  } finally {
    client.close();
  }
}

describe("TLS", () => {
  test("a private CA and the name on the certificate get a call through", async () => {
    const { port, close } = await serve(false);
    try {
      assert.equal(await killSwitchReason(port, { ca: ca.cert, serverName: "gateway.test" }), "tls");
    } finally {
      await close();
    }
  });

  test("no call gets through without the CA, with another CA, or under another name", async () => {
    const { port, close } = await serve(false);
    try {
      for (const settings of [
        undefined,
        { ca: otherCa.cert, serverName: "gateway.test" },
        { ca: ca.cert, serverName: "other.test" },
        { ca: ca.cert },
      ]) {
        await assert.rejects(killSwitchReason(port, settings), UnavailableError, JSON.stringify(settings));
      }
    } finally {
      await close();
    }
  });

  test("mutual TLS: the client certificate is sent, and needed", async () => {
    const { port, close } = await serve(true);
    try {
      const settings = { ca: ca.cert, serverName: "gateway.test" };
      assert.equal(await killSwitchReason(port, { ...settings, cert: clientCert.cert, key: clientCert.key }), "tls");
      await assert.rejects(killSwitchReason(port, settings));
    } finally {
      await close();
    }
  });
});
