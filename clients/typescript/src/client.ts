/**
 * GatewayClient: the OrderGatewayService over gRPC (HTTP/2), with safe retries, typed
 * errors, paging as async iterables and streams that resume without gaps or duplicates.
 *
 * Prices and quantities are decimal strings ("187.25") end to end, as in the contract:
 * a JavaScript number cannot hold every decimal exactly, so the client never takes one.
 */
import { randomUUID } from "node:crypto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { durationFromMs, type Duration } from "@bufbuild/protobuf/wkt";
import { Code, createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager, type Http2SessionOptions } from "@connectrpc/connect-node";
import { OrderGatewayService } from "./gen/ibkr/gateway/v1/gateway_pb.js";
import type {
  Fill,
  Order,
  OrderSpecSchema,
  OrderStatus,
  TimeInForce,
} from "./gen/ibkr/gateway/v1/orders_pb.js";
import { SimulatorControlService } from "./gen/ibkr/gateway/v1/simulator_pb.js";
import { GatewayError, toGatewayError } from "./errors.js";
import { paginate } from "./paging.js";
import { ResumableStream, type OpenStream, type ReconnectInfo, type StreamMessage } from "./resume.js";
import { retryTransient, type BackoffOptions, type RetryOptions } from "./retry.js";

/** An order to submit; quantity and prices are decimal strings. */
export type OrderSpecInit = MessageInitShape<typeof OrderSpecSchema>;

export interface GatewayClientOptions {
  /** Gateway address, e.g. "http://127.0.0.1:50051" (plaintext HTTP/2). */
  baseUrl: string;
  /** Deadline of each unary attempt, in ms; none by default. */
  defaultTimeoutMs?: number;
  /** Retries of UNAVAILABLE for submits and reads. Default 5 attempts, 100 ms .. 5 s apart. */
  retry?: RetryOptions;
  /** Defaults of orderEvents() and fills(). */
  streams?: StreamDefaults;
  /** Connect interceptors, e.g. to add auth headers or log calls. */
  interceptors?: Interceptor[];
  /** HTTP/2 keepalive (PING) settings of the connection. */
  http2?: Http2SessionOptions;
  /** Use this transport instead of creating one (tests, custom TLS); baseUrl is then unused. */
  transport?: Transport;
}

export interface StreamDefaults {
  /** Heartbeat period asked of the server, in ms (0.1 s .. 1 h). Default 5000. */
  heartbeatIntervalMs?: number;
  /** The stream counts as stalled after this many heartbeat periods of silence. Default 3. */
  stallAfterHeartbeats?: number;
  /** Reconnects in a row that deliver nothing before giving up. Default 10. */
  maxConsecutiveFailures?: number;
  /** Waits between reconnects. Default 100 ms .. 5 s. */
  backoff?: BackoffOptions;
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

export interface ListOrdersFilter {
  account?: string;
  statuses?: OrderStatus[];
  symbol?: string;
  /** Orders fetched per call, 1..1000; the server's default (100) when unset. */
  pageSize?: number;
}

export interface ListFillsFilter {
  account?: string;
  orderId?: string;
  pageSize?: number;
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
  /** Called before each reconnect. */
  onReconnect?: (info: ReconnectInfo) => void;
}

/** Creates a client; no connection is made until the first call. */
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
  };
  readonly #gateway: Client<typeof OrderGatewayService>;
  readonly #options: GatewayClientOptions;
  readonly #session: Http2SessionManager | undefined;

  constructor(options: GatewayClientOptions) {
    this.#options = options;
    let transport = options.transport;
    if (transport === undefined) {
      // Our own session manager, so that close() can end the connection.
      this.#session = new Http2SessionManager(options.baseUrl, options.http2);
      transport = createGrpcTransport({
        baseUrl: options.baseUrl,
        sessionManager: this.#session,
        interceptors: options.interceptors ?? [],
      });
    }
    this.#gateway = createClient(OrderGatewayService, transport);
    this.raw = {
      gateway: this.#gateway,
      simulator: createClient(SimulatorControlService, transport),
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
  async cancelOrder(orderId: string, options: CallOptions = {}): Promise<Order> {
    const response = await this.#once(() => this.#gateway.cancelOrder({ orderId }, this.#callOptions(options)));
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
  async modifyOrder(orderId: string, changes: OrderChanges, options: CallOptions = {}): Promise<Order> {
    const response = await this.#once(() =>
      this.#gateway.modifyOrder({ orderId, ...changes }, this.#callOptions(options)),
    );
    return present(response.order, "order");
  }

  /** Looks an order up by gateway id or by client_order_id. */
  async getOrder(ref: OrderRef, options: CallOptions = {}): Promise<Order> {
    const request = "orderId" in ref ? { orderId: ref.orderId } : { clientOrderId: ref.clientOrderId, account: ref.account ?? "" };
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

  /** Closes the connection, ending any open stream. Later calls open a new one. */
  close(): void {
    this.#session?.abort();
  }

  #stream(
    options: StreamOptions,
    call: (request: StreamRequest, signal: AbortSignal) => AsyncIterable<StreamMessage>,
  ): ResumableStream {
    const defaults = this.#options.streams ?? {};
    const heartbeatMs = options.heartbeatIntervalMs ?? defaults.heartbeatIntervalMs ?? 5000;
    const stallAfter = options.stallAfterHeartbeats ?? defaults.stallAfterHeartbeats ?? 3;
    const open: OpenStream = (afterSequence, signal) =>
      call(
        {
          afterSequence,
          account: options.account ?? "",
          orderId: options.orderId ?? "",
          // Always sent, so that the client knows the period it watches for.
          heartbeatInterval: durationFromMs(heartbeatMs),
        },
        signal,
      );
    return new ResumableStream(open, {
      afterSequence: BigInt(options.afterSequence ?? 0),
      stallTimeoutMs: heartbeatMs * stallAfter,
      signal: options.signal,
      backoff: options.backoff ?? defaults.backoff,
      maxConsecutiveFailures: options.maxConsecutiveFailures ?? defaults.maxConsecutiveFailures,
      onReconnect: options.onReconnect,
    });
  }

  #callOptions(options: CallOptions): ConnectCallOptions {
    const timeoutMs = options.timeoutMs ?? this.#options.defaultTimeoutMs;
    return {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
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
    clientOrderId: string,
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

/** Message fields are optional in protobuf-es; the gateway always sets these. */
function present<T>(value: T | undefined, field: string): T {
  if (value === undefined) {
    throw new GatewayError({ code: Code.Internal, message: `response has no ${field}` });
  }
  return value;
}
