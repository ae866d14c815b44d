package io.github.ibkrgateway.client;

import io.grpc.Status;

/** ALREADY_EXISTS: a client_order_id reused with a different spec. */
public final class AlreadyExistsException extends GatewayException {
  private static final long serialVersionUID = 1L;

  AlreadyExistsException(Details details, Throwable cause) {
    super(Status.Code.ALREADY_EXISTS, details, cause);
  }
}
