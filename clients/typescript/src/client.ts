/**
 * GatewayClient: the OrderGatewayService over gRPC (HTTP/2), with safe retries, typed
 * errors, paging as async iterables and streams that resume without gaps or duplicates.
 *
 * Prices and quantities are decimal strings ("187.25") end to end, as in the contract:
 * a JavaScript number cannot hold every decimal exactly, so the client never takes one.
 */
import { randomUUID } from "node:crypto";
import type * as http2 from "node:http2";
import * as net from "node:net";
import type { Duplex } from "node:stream";
import * as tls from "node:tls";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { durationFromMs, type Duration } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager, type Http2SessionOptions } from "@connectrpc/connect-node";
import {
  AccountService,
  type AccountSummary,
  type ListPositionsRequestSchema,
  type ListPositionsResponse,
  type PositionEvent,
} from "./gen/ibkr/gateway/v1/account_pb.js";
import {
  OrderGatewayService,
  type AuditRecord,
  type KillSwitch,
  type PreviewOrderResponse,
  type SetKillSwitchResponse,
} from "./gen/ibkr/gateway/v1/gateway_pb.js";
import type {
  Fill,
  Order,
  OrderSpecSchema,
  OrderStatus,
  TimeInForce,
} from "./gen/ibkr/gateway/v1/orders_pb.js";
import { SimulatorControlService } from "./gen/ibkr/gateway/v1/simulator_pb.js";
import { GatewayError, statusError, toGatewayError, UnavailableError } from "./errors.js";
import { paginate } from "./paging.js";
import { ResumableStream, type OpenStream, type ReconnectInfo, type Sequenced, type StreamMessage } from "./resume.js";
import { withBearerToken } from "./token.js";
import { backoffDelayMs, retryTransient, sleep, type BackoffOptions, type RetryOptions } from "./retry.js";

/** How long a connection may take to open, unless set otherwise. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** The deadline of each attempt of a unary call, unless set otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** An order to submit; quantity and prices are decimal strings. */
export type OrderSpecInit = MessageInitShape<typeof OrderSpecSchema>;

export interface GatewayClientOptions {
  /** Gateway address, e.g. "http://127.0.0.1:50051" (plaintext HTTP/2). */
  baseUrl: string;
  /**
   * Deadline of each unary attempt, in ms, when the call sets no timeoutMs; an expired one
   * is a DeadlineExceededError. 0 or Infinity sets none. Default 30 000.
   */
  defaultTimeoutMs?: number;
  /**
   * Every connection attempt that has not connected within this many ms fails with
   * UNAVAILABLE (Node would otherwise wait out the system's TCP timeout, minutes on an
   * address that drops packets); connect() waits at most this long. Default 10 000.
   */
  connectTimeoutMs?: number;
  /** Retries of UNAVAILABLE for submits and reads. Default 5 attempts, 100 ms .. 5 s apart. */
  retry?: RetryOptions;
  /** Defaults of orderEvents(), fills() and positions(). */
  streams?: StreamDefaults;
  /**
   * Sent as `authorization: Bearer <token>` with every call (the raw clients' too), over
   * a transport of the client's own or the one given. Empty or unset: none.
   */
  token?: string;
  /** Connect interceptors, e.g. to add headers or log calls. */
  interceptors?: Interceptor[];
  /** HTTP/2 keepalive (PING) settings of the connection. */
  http2?: Http2SessionOptions;
  /**
   * TLS settings of an https:// baseUrl: the CA that signed the gateway's certificate (the
   * system's CAs when unset), the name its certificate carries when it is not the host
   * connected to, and a client certificate and key for mutual TLS. Unused with http://.
   */
  tls?: TlsOptions;
  /** Use this transport instead of creating one (tests, custom TLS); baseUrl is then unused. */
  transport?: Transport;
}

export interface TlsOptions {
  /** PEM of the CA (or CAs) to trust instead of the system's. */
  ca?: string | Buffer;
  /** The name the server's certificate must carry; default the baseUrl's host name. */
  serverName?: string;
  /** PEM of the client certificate, for gateways that require mutual TLS. */
  cert?: string | Buffer;
  /** PEM of the client certificate's private key. */
  key?: string | Buffer;
}

export interface StreamDefaults {
  /** Heartbeat period asked of the server, in ms (0.1 s .. 1 h). Default 5000. */
  heartbeatIntervalMs?: number;
  /** The stream counts as stalled after this many heartbeat periods of silence. Default 3. */
  stallAfterHeartbeats?: number;
  /**
   * Reconnects that may fail in a row before the stream throws the last error (an
   * UnavailableError for a gateway that went away). A reconnect fails when its call ends
   * before anything, event or heartbeat, arrives; anything arriving starts the count
   * again. 0 throws on the first failure, Infinity never gives up. Default 5.
   */
  maxReconnects?: number;
  /** @deprecated The same as maxReconnects, which wins when both are set. */
  maxConsecutiveFailures?: number;
  /** Waits between reconnects. Default 500 ms .. 5 s, doubling. */
  backoff?: BackoffOptions;
  /** Called on each failure that a reconnect follows, before its pause, e.g. to log it. */
  onRetry?: (info: ReconnectInfo) => void;
}

/** Options every call takes. */
export interface CallOptions {
  /** Aborting ends the call (and any retry wait) with a CANCELLED GatewayError. */
  signal?: AbortSignal;
  /** Deadline of each attempt, in ms; overrides defaultTimeoutMs. */
  timeoutMs?: number;
}

export interface SubmitOptions extends CallOptions {
  /** Overrides the client's retry settings for this call. */
  retry?: RetryOptions;
}

export interface BracketInit {
  /** Entry order (MARKET or LIMIT); its client_order_id keys the whole bracket. */
  parent: OrderSpecInit;
  /** Limit price of the take-profit child: above the entry for a buy, below for a sell. */
  takeProfitLimitPrice: string;
  /** Stop price of the stop-loss child: below the entry for a buy, above for a sell. */
  stopLossStopPrice: string;
  /** Makes the stop-loss a STOP_LIMIT with this limit price. */
  stopLossLimitPrice?: string;
  /** Time in force of both children; GTC when unset. */
  childTimeInForce?: TimeInForce;
}

export interface BracketOrders {
  parent: Order;
  takeProfit: Order;
  stopLoss: Order;
}

/** Changes to a working order; what is left out stays as it is. */
export interface OrderChanges {
  quantity?: string;
  limitPrice?: string;
  stopPrice?: string;
  timeInForce?: TimeInForce;
}

/** An order by gateway id, or by the caller's id within an account (default account if omitted). */
export type OrderRef = { orderId: string } | { clientOrderId: string; account?: string };

/** The request fields naming an order: its gateway id (a bare string too) or the caller's id. */
function refFields(ref: string | OrderRef): { orderId: string } | { clientOrderId: string; account: string } {
  if (typeof ref === "string") return { orderId: ref };
  return "orderId" in ref ? { orderId: ref.orderId } : { clientOrderId: ref.clientOrderId, account: ref.account ?? "" };
}

export interface ListOrdersFilter {
  account?: string;
  statuses?: OrderStatus[];
  symbol?: string;
  /** Orders fetched per call, 1..1000; the server's default (100) when unset. */
  pageSize?: number;
}

/** Which positions to list: the default account's, every symbol, open ones, when empty. */
export type ListPositionsFilter = MessageInitShape<typeof ListPositionsRequestSchema>;

export interface ListFillsFilter {
  account?: string;
  orderId?: string;
  pageSize?: number;
}

/** What to set the kill switch to. */
export interface KillSwitchChange {
  /** True engages (cancels every working order, refuses new ones); false releases. */
  engaged: boolean;
  /** Why; recorded with the switch. */
  reason?: string;
  /** Only these accounts, each on its own; the gateway-wide switch when empty. */
  accounts?: string[];
}

export interface ListAuditRecordsFilter {
  /** Records fetched per call, 1..1000; the server's default (100) when unset. */
  pageSize?: number;
}

/** Options of positions(): where to start, which positions, and the stream settings. */
export interface PositionStreamOptions extends StreamDefaults {
  /** Deliver changes with a sequence above this (e.g. a listing's lastSequence); 0 replays all. */
  afterSequence?: bigint | number;
  /** Only this account's positions. */
  account?: string;
  /** Only this symbol's positions. */
  symbol?: string;
  /** Aborting ends the iteration with a CANCELLED GatewayError. */
  signal?: AbortSignal;
}

export interface StreamOptions extends StreamDefaults {
  /** Deliver events with a sequence above this; 0 (the default) replays the whole journal. */
  afterSequence?: bigint | number;
  /** Only this account's events. */
  account?: string;
  /** Only this order's events. */
  orderId?: string;
  /** Aborting ends the iteration with a CANCELLED GatewayError. */
  signal?: AbortSignal;
  /** @deprecated Called like onRetry, after it. */
  onReconnect?: (info: ReconnectInfo) => void;
}

/** Creates a client; no connection is made until the first call or connect(). */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  return new GatewayClient(options);
}

export class GatewayClient {
  /**
   * The generated Connect clients, for anything this class does not wrap. Their errors are
   * plain ConnectErrors: pass them through toGatewayError() for the typed ones.
   */
  readonly raw: {
    readonly gateway: Client<typeof OrderGatewayService>;
    readonly simulator: Client<typeof SimulatorControlService>;
    readonly accounts: Client<typeof AccountService>;
  };
  readonly #gateway: Client<typeof OrderGatewayService>;
  readonly #accounts: Client<typeof AccountService>;
  readonly #options: GatewayClientOptions;
  readonly #session: Http2SessionManager | undefined;

  constructor(options: GatewayClientOptions) {
    this.#options = options;
    let transport = options.transport;
    if (transport === undefined) {
      // Our own session manager, so that close() can end the connection.
      this.#session = new Http2SessionManager(options.baseUrl, options.http2, {
        createConnection: connectWithin(this.#connectTimeoutMs, options.tls ?? {}),
      });
      transport = createGrpcTransport({
        baseUrl: options.baseUrl,
        sessionManager: this.#session,
        interceptors: options.interceptors ?? [],
      });
    }
    if (options.token) {
      transport = withBearerToken(transport, options.token);
    }
    this.#gateway = createClient(OrderGatewayService, transport);
    this.#accounts = createClient(AccountService, transport);
    this.raw = {
      gateway: this.#gateway,
      simulator: createClient(SimulatorControlService, transport),
      accounts: this.#accounts,
    };
  }

  /**
   * Submits an order and returns it as recorded (PENDING_SUBMIT, or further along on a
   * retry). Without spec.clientOrderId a UUID is generated, so that retrying UNAVAILABLE
   * with the same id cannot create a second order: the gateway returns the original.
   */
  async submitOrder(spec: OrderSpecInit, options: SubmitOptions = {}): Promise<Order> {
    const order = { ...spec, clientOrderId: spec.clientOrderId || randomUUID() };
    const response = await this.#idempotent(order.clientOrderId, options, (callOptions) =>
      this.#gateway.submitOrder({ order }, callOptions),
    );
    return present(response.order, "order");
  }

  /**
   * Submits prepared specs in one call (at most 1000). Each is answered on its own, in
   * order: its order, or the GatewayError submitOrder would have thrown for it. Retried
   * like submitOrder, as a whole: every spec without a clientOrderId gets a UUID before
   * the first attempt, so a retry cannot create any order twice. A failure of the whole
   * call (e.g. UNAVAILABLE after every retry) is thrown.
   */
  async submitOrders(specs: readonly OrderSpecInit[], options: SubmitOptions = {}): Promise<(Order | GatewayError)[]> {
    const orders = specs.map((spec) => ({ ...spec, clientOrderId: spec.clientOrderId || randomUUID() }));
    const response = await this.#idempotent(undefined, options, (callOptions) =>
      this.#gateway.submitOrders({ orders }, callOptions),
    );
    return response.results.map((item, index) => {
      if (item.result.case === "order") {
        return item.result.value;
      }
      if (item.result.case === "error") {
        const error = statusError(item.result.value);
        error.clientOrderId = orders[index]?.clientOrderId;
        return error;
      }
      throw new GatewayError({ code: Code.Internal, message: `result ${index} has neither order nor error` });
    });
  }

  /**
   * Submits an entry order with a take-profit and a stop-loss child. Idempotent on the
   * parent's client_order_id (generated when empty), retried like submitOrder.
   */
  async submitBracket(bracket: BracketInit, options: SubmitOptions = {}): Promise<BracketOrders> {
    const parent = { ...bracket.parent, clientOrderId: bracket.parent.clientOrderId || randomUUID() };
    const response = await this.#idempotent(parent.clientOrderId, options, (callOptions) =>
      this.#gateway.submitBracketOrder({ ...bracket, parent }, callOptions),
    );
    return {
      parent: present(response.parent, "parent"),
      takeProfit: present(response.takeProfit, "take_profit"),
      stopLoss: present(response.stopLoss, "stop_loss"),
    };
  }

  /**
   * Requests cancellation; the order comes back PENDING_CANCEL (or further along) and
   * reaches CANCELLED on the event stream. Not retried: a repeat after a lost response
   * could report FAILED_PRECONDITION for an order that was in fact cancelled.
   */
  async cancelOrder(ref: string | OrderRef, options: CallOptions = {}): Promise<Order> {
    const request = refFields(ref);
    const response = await this.#once(() => this.#gateway.cancelOrder(request, this.#callOptions(options)));
    return present(response.order, "order");
  }

  /** Cancels every working order of one account, or of all when account is omitted. */
  async cancelAllOrders(account = "", options: CallOptions = {}): Promise<Order[]> {
    const response = await this.#once(() =>
      this.#gateway.cancelAllOrders({ account }, this.#callOptions(options)),
    );
    return response.orders;
  }

  /** Changes quantity, prices or time in force of a working order. Not retried. */
  async modifyOrder(ref: string | OrderRef, changes: OrderChanges, options: CallOptions = {}): Promise<Order> {
    const request = { ...refFields(ref), ...changes };
    const response = await this.#once(() => this.#gateway.modifyOrder(request, this.#callOptions(options)));
    return present(response.order, "order");
  }

  /** Looks an order up by gateway id or by client_order_id. */
  async getOrder(ref: OrderRef, options: CallOptions = {}): Promise<Order> {
    const request = refFields(ref);
    const response = await this.#read(options, (callOptions) => this.#gateway.getOrder(request, callOptions));
    return present(response.order, "order");
  }

  /** Every order matching the filter, oldest first, fetched page by page as iteration goes. */
  listOrders(filter: ListOrdersFilter = {}, options: CallOptions = {}): AsyncIterable<Order> {
    return paginate(async (pageToken) => {
      const page = await this.#read(options, (callOptions) =>
        this.#gateway.listOrders({ ...filter, pageToken }, callOptions),
      );
      return { items: page.orders, nextPageToken: page.nextPageToken };
    });
  }

  /** Every fill matching the filter, oldest first, fetched page by page as iteration goes. */
  listFills(filter: ListFillsFilter = {}, options: CallOptions = {}): AsyncIterable<Fill> {
    return paginate(async (pageToken) => {
      const page = await this.#read(options, (callOptions) =>
        this.#gateway.listFills({ ...filter, pageToken }, callOptions),
      );
      return { items: page.fills, nextPageToken: page.nextPageToken };
    });
  }

  /**
   * Positions of one account (the default account's when filter.account is empty), as of
   * the journal sequence in the answer; amounts are decimal strings. Retried like reads.
   */
  async listPositions(filter: ListPositionsFilter = {}, options: CallOptions = {}): Promise<ListPositionsResponse> {
    return this.#read(options, (callOptions) => this.#accounts.listPositions(filter, callOptions));
  }

  /** Cash, margin, buying power and P&L of one account (the default account's when empty). */
  async getAccountSummary(account = "", options: CallOptions = {}): Promise<AccountSummary> {
    const response = await this.#read(options, (callOptions) =>
      this.#accounts.getAccountSummary({ account }, callOptions),
    );
    return present(response.summary, "summary");
  }

  /**
   * Position changes after options.afterSequence (a listing's lastSequence continues
   * exactly where it ends), then live ones, forever: resumes after the last sequence seen
   * across dropped or silent connections, like orderEvents(). Quantities and amounts are
   * decimal strings.
   */
  positions(options: PositionStreamOptions = {}): ResumableStream<PositionEvent> {
    return this.#resumable(options, (afterSequence, heartbeatInterval, signal) =>
      this.#accounts.streamPositions(
        { afterSequence, account: options.account ?? "", symbol: options.symbol ?? "", heartbeatInterval },
        { signal },
      ),
    );
  }

  /**
   * What the order would do, without placing it: estimated price and commission, position
   * and (sim backend) account before and after, every limit it would break. Nothing is
   * stored, so it is retried like reads.
   */
  async previewOrder(spec: OrderSpecInit, options: CallOptions = {}): Promise<PreviewOrderResponse> {
    return this.#read(options, (callOptions) => this.#gateway.previewOrder({ order: spec }, callOptions));
  }

  /** The kill switch as it is now (admin scope). */
  async getKillSwitch(options: CallOptions = {}): Promise<KillSwitch> {
    const response = await this.#read(options, (callOptions) => this.#gateway.getKillSwitch({}, callOptions));
    return present(response.killSwitch, "kill_switch");
  }

  /**
   * Engages or releases the kill switch (admin scope); returns the switch after the call
   * and the orders a cancel was requested for. Not retried: a late repeat could undo a
   * change someone made in between.
   */
  async setKillSwitch(change: KillSwitchChange, options: CallOptions = {}): Promise<SetKillSwitchResponse> {
    const request = { engaged: change.engaged, reason: change.reason ?? "", accounts: change.accounts ?? [] };
    return this.#once(() => this.#gateway.setKillSwitch(request, this.#callOptions(options)));
  }

  /** Every audit record the token may see, oldest first, fetched page by page (admin scope). */
  listAuditRecords(filter: ListAuditRecordsFilter = {}, options: CallOptions = {}): AsyncIterable<AuditRecord> {
    return paginate(async (pageToken) => {
      const page = await this.#read(options, (callOptions) =>
        this.#gateway.listAuditRecords({ pageSize: filter.pageSize ?? 0, pageToken }, callOptions),
      );
      return { items: page.records, nextPageToken: page.nextPageToken };
    });
  }

  /**
   * Order events after options.afterSequence, then live ones, forever: reconnects on a
   * dropped or silent stream and resumes after the last sequence seen, so each event
   * arrives exactly once, in order. Iterate with `for await`; `break` or the signal ends it.
   */
  orderEvents(options: StreamOptions = {}): ResumableStream {
    return this.#stream(options, (request, signal) => this.#gateway.streamOrderEvents(request, { signal }));
  }

  /** Like orderEvents(), restricted to fill events (the same sequence space). */
  fills(options: StreamOptions = {}): ResumableStream {
    return this.#stream(options, (request, signal) => this.#gateway.streamFills(request, { signal }));
  }

  /**
   * Opens the connection now rather than on the first call, so that a wrong address or a
   * stopped gateway shows up here: retries for at most options.timeoutMs (default
   * connectTimeoutMs), then throws an UnavailableError naming the last failure. Does
   * nothing on a client made with a transport of its own.
   */
  async connect(options: CallOptions = {}): Promise<void> {
    const session = this.#session;
    if (session === undefined) {
      return;
    }
    const timeoutMs = options.timeoutMs ?? this.#connectTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const giveUp = (): UnavailableError => {
      const last = session.error();
      const why = last === undefined ? "" : `: ${ConnectError.from(last).rawMessage}`;
      return new UnavailableError({
        code: Code.Unavailable,
        message: `no connection to ${this.#options.baseUrl} within ${timeoutMs} ms${why}`,
        cause: last,
      });
    };
    for (let retry = 0; ; retry++) {
      const state = await within(session.connect(), deadline - Date.now());
      if (state === "open" || state === "idle") {
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw giveUp();
      }
      // A gateway still starting refuses connections for a moment: try again until the
      // deadline rather than fail on the first refusal.
      await sleep(Math.min(left, backoffDelayMs(retry, { initialMs: 100, maxMs: 1000 })), options.signal);
    }
  }

  /** Closes the connection, ending any open stream. Later calls open a new one. */
  close(): void {
    this.#session?.abort();
  }

  #stream(
    options: StreamOptions,
    call: (request: StreamRequest, signal: AbortSignal) => AsyncIterable<StreamMessage>,
  ): ResumableStream {
    return this.#resumable(
      options,
      (afterSequence, heartbeatInterval, signal) =>
        call({ afterSequence, account: options.account ?? "", orderId: options.orderId ?? "", heartbeatInterval }, signal),
      options.onReconnect,
    );
  }

  /** A resuming stream with the settings of options over the client's stream defaults. */
  #resumable<E extends Sequenced>(
    options: StreamDefaults & { afterSequence?: bigint | number; signal?: AbortSignal },
    call: (afterSequence: bigint, heartbeatInterval: Duration, signal: AbortSignal) => AsyncIterable<StreamMessage<E>>,
    onReconnect?: (info: ReconnectInfo) => void,
  ): ResumableStream<E> {
    const defaults = this.#options.streams ?? {};
    const heartbeatMs = options.heartbeatIntervalMs ?? defaults.heartbeatIntervalMs ?? 5000;
    const stallAfter = options.stallAfterHeartbeats ?? defaults.stallAfterHeartbeats ?? 3;
    // The heartbeat period is always sent, so that the client knows the period it watches for.
    const open: OpenStream<E> = (afterSequence, signal) => call(afterSequence, durationFromMs(heartbeatMs), signal);
    return new ResumableStream(open, {
      afterSequence: BigInt(options.afterSequence ?? 0),
      stallTimeoutMs: heartbeatMs * stallAfter,
      signal: options.signal,
      backoff: options.backoff ?? defaults.backoff,
      maxReconnects:
        options.maxReconnects ??
        options.maxConsecutiveFailures ??
        defaults.maxReconnects ??
        defaults.maxConsecutiveFailures,
      onRetry: options.onRetry ?? defaults.onRetry,
      onReconnect,
    });
  }

  get #connectTimeoutMs(): number {
    return this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  }

  #callOptions(options: CallOptions): ConnectCallOptions {
    const timeoutMs = options.timeoutMs ?? this.#options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    return {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(timeoutMs > 0 && Number.isFinite(timeoutMs) ? { timeoutMs } : {}),
    };
  }

  async #once<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (thrown) {
      throw toGatewayError(thrown);
    }
  }

  #read<T>(options: CallOptions, call: (callOptions: ConnectCallOptions) => Promise<T>): Promise<T> {
    return retryTransient(() => call(this.#callOptions(options)), this.#options.retry, options.signal);
  }

  async #idempotent<T>(
    clientOrderId: string | undefined,
    options: SubmitOptions,
    call: (callOptions: ConnectCallOptions) => Promise<T>,
  ): Promise<T> {
    try {
      return await retryTransient(
        () => call(this.#callOptions(options)),
        options.retry ?? this.#options.retry,
        options.signal,
      );
    } catch (thrown) {
      const error = toGatewayError(thrown);
      error.clientOrderId = clientOrderId;
      throw error;
    }
  }
}

/** The options of a Connect call that GatewayClient sets. */
interface ConnectCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** StreamOrderEventsRequest and StreamFillsRequest have the same fields. */
interface StreamRequest {
  afterSequence: bigint;
  account: string;
  orderId: string;
  heartbeatInterval: Duration;
}

/**
 * Opens the socket of a new HTTP/2 connection as Node would, and destroys it with
 * UNAVAILABLE if it has not connected within timeoutMs.
 */
function connectWithin(
  timeoutMs: number,
  settings: TlsOptions,
): (authority: URL, options: http2.SessionOptions) => Duplex {
  return (authority) => {
    const host = authority.hostname.replace(/^\[(.*)\]$/, "$1");
    const secure = authority.protocol === "https:";
    const port = Number(authority.port) || (secure ? 443 : 80);
    // SNI takes no IP address; the certificate is still checked against it (or serverName).
    const serverName = settings.serverName ?? host;
    const socket = secure
      ? tls.connect({
          host,
          port,
          ALPNProtocols: ["h2"],
          ...(net.isIP(serverName) ? {} : { servername: serverName }),
          checkServerIdentity: (_host: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(serverName, cert),
          ...(settings.ca === undefined ? {} : { ca: settings.ca }),
          ...(settings.cert === undefined ? {} : { cert: settings.cert }),
          ...(settings.key === undefined ? {} : { key: settings.key }),
        })
      : net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy(
        new ConnectError(`no connection to ${authority.origin} within ${timeoutMs} ms`, Code.Unavailable),
      );
    }, timeoutMs);
    // A pending connection must not keep the process alive on its own.
    timer.unref();
    socket.once(secure ? "secureConnect" : "connect", () => clearTimeout(timer));
    socket.once("close", () => clearTimeout(timer));
    return socket;
  };
}

/** What promise resolves to, or undefined if it takes longer than ms. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Message fields are optional in protobuf-es; the gateway always sets these. */
function present<T>(value: T | undefined, field: string): T {
  if (value === undefined) {
    throw new GatewayError({ code: Code.Internal, message: `response has no ${field}` });
  }
  return value;
}
