package io.github.ibkrgateway.client;

import io.grpc.Status;

/** FAILED_PRECONDITION: e.g. a cancel or modify of a finished order, or the kill switch engaged. */
public final class FailedPreconditionException extends GatewayException {
  private static final long serialVersionUID = 1L;

  FailedPreconditionException(Details details, Throwable cause) {
    super(Status.Code.FAILED_PRECONDITION, details, cause);
  }
}
