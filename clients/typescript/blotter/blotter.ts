/**
 * The live blotter the gateway serves at / of --http-listen: working and recent orders,
 * fills, the stream's connection and the kill switch, with cancel buttons and a
 * kill-switch toggle for tokens whose scopes allow them.
 *
 * Orders and fills come from one StreamOrderEvents call, positions from one
 * StreamPositions call, each replayed from the start of the journal; after a drop each
 * resumes after the last sequence it saw (the client's ResumableStream), so no event is
 * missed or applied twice.
 */
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { toGatewayError } from "../src/errors.js";
import {
  AccountService,
  PositionChangeCause,
  type Position,
  type PositionEvent,
} from "../src/gen/ibkr/gateway/v1/account_pb.js";
import type { OrderEvent } from "../src/gen/ibkr/gateway/v1/events_pb.js";
import { OrderGatewayService, type KillSwitch } from "../src/gen/ibkr/gateway/v1/gateway_pb.js";
import {
  OrderStatus,
  OrderType,
  Side,
  type Fill,
  type Order,
} from "../src/gen/ibkr/gateway/v1/orders_pb.js";
import { ResumableStream, type Sequenced, type StreamMessage } from "../src/resume.js";

const RECENT_ORDERS = 50;
const RECENT_FILLS = 100;
const KILL_SWITCH_POLL_MS = 3000;
// Two heartbeat intervals without anything arriving and the stream is taken for dead.
const HEARTBEAT_SECONDS = 5n;
const STALL_MS = 12_000;
const FINAL = new Set([OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED]);
const WRITE = "orders:write";
const ADMIN = "admin";

interface Caller {
  name: string;
  scopes: string[];
  accounts: string[];
}

type Gateway = Client<typeof OrderGatewayService>;
type Accounts = Client<typeof AccountService>;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) {
    throw new Error(`the page lacks #${id}`);
  }
  return found as T;
}

function cell(row: HTMLTableRowElement, text: string, className = ""): HTMLTableCellElement {
  const td = row.insertCell();
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  return td;
}

function clock(time: Timestamp | undefined): string {
  return time ? timestampDate(time).toISOString().slice(11, 19) : "";
}

function statusName(status: OrderStatus): string {
  return OrderStatus[status] ?? String(status);
}

/** The order's prices as a trader reads them: "187.25", "stop 180", "181 stop 180". */
function prices(order: Order): string {
  const spec = order.spec;
  const parts = [spec?.limitPrice ?? "", spec?.stopPrice ? `stop ${spec.stopPrice}` : ""];
  return parts.filter(Boolean).join(" ");
}

/** One row per account and contract: the contract id when IB gave one, else its symbol. */
function positionKey(position: Position): string {
  const contract = position.contract;
  return `${position.account}\u0000${contract?.conId || contract?.symbol || ""}`;
}

function causeName(cause: PositionChangeCause): string {
  return (PositionChangeCause[cause] ?? String(cause)).toLowerCase();
}

class Blotter {
  readonly working = new Map<string, Order>();
  // The latest state of every position, closed ones included (they keep their P&L).
  readonly positions = new Map<string, { position: Position; cause: PositionChangeCause }>();
  // Finished orders, oldest first; only the latest RECENT_ORDERS are kept.
  readonly recent = new Map<string, Order>();
  readonly fills: Fill[] = [];
  lastSequence = 0n;
  killSwitch: KillSwitch | undefined;
  caller: Caller | undefined;
  link = "connecting";
  linkState: "live" | "down" | "waiting" = "waiting";
  notice = "";
  #frame = 0;

  apply(event: OrderEvent): void {
    this.lastSequence = event.sequence;
    const order = event.order;
    if (order) {
      if (FINAL.has(order.status)) {
        this.working.delete(order.orderId);
        this.recent.delete(order.orderId);
        this.recent.set(order.orderId, order);
        for (const id of this.recent.keys()) {
          if (this.recent.size <= RECENT_ORDERS) {
            break;
          }
          this.recent.delete(id);
        }
      } else if (!this.recent.has(order.orderId)) {
        // A final order never works again: a late event cannot bring it back.
        this.working.set(order.orderId, order);
      }
    }
    if (event.kind.case === "fill") {
      this.fills.unshift(event.kind.value);
      this.fills.length = Math.min(this.fills.length, RECENT_FILLS);
    }
    this.changed();
  }

  applyPosition(event: PositionEvent): void {
    if (event.position) {
      this.positions.set(positionKey(event.position), { position: event.position, cause: event.cause });
      this.changed();
    }
  }

  clear(): void {
    this.working.clear();
    this.recent.clear();
    this.positions.clear();
    this.fills.length = 0;
    this.lastSequence = 0n;
    this.killSwitch = undefined;
    this.changed();
  }

  can(scope: string): boolean {
    const scopes = this.caller?.scopes ?? [];
    return scopes.includes(scope) || scopes.includes(ADMIN);
  }

  /** Renders at most once a frame, however many events arrive. */
  changed(): void {
    if (!this.#frame) {
      this.#frame = requestAnimationFrame(() => {
        this.#frame = 0;
        render(this);
      });
    }
  }
}

function renderOrders(table: HTMLTableElement, orders: Order[], cancellable: boolean): void {
  const body = table.tBodies[0] ?? table.createTBody();
  body.replaceChildren();
  for (const order of orders) {
    const spec = order.spec;
    const row = body.insertRow();
    row.dataset["orderId"] = order.orderId;
    row.dataset["clientOrderId"] = spec?.clientOrderId ?? "";
    cell(row, clock(order.updateTime));
    cell(row, spec?.clientOrderId ?? "", "id");
    cell(row, spec?.account ?? "");
    cell(row, spec ? Side[spec.side] ?? "" : "", "side");
    cell(row, spec?.quantity ?? "", "num");
    cell(row, spec?.contract?.symbol ?? "");
    cell(row, spec ? (OrderType[spec.orderType] ?? "").replaceAll("_", " ") : "");
    cell(row, prices(order), "num");
    cell(row, statusName(order.status), `status status-${statusName(order.status).toLowerCase()}`);
    cell(row, order.filledQuantity, "num filled");
    cell(row, order.averageFillPrice, "num");
    const action = cell(row, "");
    if (cancellable) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "cancel";
      button.dataset["orderId"] = order.orderId;
      button.textContent = "Cancel";
      action.append(button);
    }
    row.title = order.statusReason || order.orderId;
  }
}

function renderFills(table: HTMLTableElement, fills: Fill[]): void {
  const body = table.tBodies[0] ?? table.createTBody();
  body.replaceChildren();
  for (const fill of fills) {
    const row = body.insertRow();
    row.dataset["executionId"] = fill.executionId;
    row.dataset["orderId"] = fill.orderId;
    row.dataset["clientOrderId"] = fill.clientOrderId;
    cell(row, clock(fill.time));
    cell(row, fill.clientOrderId, "id");
    cell(row, fill.account);
    cell(row, Side[fill.side] ?? "", "side");
    cell(row, fill.quantity, "num");
    cell(row, fill.symbol);
    cell(row, fill.price, "num");
    cell(row, fill.commission ? `${fill.commission} ${fill.commissionCurrency}` : "", "num");
    cell(row, fill.executionId, "id");
  }
}

function renderPositions(table: HTMLTableElement, state: Blotter): void {
  const body = table.tBodies[0] ?? table.createTBody();
  body.replaceChildren();
  const rows = [...state.positions.values()].sort(
    (a, b) =>
      a.position.account.localeCompare(b.position.account) ||
      (a.position.contract?.symbol ?? "").localeCompare(b.position.contract?.symbol ?? ""),
  );
  for (const { position, cause } of rows) {
    const row = body.insertRow();
    row.dataset["account"] = position.account;
    row.dataset["symbol"] = position.contract?.symbol ?? "";
    if (position.quantity === "0") {
      row.className = "closed";
    }
    cell(row, clock(position.updateTime));
    cell(row, position.account);
    cell(row, position.contract?.symbol ?? "");
    cell(row, position.quantity, "num quantity");
    cell(row, position.averagePrice, "num");
    cell(row, position.averageCost, "num");
    cell(row, position.realizedPnl, "num realized");
    cell(row, position.commissions, "num");
    cell(row, causeName(cause), "cause");
  }
}

function renderKillSwitch(state: Blotter): void {
  const badge = element("kill");
  const toggle = element<HTMLButtonElement>("kill-toggle");
  const detail = element("kill-detail");
  const kill = state.killSwitch;
  const halted = kill?.haltedAccounts.map((h) => h.account) ?? [];
  if (!kill) {
    badge.textContent = "kill switch: unknown";
    badge.className = "badge";
  } else if (kill.engaged || halted.length) {
    badge.textContent = kill.engaged ? "kill switch: ENGAGED" : `halted: ${halted.join(", ")}`;
    badge.className = "badge bad";
  } else {
    badge.textContent = "kill switch: released";
    badge.className = "badge good";
  }
  const engaged = Boolean(kill?.engaged || halted.length);
  detail.textContent = kill && engaged ? `${kill.reason || "no reason given"} (by ${kill.setBy || "?"}, ${clock(kill.setTime)} UTC)` : "";
  toggle.hidden = !kill || !state.can(ADMIN);
  element("kill-reason").hidden = toggle.hidden || engaged;
  if (toggle.dataset["confirm"] !== "1") {
    toggle.textContent = engaged ? "Release kill switch" : "Engage kill switch";
  }
  toggle.dataset["engaged"] = engaged ? "1" : "0";
}

function render(state: Blotter): void {
  const link = element("link");
  link.textContent = state.link;
  link.className = `badge ${state.linkState === "live" ? "good" : state.linkState === "down" ? "bad" : ""}`;
  element("sequence").textContent = `sequence ${state.lastSequence}`;
  const caller = state.caller;
  element("caller").textContent = caller
    ? `${caller.name}: ${caller.scopes.join(", ")} on ${caller.accounts.join(", ")}`
    : "no token";
  const notice = element("notice");
  notice.textContent = state.notice;
  notice.hidden = !state.notice;
  renderKillSwitch(state);
  const working = [...state.working.values()].reverse();
  element("working-count").textContent = `(${working.length})`;
  renderOrders(element<HTMLTableElement>("working"), working, state.can(WRITE));
  renderOrders(element<HTMLTableElement>("recent"), [...state.recent.values()].reverse(), false);
  renderFills(element<HTMLTableElement>("fills"), state.fills);
  renderPositions(element<HTMLTableElement>("positions"), state);
}

/**
 * A call's failure as the operator should read it. connect-web reports a connection that
 * failed or was cut as UNKNOWN (fetch's TypeError) or as a stream without its end
 * message: for the stream, that is the gateway being unavailable, which it resumes from.
 */
function transportFailure(thrown: unknown): unknown {
  const error = ConnectError.from(thrown);
  if (error.code === Code.Unknown || error.rawMessage.startsWith("protocol error: missing EndStreamResponse")) {
    return new ConnectError(error.rawMessage, Code.Unavailable, undefined, undefined, error);
  }
  return error;
}

function describeError(thrown: unknown): string {
  const error = toGatewayError(thrown);
  return error.reason ? `${error.message} [${error.reason}]` : error.message;
}

class Session {
  readonly state = new Blotter();
  token = "";
  #stop = new AbortController();
  readonly #gateway: Gateway;
  readonly #accounts: Accounts;

  constructor() {
    const withToken: Interceptor = (next) => (request) => {
      if (this.token) {
        request.header.set("authorization", `Bearer ${this.token}`);
      }
      return next(request);
    };
    const transport = createConnectTransport({
      baseUrl: window.location.origin,
      useBinaryFormat: true,
      interceptors: [withToken],
    });
    this.#gateway = createClient(OrderGatewayService, transport);
    this.#accounts = createClient(AccountService, transport);
  }

  /** (Re)starts everything for the current token: another token sees other accounts. */
  async start(): Promise<void> {
    this.#stop.abort();
    this.#stop = new AbortController();
    const signal = this.#stop.signal;
    this.state.clear();
    this.state.notice = "";
    this.state.caller = await this.#whoAmI();
    if (signal.aborted) {
      return;
    }
    if (!this.state.caller) {
      this.#down("no token", "enter a token: this gateway needs one");
      return;
    }
    void this.#pollKillSwitch(signal);
    void this.#follow(signal);
    void this.#followPositions(signal);
  }

  async #whoAmI(): Promise<Caller | undefined> {
    const headers: Record<string, string> = this.token ? { authorization: `Bearer ${this.token}` } : {};
    try {
      const response = await fetch("caller", { headers });
      return response.ok ? ((await response.json()) as Caller) : undefined;
    } catch {
      return undefined;
    }
  }

  #down(link: string, notice: string): void {
    this.state.link = link;
    this.state.linkState = "down";
    this.state.notice = notice;
    this.state.changed();
  }

  /** Replays a stream from the journal's start and follows it, resuming after drops. */
  #resume<E extends Sequenced>(
    signal: AbortSignal,
    call: (afterSequence: bigint, callSignal: AbortSignal) => AsyncIterable<StreamMessage<E>>,
  ): ResumableStream<E> {
    const state = this.state;
    const live = (): void => {
      if (state.linkState !== "live") {
        state.link = "live";
        state.linkState = "live";
        state.notice = "";
        state.changed();
      }
    };
    async function* open(afterSequence: bigint, callSignal: AbortSignal): AsyncIterable<StreamMessage<E>> {
      try {
        for await (const message of call(afterSequence, callSignal)) {
          live();
          yield message;
        }
      } catch (thrown) {
        throw transportFailure(thrown);
      }
    }
    return new ResumableStream(open, {
      afterSequence: 0n,
      stallTimeoutMs: STALL_MS,
      maxReconnects: Infinity,
      signal,
      onRetry: (info) => {
        state.link = `reconnecting (attempt ${info.attempt}), resuming after ${info.afterSequence}`;
        state.linkState = "down";
        state.notice = describeError(info.error);
        state.changed();
      },
    });
  }

  async #follow(signal: AbortSignal): Promise<void> {
    const gateway = this.#gateway;
    const events = this.#resume(signal, (afterSequence, callSignal) =>
      gateway.streamOrderEvents(
        { afterSequence, heartbeatInterval: { seconds: HEARTBEAT_SECONDS } },
        { signal: callSignal },
      ),
    );
    try {
      for await (const event of events) {
        this.state.apply(event);
        if (event.kind.case === "cancel") {
          // A cancel may come from the kill switch: show its state without waiting.
          void this.#readKillSwitch();
        }
      }
    } catch (thrown) {
      if (!signal.aborted) {
        this.#down("stopped", describeError(thrown));
      }
    }
  }

  async #followPositions(signal: AbortSignal): Promise<void> {
    const accounts = this.#accounts;
    const changes = this.#resume(signal, (afterSequence, callSignal) =>
      accounts.streamPositions(
        { afterSequence, heartbeatInterval: { seconds: HEARTBEAT_SECONDS } },
        { signal: callSignal },
      ),
    );
    try {
      for await (const change of changes) {
        this.state.applyPosition(change);
      }
    } catch (thrown) {
      if (!signal.aborted) {
        this.#down("stopped", `positions: ${describeError(thrown)}`);
      }
    }
  }

  async #readKillSwitch(): Promise<void> {
    try {
      const response = await this.#gateway.getKillSwitch({}, { signal: this.#stop.signal });
      this.state.killSwitch = response.killSwitch;
    } catch {
      // The stream reports a gateway that went away; the next poll tries again.
    }
    this.state.changed();
  }

  async #pollKillSwitch(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.#readKillSwitch();
      await new Promise((resolve) => setTimeout(resolve, KILL_SWITCH_POLL_MS));
    }
  }

  async cancel(orderId: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    button.textContent = "Cancelling";
    try {
      await this.#gateway.cancelOrder({ orderId });
      // The order leaves the working list when its cancel event arrives.
    } catch (thrown) {
      this.state.notice = `cancel ${orderId}: ${describeError(thrown)}`;
      button.disabled = false;
      button.textContent = "Cancel";
      this.state.changed();
    }
  }

  async toggleKillSwitch(button: HTMLButtonElement, reason: string): Promise<void> {
    const engage = button.dataset["engaged"] !== "1";
    button.disabled = true;
    try {
      const response = await this.#gateway.setKillSwitch({
        engaged: engage,
        reason: engage ? reason || "engaged from the blotter" : reason,
      });
      this.state.killSwitch = response.killSwitch;
    } catch (thrown) {
      this.state.notice = `kill switch: ${describeError(thrown)}`;
    } finally {
      button.disabled = false;
      this.state.changed();
    }
  }
}

function main(): void {
  const session = new Session();
  element<HTMLFormElement>("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = element<HTMLInputElement>("token");
    session.token = input.value.trim();
    input.value = "";
    void session.start();
  });
  element("working").addEventListener("click", (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>("button.cancel");
    if (button?.dataset["orderId"] && !button.disabled) {
      void session.cancel(button.dataset["orderId"], button);
    }
  });
  const toggle = element<HTMLButtonElement>("kill-toggle");
  toggle.addEventListener("click", () => {
    // Two clicks: the switch cancels working orders, so a stray click must not engage it.
    if (toggle.dataset["confirm"] !== "1") {
      toggle.dataset["confirm"] = "1";
      toggle.textContent = toggle.dataset["engaged"] === "1" ? "Confirm release" : "Confirm engage";
      setTimeout(() => {
        delete toggle.dataset["confirm"];
        session.state.changed();
      }, 5000);
      return;
    }
    delete toggle.dataset["confirm"];
    void session.toggleKillSwitch(toggle, element<HTMLInputElement>("kill-reason").value.trim());
  });
  void session.start();
  session.state.changed();
}

main();
