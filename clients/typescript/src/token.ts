/**
 * The bearer token: added to the headers of every call a transport makes, so that the
 * wrapped calls, the raw clients and a transport given by the caller all carry it.
 */
import type { Transport } from "@connectrpc/connect";

/**
 * A header value carries no control characters or line breaks; a token with one would
 * fail every call deep inside HTTP/2, so it is refused here, at construction.
 */
const TOKEN = /^[\x21-\x7e]+$/;

export function withBearerToken(transport: Transport, token: string): Transport {
  if (!TOKEN.test(token)) {
    throw new TypeError("token must be printable ASCII without spaces");
  }
  const value = `Bearer ${token}`;
  const headers = (init: Parameters<Transport["unary"]>[3]): Headers => {
    const out = new Headers(init as ConstructorParameters<typeof Headers>[0]);
    out.set("authorization", value);
    return out;
  };
  return {
    unary: (method, signal, timeoutMs, header, input, contextValues) =>
      transport.unary(method, signal, timeoutMs, headers(header), input, contextValues),
    stream: (method, signal, timeoutMs, header, input, contextValues) =>
      transport.stream(method, signal, timeoutMs, headers(header), input, contextValues),
  };
}
