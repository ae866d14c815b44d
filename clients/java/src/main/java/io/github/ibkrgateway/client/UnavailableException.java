package io.github.ibkrgateway.client;

import io.grpc.Status;

/** UNAVAILABLE: the gateway is unreachable, shutting down, or cannot write its store. */
public final class UnavailableException extends GatewayException {
  private static final long serialVersionUID = 1L;

  UnavailableException(Details details, Throwable cause) {
    super(Status.Code.UNAVAILABLE, details, cause);
  }
}
