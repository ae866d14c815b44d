package io.github.ibkrgateway.client;

import io.grpc.Status;

/** DEADLINE_EXCEEDED: the call's deadline expired before the gateway answered. */
public final class DeadlineExceededException extends GatewayException {
  private static final long serialVersionUID = 1L;

  DeadlineExceededException(Details details, Throwable cause) {
    super(Status.Code.DEADLINE_EXCEEDED, details, cause);
  }
}
