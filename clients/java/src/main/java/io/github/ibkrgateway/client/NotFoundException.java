package io.github.ibkrgateway.client;

import io.grpc.Status;

/** NOT_FOUND: an unknown order, or one of an account the token may not use. */
public final class NotFoundException extends GatewayException {
  private static final long serialVersionUID = 1L;

  NotFoundException(Details details, Throwable cause) {
    super(Status.Code.NOT_FOUND, details, cause);
  }
}
