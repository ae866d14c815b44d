package io.github.ibkrgateway.client;

import io.grpc.Status;

/** PERMISSION_DENIED: the token lacks the scope or the account. */
public final class PermissionDeniedException extends GatewayException {
  private static final long serialVersionUID = 1L;

  PermissionDeniedException(Details details, Throwable cause) {
    super(Status.Code.PERMISSION_DENIED, details, cause);
  }
}
