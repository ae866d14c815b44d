/**
 * Executes contract-suite scenarios against a gateway, step by step, with the semantics of
 * tests/contract/README.md (the Python runner tests/contract/runner.py is the reference).
 *
 * Unary calls go through the transport with the method descriptor looked up by name, so
 * any RPC in scenarios.json works without a table here; errors are decoded by the client's
 * toGatewayError. Streams are read raw (no resume logic): the suite tests the server.
 */
import {
  createRegistry,
  fromJson,
  toJson,
  type DescMessage,
  type DescMethod,
  type DescMethodUnary,
  type DescService,
  type JsonObject,
  type JsonValue,
  type MessageShape,
} from "@bufbuild/protobuf";
import { createClient, type Client, type Transport } from "@connectrpc/connect";
import { statusError, toGatewayError, type GatewayError } from "../errors.js";
import { StatusSchema } from "../gen/google/rpc/status_pb.js";
import { BadRequestSchema, ErrorInfoSchema } from "../google-rpc.js";
import { AccountService } from "../gen/ibkr/gateway/v1/account_pb.js";
import { OrderEventSchema } from "../gen/ibkr/gateway/v1/events_pb.js";
import { OrderGatewayService } from "../gen/ibkr/gateway/v1/gateway_pb.js";
import { SimulatorControlService } from "../gen/ibkr/gateway/v1/simulator_pb.js";
import {
  arrayAt,
  asInteger,
  asString,
  asText,
  atPath,
  expand,
  isObject,
  objectAt,
  ScenarioFailed,
} from "./scenario.js";

/** Each step must finish within this, as in the reference runner. */
export const STEP_TIMEOUT_MS = 10_000;

/**
 * Responses as protobuf JSON with proto field names and every implicit field present; the
 * registry lets the google.rpc.Status of a SubmitOrders item print its details.
 */
const JSON_OPTIONS = {
  useProtoFieldName: true,
  alwaysEmitImplicit: true,
  registry: createRegistry(ErrorInfoSchema, BadRequestSchema),
} as const;

const SERVICES: Readonly<Record<string, DescService>> = {
  gateway: OrderGatewayService,
  simulator: SimulatorControlService,
  account: AccountService,
};

const EVENT_KINDS = ["status_change", "fill", "cancel", "modification"] as const;

type Variables = Map<string, string>;

/** What the position resume compares of each StreamPositions event. */
interface PositionChange {
  sequence: number;
  quantity: string;
  previousQuantity: string;
  orderId: string;
}

export class Runner {
  readonly #transport: Transport;
  readonly #gateway: Client<typeof OrderGatewayService>;
  readonly #account: Client<typeof AccountService>;

  constructor(transport: Transport) {
    this.#transport = transport;
    this.#gateway = createClient(OrderGatewayService, transport);
    this.#account = createClient(AccountService, transport);
  }

  /** Runs every step of one scenario; throws ScenarioFailed naming the failing step. */
  async run(scenario: JsonObject, runId: string): Promise<void> {
    const variables: Variables = new Map([["run", runId]]);
    const steps = arrayAt(scenario, "steps");
    for (const [index, rawStep] of steps.entries()) {
      const op = isObject(rawStep) ? String(rawStep["op"]) : "?";
      try {
        const step = expand(rawStep, variables);
        if (!isObject(step)) {
          throw new ScenarioFailed("a step must be an object");
        }
        await withTimeout(STEP_TIMEOUT_MS, (signal) => this.#step(step, variables, signal));
      } catch (error) {
        if (error instanceof StepTimedOut) {
          throw new ScenarioFailed(`step ${index} (${op}) timed out`);
        }
        const message = error instanceof Error ? error.message : String(error);
        throw new ScenarioFailed(`step ${index} (${op}): ${message}`);
      }
    }
  }

  async #step(step: JsonObject, variables: Variables, signal: AbortSignal): Promise<void> {
    const op = step["op"];
    switch (op) {
      case "call":
        return this.#call(step, variables, signal);
      case "events":
        return this.#events(step, variables, signal);
      case "resume":
        return this.#resume(step, signal);
      case "position_resume":
        return this.#positionResume(step, signal);
      default:
        throw new ScenarioFailed(`unknown op ${JSON.stringify(op)}`);
    }
  }

  async #call(step: JsonObject, variables: Variables, signal: AbortSignal): Promise<void> {
    const serviceName = asString(step["service"] ?? "gateway", "service");
    const service = SERVICES[serviceName];
    if (service === undefined) {
      throw new ScenarioFailed(`unknown service '${serviceName}'`);
    }
    const name = asString(step["method"], "method");
    const method = service.methods.find((m) => m.name === name);
    if (method === undefined || !isUnary(method)) {
      throw new ScenarioFailed(`${service.typeName} has no unary method '${name}'`);
    }
    const request = parseRequest(method.input, step["request"] ?? {});
    const expect = objectAt(step, "expect", {});
    let document: JsonValue;
    try {
      const response = await this.#transport.unary(method, signal, undefined, undefined, request);
      document = toJson(method.output, response.message, JSON_OPTIONS);
    } catch (thrown) {
      if (signal.aborted) {
        throw thrown;
      }
      const error = toGatewayError(thrown);
      if (!("error" in expect)) {
        throw new ScenarioFailed(`${name} failed: ${error.codeName} ${error.rawMessage}`);
      }
      checkError(error, objectAt(expect, "error"));
      return;
    }
    if ("error" in expect) {
      const want = objectAt(expect, "error");
      throw new ScenarioFailed(`${name} succeeded; expected ${asText(want["code"] ?? null)}`);
    }
    for (const [path, want] of Object.entries(objectAt(expect, "fields", {}))) {
      const got = asText(atPath(document, path));
      if (got !== want) {
        throw new ScenarioFailed(`${name}: ${path} is '${got}', expected '${asText(want ?? null)}'`);
      }
    }
    for (const [path, want] of Object.entries(objectAt(expect, "counts", {}))) {
      const items = atPath(document, path);
      const count = Array.isArray(items) ? items.length : NaN;
      if (count !== want) {
        throw new ScenarioFailed(`${name}: ${path} has ${count} items, not ${asText(want ?? null)}`);
      }
    }
    for (const [path, want] of Object.entries(objectAt(expect, "statuses", {}))) {
      try {
        const status = fromJson(StatusSchema, atPath(document, path), { registry: JSON_OPTIONS.registry });
        checkStatus(statusError(status), isObject(want) ? want : {});
      } catch (failed) {
        throw new ScenarioFailed(`${path}: ${failed instanceof Error ? failed.message : String(failed)}`);
      }
    }
    for (const [variable, path] of Object.entries(objectAt(step, "save", {}))) {
      variables.set(variable, asText(atPath(document, asString(path, "save path"))));
    }
  }

  async #events(step: JsonObject, variables: Variables, signal: AbortSignal): Promise<void> {
    const wanted = new Set(arrayAt(step, "orders").map((id) => asString(id, "order id")));
    const until = Object.entries(objectAt(step, "until")).map(
      ([orderId, status]) => [orderId, asString(status, "status")] as const,
    );
    const kept: JsonObject[] = [];
    const done = (): boolean =>
      until.every(([orderId, status]) =>
        kept.some((event) => event["order_id"] === orderId && statusOf(event) === status),
      );
    await this.#read(0, signal, (event) => {
      if (wanted.has(asString(event["order_id"], "order_id"))) {
        kept.push(event);
      }
      return done();
    });
    for (const [orderId, kinds] of Object.entries(objectAt(step, "expect_kinds", {}))) {
      const got = kept
        .filter((event) => event["order_id"] === orderId)
        .map((event) => `${kindOf(event)}:${statusOf(event).replace(/^ORDER_STATUS_/, "")}`);
      const want = Array.isArray(kinds) ? kinds.map((kind) => asText(kind)) : [];
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        throw new ScenarioFailed(`events of ${orderId}: ${JSON.stringify(got)}, expected ${JSON.stringify(kinds)}`);
      }
    }
    for (const [orderId, fills] of Object.entries(objectAt(step, "expect_fills", {}))) {
      const want = Array.isArray(fills) ? fills : [];
      const got = kept.filter((event) => event["order_id"] === orderId && "fill" in event).map((event) => objectAt(event, "fill"));
      if (got.length !== want.length) {
        throw new ScenarioFailed(`${orderId} has ${got.length} fills, expected ${want.length}`);
      }
      for (const [index, wantFill] of want.entries()) {
        const gotFill = got[index] ?? {};
        for (const [key, value] of Object.entries(isObject(wantFill) ? wantFill : {})) {
          const gotValue = asText(atPath(gotFill, key));
          if (gotValue !== value) {
            throw new ScenarioFailed(`fill ${key} of ${orderId}: ${gotValue} != ${asText(value ?? null)}`);
          }
        }
      }
    }
    const saveAs = step["save_last_sequence"];
    if (saveAs !== undefined) {
      if (kept.length === 0) {
        throw new ScenarioFailed("no event kept to take the last sequence from");
      }
      const last = kept.map((event) => BigInt(asString(event["sequence"], "sequence"))).reduce((a, b) => (a > b ? a : b));
      variables.set(asString(saveAs, "save_last_sequence"), last.toString());
    }
  }

  async #resume(step: JsonObject, signal: AbortSignal): Promise<void> {
    const dropAfter = asInteger(step["drop_after"], "drop_after");
    const until = asInteger(step["until_sequence"], "until_sequence");
    const sequences: number[] = [];
    const keep = (event: JsonObject): void => {
      sequences.push(asInteger(event["sequence"], "sequence"));
    };
    await this.#read(0, signal, (event) => {
      keep(event);
      return sequences.length >= dropAfter;
    });
    await this.#read(sequences.at(-1) ?? 0, signal, (event) => {
      keep(event);
      return (sequences.at(-1) ?? 0) >= until;
    });
    // Exactly what one uninterrupted call reads: position changes between order events
    // leave gaps in the numbers, never in the feed.
    const whole: number[] = [];
    await this.#read(0, signal, (event) => {
      whole.push(asInteger(event["sequence"], "sequence"));
      return (whole.at(-1) ?? 0) >= until;
    });
    if (JSON.stringify(sequences) !== JSON.stringify(whole)) {
      throw new ScenarioFailed(
        `resumed sequences ${JSON.stringify(sequences)} differ from one read ${JSON.stringify(whole)}`,
      );
    }
  }

  async #positionResume(step: JsonObject, signal: AbortSignal): Promise<void> {
    const symbol = asString(step["symbol"], "symbol");
    const start = asInteger(step["after_sequence"] ?? 0, "after_sequence");
    const dropAfter = asInteger(step["drop_after"], "drop_after");
    const wantOrders = arrayAt(step, "expect_orders").map((id) => asString(id, "order id"));
    const count = wantOrders.length;
    const resumed: PositionChange[] = [];
    await this.#readPositions(symbol, start, signal, resumed, () => resumed.length >= dropAfter);
    await this.#readPositions(symbol, resumed.at(-1)?.sequence ?? start, signal, resumed, () => resumed.length >= count);
    const whole: PositionChange[] = [];
    await this.#readPositions(symbol, start, signal, whole, () => whole.length >= count);
    const seen = (changes: PositionChange[]): string =>
      JSON.stringify(changes.map((c) => [c.sequence, c.quantity]));
    if (seen(resumed) !== seen(whole)) {
      throw new ScenarioFailed(`resumed position events ${seen(resumed)} differ from one read ${seen(whole)}`);
    }
    for (const [index, change] of whole.entries()) {
      const before = whole[index - 1];
      if (before !== undefined && change.previousQuantity !== before.quantity) {
        throw new ScenarioFailed(
          `event ${change.sequence} was '${change.previousQuantity}' before, not '${before.quantity}'`,
        );
      }
    }
    const gotOrders = whole.map((c) => c.orderId);
    if (JSON.stringify(gotOrders) !== JSON.stringify(wantOrders)) {
      throw new ScenarioFailed(
        `position events of orders ${JSON.stringify(gotOrders)}, expected ${JSON.stringify(wantOrders)}`,
      );
    }
    const wantLast = step["expect_last_quantity"];
    const last = whole.at(-1)?.quantity;
    if (wantLast !== undefined && last !== asText(wantLast)) {
      throw new ScenarioFailed(`last quantity '${last}', expected '${asText(wantLast)}'`);
    }
  }

  /** Reads StreamPositions of symbol after `after` into out until done. */
  async #readPositions(
    symbol: string,
    after: number,
    signal: AbortSignal,
    out: PositionChange[],
    done: () => boolean,
  ): Promise<void> {
    const call = new AbortController();
    const stop = (): void => call.abort();
    signal.addEventListener("abort", stop, { once: true });
    try {
      const stream = this.#account.streamPositions({ afterSequence: BigInt(after), symbol }, { signal: call.signal });
      for await (const message of stream) {
        if (message.payload.case === "event") {
          const event = message.payload.value;
          out.push({
            sequence: Number(event.sequence),
            quantity: event.position?.quantity ?? "",
            previousQuantity: event.previousQuantity,
            orderId: event.orderId,
          });
          if (done()) {
            return;
          }
        }
      }
    } finally {
      signal.removeEventListener("abort", stop);
      call.abort();
    }
    throw new ScenarioFailed("position stream ended early");
  }

  /**
   * Reads StreamOrderEvents after `after`, skipping heartbeats, handing each event (as
   * protobuf JSON) to onEvent until it returns true; then cancels the call.
   */
  async #read(after: number, signal: AbortSignal, onEvent: (event: JsonObject) => boolean): Promise<void> {
    const call = new AbortController();
    const stop = (): void => call.abort();
    signal.addEventListener("abort", stop, { once: true });
    try {
      const stream = this.#gateway.streamOrderEvents({ afterSequence: BigInt(after) }, { signal: call.signal });
      for await (const message of stream) {
        if (message.payload.case === "event") {
          const event = toJson(OrderEventSchema, message.payload.value, JSON_OPTIONS);
          if (onEvent(event as JsonObject)) {
            return;
          }
        }
      }
    } finally {
      signal.removeEventListener("abort", stop);
      call.abort();
    }
    throw new ScenarioFailed("stream ended early");
  }
}

function parseRequest(schema: DescMessage, json: JsonValue): MessageShape<DescMessage> {
  try {
    return fromJson(schema, json);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ScenarioFailed(`request is not a valid ${schema.typeName}: ${message}`);
  }
}

/** DescMethod is not a union narrowed by methodKind, hence the guard. */
function isUnary(method: DescMethod): method is DescMethodUnary {
  return method.methodKind === "unary";
}

function checkError(error: GatewayError, want: JsonObject): void {
  // The reference runner insists on a google.rpc.Status, even when nothing is asked of it.
  if (error.codeName === want["code"] && !error.trailers.has("grpc-status-details-bin")) {
    throw new ScenarioFailed("error carries no google.rpc.Status details");
  }
  checkStatus(error, want);
}

/** The checks of `expect.error`, also those of an item's status (`expect.statuses`). */
function checkStatus(error: GatewayError, want: JsonObject): void {
  const code = asString(want["code"], "error code");
  if (error.codeName !== code) {
    throw new ScenarioFailed(`status ${error.codeName} (${error.rawMessage}), not ${code}`);
  }
  if ("reason" in want && error.reason !== want["reason"]) {
    throw new ScenarioFailed(`reason '${error.reason}', expected '${asText(want["reason"] ?? null)}'`);
  }
  const fields = new Set(error.fieldViolations.map((v) => v.field));
  const missing = (Array.isArray(want["field_violations"]) ? want["field_violations"] : [])
    .map((field) => asString(field, "field violation"))
    .filter((field) => !fields.has(field))
    .sort();
  if (missing.length > 0) {
    throw new ScenarioFailed(`no field violation for ${JSON.stringify(missing)}; got ${JSON.stringify([...fields].sort())}`);
  }
}

function statusOf(event: JsonObject): string {
  return asText(atPath(event, "order.status"));
}

function kindOf(event: JsonObject): string {
  const kind = EVENT_KINDS.find((name) => name in event);
  if (kind === undefined) {
    throw new ScenarioFailed(`event ${asText(event["sequence"] ?? null)} has no kind`);
  }
  return kind;
}

class StepTimedOut extends Error {}

/**
 * Runs work with a signal that aborts after ms. The race also covers work that would
 * ignore the signal, so no step can hang the runner.
 */
async function withTimeout(ms: number, work: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new StepTimedOut());
    }, ms);
  });
  try {
    await Promise.race([work(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
