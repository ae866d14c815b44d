package io.github.ibkrgateway.client;

import io.grpc.Status;

/** UNAUTHENTICATED: no token, or one the gateway does not know. */
public final class UnauthenticatedException extends GatewayException {
  private static final long serialVersionUID = 1L;

  UnauthenticatedException(Details details, Throwable cause) {
    super(Status.Code.UNAUTHENTICATED, details, cause);
  }
}
