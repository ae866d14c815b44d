// Submit a resting limit order and a market order, follow the market order's fill, cancel
// the limit order, and handle the errors a strategy meets.
//
//   node examples/typescript/quickstart.mjs [host:port]   # default 127.0.0.1:50051
import {
  createGatewayClient,
  FailedPreconditionError,
  InvalidArgumentError,
  OrderStatus,
  OrderType,
  Side,
} from "@ibkr-gateway/client";

const target = process.argv[2] ?? process.env.IBKR_GATEWAY_TARGET ?? "127.0.0.1:50051";
const gateway = createGatewayClient({ baseUrl: `http://${target}` });

// The simulated exchange trades every symbol at 100: a buy limit at 50 rests.
const resting = await gateway.submitOrder({
  contract: { symbol: "AAPL" },
  side: Side.BUY,
  quantity: "10",
  orderType: OrderType.LIMIT,
  limitPrice: "50",
});
console.log("resting", resting.spec?.clientOrderId, OrderStatus[resting.status]);

const bought = await gateway.submitOrder({
  contract: { symbol: "AAPL" },
  side: Side.BUY,
  quantity: "5",
  orderType: OrderType.MARKET,
});
// Replays the order's fills from the start of the journal, then follows them live; a
// dropped connection resumes after the last sequence seen. Amounts are decimal strings:
// exact arithmetic is the caller's choice of decimal library; whole shares suffice here.
let filled = 0;
for await (const event of gateway.fills({ orderId: bought.orderId })) {
  if (event.kind.case !== "fill") continue;
  const fill = event.kind.value;
  filled += Number(fill.quantity);
  console.log("filled", fill.quantity, "@", fill.price);
  if (filled === 5) break;
}

const cancelling = await gateway.cancelOrder(resting.orderId);
console.log("cancel", OrderStatus[cancelling.status]);

try {
  await gateway.cancelOrder(bought.orderId);
} catch (error) {
  if (!(error instanceof FailedPreconditionError)) throw error;
  console.log("already finished:", error.reason);
}

try {
  await gateway.submitOrder({
    contract: { symbol: "AAPL" },
    side: Side.BUY,
    quantity: "0",
    orderType: OrderType.MARKET,
  });
} catch (error) {
  if (!(error instanceof InvalidArgumentError)) throw error;
  for (const violation of error.fieldViolations) {
    console.log("refused:", violation.field, "-", violation.description);
  }
}
