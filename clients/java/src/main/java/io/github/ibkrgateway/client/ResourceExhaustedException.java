package io.github.ibkrgateway.client;

import io.grpc.Status;

/** RESOURCE_EXHAUSTED: a risk or rate limit, or a stream consumer that fell too far behind. */
public final class ResourceExhaustedException extends GatewayException {
  private static final long serialVersionUID = 1L;

  ResourceExhaustedException(Details details, Throwable cause) {
    super(Status.Code.RESOURCE_EXHAUSTED, details, cause);
  }
}
