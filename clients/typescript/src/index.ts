/**
 * TypeScript client of the IBKR order gateway.
 *
 * ```ts
 * const gateway = createGatewayClient({ baseUrl: "http://127.0.0.1:50051" });
 * const order = await gateway.submitOrder({ contract: { symbol: "AAPL" }, side: Side.BUY,
 *   quantity: "100", orderType: OrderType.LIMIT, limitPrice: "187.25" });
 * ```
 *
 * Quantities and prices are decimal strings, never numbers.
 */
export {
  createGatewayClient,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  GatewayClient,
  type BracketInit,
  type BracketOrders,
  type CallOptions,
  type GatewayClientOptions,
  type KillSwitchChange,
  type ListAuditRecordsFilter,
  type ListFillsFilter,
  type ListOrdersFilter,
  type OrderChanges,
  type OrderRef,
  type OrderSpecInit,
  type PositionStreamOptions,
  type StreamDefaults,
  type StreamOptions,
  type SubmitOptions,
  type TlsOptions,
} from "./client.js";
export {
  AlreadyExistsError,
  DeadlineExceededError,
  FailedPreconditionError,
  GatewayError,
  grpcCodeName,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  statusError,
  toGatewayError,
  UnauthenticatedError,
  UnavailableError,
  type FieldViolation,
} from "./errors.js";
export { BadRequestSchema, ErrorInfoSchema, type BadRequest, type ErrorInfo } from "./google-rpc.js";
export {
  DEFAULT_MAX_RECONNECTS,
  DEFAULT_STREAM_BACKOFF,
  ResumableStream,
  SequenceCursor,
  type ReconnectInfo,
  type Sequenced,
} from "./resume.js";
export type { BackoffOptions, RetryOptions } from "./retry.js";
export { Code } from "@connectrpc/connect";
// The contract's messages, enums and service descriptors.
export * from "./gen/ibkr/gateway/v1/orders_pb.js";
export * from "./gen/ibkr/gateway/v1/events_pb.js";
export * from "./gen/ibkr/gateway/v1/gateway_pb.js";
export * from "./gen/ibkr/gateway/v1/simulator_pb.js";
export * from "./gen/ibkr/gateway/v1/account_pb.js";
