package io.github.ibkrgateway.client;

/**
 * One invalid request field, from {@code google.rpc.BadRequest}.
 *
 * @param field the field's path in the request, e.g. {@code order.limit_price}
 * @param description what is wrong with it
 */
public record FieldViolation(String field, String description) {}
