import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import {
  AlreadyExistsError,
  DeadlineExceededError,
  FailedPreconditionError,
  GatewayError,
  grpcCodeName,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  toGatewayError,
  UnauthenticatedError,
  UnavailableError,
} from "../src/errors.js";

/**
 * grpc-status-details-bin trailers exactly as the Python gateway sends them, produced with
 * server/ibkr_gateway/rpc/errors.py:to_status (googleapis-common-protos' error_details_pb2
 * does the encoding), so decoding them checks the hand-written google.rpc descriptors
 * against the real ones:
 *   AlreadyExists("client_order_id x is taken by another spec", reason="CLIENT_ORDER_ID_CONFLICT",
 *                 metadata={"client_order_id": "x", "order_id": "ord-1"})
 *   InvalidArgument([FieldViolation("order.quantity", "must be a positive decimal"),
 *                    FieldViolation("order.limit_price", "required for LIMIT")])
 */
const PYTHON_ALREADY_EXISTS =
  "CAYSKmNsaWVudF9vcmRlcl9pZCB4IGlzIHRha2VuIGJ5IGFub3RoZXIgc3BlYxp9Cih0eXBlLmdvb2dsZWFwaXMuY29tL2dvb2dsZS5ycGMuRXJyb3JJbmZvElEKGENMSUVOVF9PUkRFUl9JRF9DT05GTElDVBIMaWJrci1nYXRld2F5GhQKD2NsaWVudF9vcmRlcl9pZBIBeBoRCghvcmRlcl9pZBIFb3JkLTE=";
const PYTHON_INVALID_ARGUMENT =
  "CAMSYmludmFsaWQgcmVxdWVzdDogb3JkZXIucXVhbnRpdHk6IG11c3QgYmUgYSBwb3NpdGl2ZSBkZWNpbWFsOyBvcmRlci5saW1pdF9wcmljZTogcmVxdWlyZWQgZm9yIExJTUlUGkwKKHR5cGUuZ29vZ2xlYXBpcy5jb20vZ29vZ2xlLnJwYy5FcnJvckluZm8SIAoQSU5WQUxJRF9BUkdVTUVOVBIMaWJrci1nYXRld2F5GoQBCil0eXBlLmdvb2dsZWFwaXMuY29tL2dvb2dsZS5ycGMuQmFkUmVxdWVzdBJXCiwKDm9yZGVyLnF1YW50aXR5EhptdXN0IGJlIGEgcG9zaXRpdmUgZGVjaW1hbAonChFvcmRlci5saW1pdF9wcmljZRIScmVxdWlyZWQgZm9yIExJTUlU";

/** The ConnectError Connect builds from a gRPC trailer, as on a real failed call. */
function fromTrailer(code: number, detailsBin?: string): ConnectError {
  const trailer = new Headers({ "grpc-status": String(code), "grpc-message": "failed" });
  if (detailsBin !== undefined) {
    trailer.set("grpc-status-details-bin", detailsBin);
  }
  const error = findTrailerError(trailer);
  assert.ok(error, "the trailer carries an error");
  return error;
}

describe("toGatewayError", () => {
  test("decodes ErrorInfo from the Python server's trailer", () => {
    const error = toGatewayError(fromTrailer(6, PYTHON_ALREADY_EXISTS));
    assert.ok(error instanceof AlreadyExistsError);
    assert.ok(error instanceof GatewayError);
    assert.equal(error.code, Code.AlreadyExists);
    assert.equal(error.codeName, "ALREADY_EXISTS");
    assert.equal(error.reason, "CLIENT_ORDER_ID_CONFLICT");
    assert.equal(error.domain, "ibkr-gateway");
    assert.deepEqual(error.metadata, { client_order_id: "x", order_id: "ord-1" });
    assert.deepEqual(error.fieldViolations, []);
    assert.equal(error.rawMessage, "client_order_id x is taken by another spec");
    assert.equal(error.message, "[ALREADY_EXISTS] client_order_id x is taken by another spec");
    assert.equal(error.name, "AlreadyExistsError");
    assert.ok(error.trailers.has("grpc-status-details-bin"));
  });

  test("decodes BadRequest field violations in order", () => {
    const error = toGatewayError(fromTrailer(3, PYTHON_INVALID_ARGUMENT));
    assert.ok(error instanceof InvalidArgumentError);
    assert.equal(error.reason, "INVALID_ARGUMENT");
    assert.deepEqual(error.fieldViolations, [
      { field: "order.quantity", description: "must be a positive decimal" },
      { field: "order.limit_price", description: "required for LIMIT" },
    ]);
  });

  test("maps each code the gateway uses to its class, the rest to GatewayError", () => {
    const classes = new Map<Code, new (...args: never[]) => GatewayError>([
      [Code.InvalidArgument, InvalidArgumentError],
      [Code.NotFound, NotFoundError],
      [Code.AlreadyExists, AlreadyExistsError],
      [Code.FailedPrecondition, FailedPreconditionError],
      [Code.ResourceExhausted, ResourceExhaustedError],
      [Code.Unavailable, UnavailableError],
      [Code.DeadlineExceeded, DeadlineExceededError],
      [Code.PermissionDenied, PermissionDeniedError],
      [Code.Unauthenticated, UnauthenticatedError],
    ]);
    for (let number = 1; number <= 16; number++) {
      const code = number as Code;
      const error = toGatewayError(new ConnectError("x", code));
      const expected: new (...args: never[]) => GatewayError = classes.get(code) ?? GatewayError;
      assert.equal(error.constructor, expected, `code ${grpcCodeName(code)}`);
      assert.equal(error.code, code);
      // Without details: no reason, no violations, but still a typed error.
      assert.equal(error.reason, "");
      assert.deepEqual(error.fieldViolations, []);
    }
  });

  test("a status without details still maps by code", () => {
    const error = toGatewayError(fromTrailer(5));
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.rawMessage, "failed");
    assert.equal(error.trailers.has("grpc-status-details-bin"), false);
  });

  test("values that are not ConnectErrors get Connect's codes", () => {
    assert.equal(toGatewayError(new Error("boom")).codeName, "UNKNOWN");
    assert.equal(toGatewayError("text").codeName, "UNKNOWN");
    const aborted = new AbortController();
    aborted.abort();
    assert.equal(toGatewayError(aborted.signal.reason).codeName, "CANCELLED");
  });

  test("a GatewayError passes through unchanged", () => {
    const original = toGatewayError(new ConnectError("x", Code.NotFound));
    assert.equal(toGatewayError(original), original);
  });
});

describe("grpcCodeName", () => {
  test("uses the gRPC spellings, not Connect's", () => {
    assert.equal(grpcCodeName(Code.Canceled), "CANCELLED");
    assert.equal(grpcCodeName(Code.InvalidArgument), "INVALID_ARGUMENT");
    assert.equal(grpcCodeName(Code.FailedPrecondition), "FAILED_PRECONDITION");
    assert.equal(grpcCodeName(Code.Unauthenticated), "UNAUTHENTICATED");
  });
});
