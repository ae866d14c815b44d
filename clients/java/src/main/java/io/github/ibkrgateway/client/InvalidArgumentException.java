package io.github.ibkrgateway.client;

import io.grpc.Status;

/** INVALID_ARGUMENT: the gateway refused the request as malformed; see {@link #fieldViolations()}. */
public final class InvalidArgumentException extends GatewayException {
  private static final long serialVersionUID = 1L;

  InvalidArgumentException(Details details, Throwable cause) {
    super(Status.Code.INVALID_ARGUMENT, details, cause);
  }
}
