package io.github.ibkrgateway.client;

import java.time.Instant;
import java.util.List;

/**
 * One mutating call as the gateway audited it: who made it, the method, the request as
 * protobuf JSON, the resulting status code name and the accounts it acted on.
 */
public record AuditRecord(
    long id,
    Instant time,
    String principal,
    String method,
    String requestJson,
    String status,
    String detail,
    List<String> accounts,
    io.github.ibkrgateway.v1.AuditRecord proto) {

  public static AuditRecord fromProto(io.github.ibkrgateway.v1.AuditRecord msg) {
    return new AuditRecord(
        msg.getId(),
        Order.instant(msg.getTime()),
        msg.getPrincipal(),
        msg.getMethod(),
        msg.getRequestJson(),
        msg.getStatus(),
        msg.getDetail(),
        List.copyOf(msg.getAccountsList()),
        msg);
  }
}
