/**
 * The contract runner: its scenario helpers without a server, and, when
 * IBKR_GATEWAY_TARGET=host:port names a running gateway (sim backend), the runner itself,
 * which must pass the real scenarios and fail a copy with one wrong expectation.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import { asInteger, asText, atPath, expand, ScenarioFailed } from "../src/contract/scenario.js";

describe("scenario helpers", () => {
  test("expand replaces variables in strings, lists and keys", () => {
    const variables = new Map([
      ["run", "r1"],
      ["order", "o9"],
    ]);
    assert.deepEqual(expand({ "${order}": ["${run}-a", 3, true, null], n: "${run}${order}" }, variables), {
      o9: ["r1-a", 3, true, null],
      n: "r1o9",
    });
  });

  test("an unknown variable fails the scenario", () => {
    assert.throws(() => expand("${nope}", new Map()), ScenarioFailed);
  });

  test("atPath follows proto field names and fails on a missing one", () => {
    const document = { order: { spec: { quantity: "100" }, status: "ORDER_STATUS_FILLED" } };
    assert.equal(atPath(document, "order.spec.quantity"), "100");
    assert.throws(() => atPath(document, "order.spec.price"), /no field 'order.spec.price'/);
  });

  test("atPath picks an item of a repeated field by number and fails past its end", () => {
    const document = { positions: [{ quantity: "60" }, { quantity: "-5" }] };
    assert.equal(atPath(document, "positions.1.quantity"), "-5");
    assert.throws(() => atPath(document, "positions.2.quantity"), /no field 'positions.2.quantity'/);
    assert.throws(() => atPath({ positions: { x: 1 } }, "positions.0"), /no field 'positions.0'/);
  });

  test("asText compares like the reference runner", () => {
    assert.equal(asText("100"), "100");
    assert.equal(asText(true), "true");
    assert.equal(asText(false), "false");
    assert.equal(asText(42), "42");
    assert.equal(asInteger("17", "n"), 17);
    assert.equal(asInteger(3, "n"), 3);
    assert.throws(() => asInteger("x", "n"), ScenarioFailed);
  });
});

const target = process.env["IBKR_GATEWAY_TARGET"];
const runnerPath = fileURLToPath(new URL("../src/contract/runner.js", import.meta.url));
const scenariosPath = fileURLToPath(new URL("../../../../tests/contract/scenarios.json", import.meta.url));

function runRunner(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [runnerPath, ...args], { timeout: 120_000 }, (error, stdout) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout });
    });
  });
}

describe("contract runner against a live gateway", { skip: target ? false : "set IBKR_GATEWAY_TARGET=host:port" }, () => {
  test("passes every scenario", async () => {
    const scenarios = JSON.parse(await readFile(scenariosPath, "utf8")) as { scenarios: unknown[] };
    const { code, stdout } = await runRunner(["--target", target ?? ""]);
    assert.equal(code, 0, stdout);
    assert.equal(stdout.trim().split("\n").at(-1), `${scenarios.scenarios.length} passed, 0 failed`);
  });

  test("fails a scenario whose expected fill price is wrong", async () => {
    const suite = JSON.parse(await readFile(scenariosPath, "utf8")) as {
      scenarios: { name: string; steps: { op: string; expect_fills?: Record<string, { price?: string }[]> }[] }[];
    };
    const market = suite.scenarios.find((s) => s.name === "market_order_fills_with_a_fill_event");
    const fill = market?.steps.find((step) => step.expect_fills)?.expect_fills?.["${order}"]?.[0];
    assert.ok(fill, "the scenario expects a fill");
    fill.price = "101";
    const path = join(await mkdtemp(join(tmpdir(), "contract-")), "scenarios.json");
    await writeFile(path, JSON.stringify(suite));
    const { code, stdout } = await runRunner(["--target", target ?? "", "--scenarios", path, "--scenario", market?.name ?? ""]);
    assert.notEqual(code, 0);
    assert.match(stdout, /^FAIL market_order_fills_with_a_fill_event: step 1 \(events\): fill price of \S+: 100 != 101$/m);
    assert.match(stdout, /^0 passed, 1 failed$/m);
  });
});
