/**
 * TypeScript runner of the contract suite:
 *
 *   node clients/typescript/dist/contract/runner.js --target 127.0.0.1:PORT
 *     [--scenarios PATH] [--scenario NAME]
 *
 * Runs every scenario of tests/contract/scenarios.json against the gateway at --target,
 * prints one line per scenario, then "N passed, M failed"; exits non-zero on any failure
 * (or when nothing passed).
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Http2SessionManager, createGrpcTransport } from "@connectrpc/connect-node";
import { arrayAt, asString, isObject, ScenarioFailed } from "./scenario.js";
import { Runner } from "./steps.js";
import type { JsonValue } from "@bufbuild/protobuf";

const SCENARIOS = join("tests", "contract", "scenarios.json");

/**
 * The suite's scenarios.json: found by walking up from this file to the repository root,
 * so the runner works from any working directory and from dist/ or dist-test/ alike.
 */
function defaultScenarios(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, SCENARIOS);
    if (existsSync(candidate)) {
      return candidate;
    }
    const parent = dirname(directory);
    if (parent === directory) {
      throw new Error(`cannot find ${SCENARIOS} above ${fileURLToPath(import.meta.url)}; pass --scenarios`);
    }
    directory = parent;
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: "string" },
      scenarios: { type: "string" },
      scenario: { type: "string" },
    },
  });
  if (values.target === undefined) {
    console.error("usage: runner.js --target HOST:PORT [--scenarios PATH] [--scenario NAME]");
    return 2;
  }
  const path = values.scenarios !== undefined ? resolve(values.scenarios) : defaultScenarios();
  const suite = JSON.parse(readFileSync(path, "utf8")) as JsonValue;
  if (!isObject(suite)) {
    throw new Error(`${path}: not a scenario file`);
  }
  const runId = `ts-${randomUUID().replaceAll("-", "").slice(0, 8)}`;
  const session = new Http2SessionManager(`http://${values.target}`);
  const runner = new Runner(createGrpcTransport({ baseUrl: `http://${values.target}`, sessionManager: session }));
  let passed = 0;
  let failed = 0;
  try {
    for (const scenario of arrayAt(suite, "scenarios")) {
      if (!isObject(scenario)) {
        throw new Error(`${path}: a scenario must be an object`);
      }
      const name = asString(scenario["name"], "scenario name");
      if (values.scenario !== undefined && name !== values.scenario) {
        continue;
      }
      try {
        await runner.run(scenario, `${runId}-${passed + failed}`);
        passed += 1;
        console.log(`ok   ${name}`);
      } catch (error) {
        failed += 1;
        const message = error instanceof ScenarioFailed || error instanceof Error ? error.message : String(error);
        console.log(`FAIL ${name}: ${message}`);
      }
    }
  } finally {
    session.abort();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
