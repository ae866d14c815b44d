/**
 * Typed errors. Every failure of a GatewayClient call is a GatewayError (or a subclass for
 * the codes the gateway uses on purpose), so callers branch with `instanceof` and read the
 * gateway's machine-readable reason instead of parsing messages.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import type { Status } from "./gen/google/rpc/status_pb.js";
import { BadRequestSchema, ErrorInfoSchema } from "./google-rpc.js";

/** gRPC canonical code names, as the gRPC spec (and the contract suite) spells them. */
const CODE_NAMES: Readonly<Record<Code, string>> = {
  [Code.Canceled]: "CANCELLED",
  [Code.Unknown]: "UNKNOWN",
  [Code.InvalidArgument]: "INVALID_ARGUMENT",
  [Code.DeadlineExceeded]: "DEADLINE_EXCEEDED",
  [Code.NotFound]: "NOT_FOUND",
  [Code.AlreadyExists]: "ALREADY_EXISTS",
  [Code.PermissionDenied]: "PERMISSION_DENIED",
  [Code.ResourceExhausted]: "RESOURCE_EXHAUSTED",
  [Code.FailedPrecondition]: "FAILED_PRECONDITION",
  [Code.Aborted]: "ABORTED",
  [Code.OutOfRange]: "OUT_OF_RANGE",
  [Code.Unimplemented]: "UNIMPLEMENTED",
  [Code.Internal]: "INTERNAL",
  [Code.Unavailable]: "UNAVAILABLE",
  [Code.DataLoss]: "DATA_LOSS",
  [Code.Unauthenticated]: "UNAUTHENTICATED",
};

/** The gRPC name of a status code, e.g. "ALREADY_EXISTS" for Code.AlreadyExists. */
export function grpcCodeName(code: Code): string {
  return CODE_NAMES[code] ?? `CODE_${String(code)}`;
}

/** One invalid request field, from google.rpc.BadRequest. */
export interface FieldViolation {
  /** Dotted path of the field in the request, e.g. "order.quantity". */
  readonly field: string;
  readonly description: string;
}

export interface GatewayErrorInit {
  code: Code;
  message: string;
  reason?: string;
  domain?: string;
  metadata?: Readonly<Record<string, string>>;
  fieldViolations?: readonly FieldViolation[];
  trailers?: Headers;
  cause?: unknown;
}

/** A failed gateway call. */
export class GatewayError extends Error {
  /** gRPC status code (Connect's Code enum has the gRPC numbers). */
  readonly code: Code;
  /** google.rpc.ErrorInfo.reason, e.g. "CLIENT_ORDER_ID_CONFLICT"; "" when none was sent. */
  readonly reason: string;
  /** google.rpc.ErrorInfo.domain: "ibkr-gateway" for the gateway's own errors. */
  readonly domain: string;
  /** google.rpc.ErrorInfo.metadata: facts about the failure, e.g. the conflicting order. */
  readonly metadata: Readonly<Record<string, string>>;
  /** google.rpc.BadRequest violations; empty unless the code is INVALID_ARGUMENT. */
  readonly fieldViolations: readonly FieldViolation[];
  /** Response headers and trailers of the failed call. */
  readonly trailers: Headers;
  /** The server's message, without the code prefix. */
  readonly rawMessage: string;
  /**
   * Set by submitOrder/submitBracket: the client_order_id that was sent, so that an order
   * whose fate is unknown (e.g. UNAVAILABLE after every retry) can be looked up with
   * getOrder({ clientOrderId }) even when the client generated the id.
   */
  clientOrderId: string | undefined;

  constructor(init: GatewayErrorInit) {
    super(`[${grpcCodeName(init.code)}] ${init.message}`, { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.rawMessage = init.message;
    this.reason = init.reason ?? "";
    this.domain = init.domain ?? "";
    this.metadata = init.metadata ?? {};
    this.fieldViolations = init.fieldViolations ?? [];
    this.trailers = init.trailers ?? new Headers();
    this.clientOrderId = undefined;
  }

  /** The gRPC name of the code, e.g. "NOT_FOUND". */
  get codeName(): string {
    return grpcCodeName(this.code);
  }
}

/** INVALID_ARGUMENT: bad quantity, price, symbol, enum, id; see fieldViolations. */
export class InvalidArgumentError extends GatewayError {}
/** NOT_FOUND: no such order. */
export class NotFoundError extends GatewayError {}
/** ALREADY_EXISTS: the client_order_id is taken by a different spec. */
export class AlreadyExistsError extends GatewayError {}
/** FAILED_PRECONDITION: e.g. cancel or modify of a finished order. */
export class FailedPreconditionError extends GatewayError {}
/** RESOURCE_EXHAUSTED: e.g. a stream consumer fell too far behind. */
export class ResourceExhaustedError extends GatewayError {}
/** UNAVAILABLE: gateway unreachable, shutting down, or its store failed. */
export class UnavailableError extends GatewayError {}
/** DEADLINE_EXCEEDED: the call's deadline (timeoutMs, or the client's default) expired. */
export class DeadlineExceededError extends GatewayError {}
/** PERMISSION_DENIED: the token may not make this call or use this account. */
export class PermissionDeniedError extends GatewayError {}
/** UNAUTHENTICATED: no token, or one the gateway does not know. */
export class UnauthenticatedError extends GatewayError {}

const SUBCLASSES: Partial<Record<Code, new (init: GatewayErrorInit) => GatewayError>> = {
  [Code.InvalidArgument]: InvalidArgumentError,
  [Code.NotFound]: NotFoundError,
  [Code.AlreadyExists]: AlreadyExistsError,
  [Code.FailedPrecondition]: FailedPreconditionError,
  [Code.ResourceExhausted]: ResourceExhaustedError,
  [Code.Unavailable]: UnavailableError,
  [Code.DeadlineExceeded]: DeadlineExceededError,
  [Code.PermissionDenied]: PermissionDeniedError,
  [Code.Unauthenticated]: UnauthenticatedError,
};

/** Builds the GatewayError subclass that belongs to init.code. */
export function gatewayError(init: GatewayErrorInit): GatewayError {
  const Subclass = SUBCLASSES[init.code] ?? GatewayError;
  return new Subclass(init);
}

// OpenSSL's verdicts on a certificate, as Node reports them in an error's code.
const CERTIFICATE_ERRORS = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "INVALID_CA",
  "INVALID_PURPOSE",
]);

/**
 * Whether error failed a TLS handshake: the server's certificate was not trusted or not
 * for this name. Connect reports it as INTERNAL; it is UNAVAILABLE, as in gRPC's other
 * clients, since no call reached the gateway.
 */
function failedHandshake(error: ConnectError): boolean {
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return (
    error.code === Code.Internal &&
    typeof code === "string" &&
    (CERTIFICATE_ERRORS.has(code) || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_"))
  );
}

/**
 * Converts anything a Connect call can throw into a GatewayError, decoding the google.rpc
 * details. Non-Connect values (a network error, an AbortSignal reason) go through
 * ConnectError.from, which gives them a code the same way Connect itself would.
 */
export function toGatewayError(thrown: unknown): GatewayError {
  if (thrown instanceof GatewayError) {
    return thrown;
  }
  const error = ConnectError.from(thrown);
  // Several ErrorInfo details would be unusual; the first names the primary reason.
  const info = error.findDetails(ErrorInfoSchema)[0];
  const fieldViolations = error
    .findDetails(BadRequestSchema)
    .flatMap((bad) => bad.fieldViolations)
    .map((v) => ({ field: v.field, description: v.description }));
  const handshake = failedHandshake(error);
  return gatewayError({
    code: handshake ? Code.Unavailable : error.code,
    message: handshake ? `TLS handshake failed: ${error.rawMessage}` : error.rawMessage,
    reason: info?.reason ?? "",
    domain: info?.domain ?? "",
    metadata: info ? { ...info.metadata } : {},
    fieldViolations,
    trailers: error.metadata,
    cause: error.cause ?? error,
  });
}

/**
 * The GatewayError of a google.rpc.Status sent as data (one item of a SubmitOrders
 * answer), decoded as toGatewayError decodes the same status sent as a call's trailer.
 */
export function statusError(status: Status): GatewayError {
  const error = new ConnectError(status.message, status.code as Code);
  // As Connect keeps the details of a trailer: encoded, decoded on findDetails.
  error.details.push(
    ...status.details.map((any) => ({ type: any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1), value: any.value })),
  );
  return toGatewayError(error);
}

/** The error a call ends with when the caller's AbortSignal fires. */
export function abortedError(signal: AbortSignal): GatewayError {
  return new GatewayError({
    code: Code.Canceled,
    message: "the operation was aborted",
    cause: signal.reason,
  });
}
