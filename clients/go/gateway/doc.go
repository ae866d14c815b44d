// Package gateway is a Go client for the IBKR order gateway
// (ibkr.gateway.v1.OrderGatewayService and AccountService).
//
// It wraps the generated stubs in package gatewayv1 and adds what every
// strategy otherwise writes itself: safe retries of order submission, paging,
// order, fill and position feeds that resume after a dropped or stalled
// connection without losing or repeating an event, and typed errors carrying
// the gateway's google.rpc details. It also lists positions and the account
// summary, previews orders, and works the kill switch and the audit trail;
// WithToken sends a bearer token with every call.
//
// Nothing waits silently. Dial gives up after a connect timeout
// (DefaultConnectTimeout, WithConnectTimeout); each attempt of a unary call
// whose context has no deadline gets one (DefaultCallTimeout,
// WithCallTimeout); and OrderEvents, Fills and Positions end with the last
// error after DefaultMaxReconnects failed reconnections in a row
// (WithMaxReconnects), reporting each one to WithOnRetry.
//
// Messages are the generated protobuf types. Quantities and prices stay
// decimal strings ("187.25"), as on the wire, so that no amount passes
// through a float.
//
//	c, err := gateway.Dial(ctx, "127.0.0.1:50051")
//	if err != nil { ... }
//	defer c.Close()
//	order, err := c.SubmitOrder(ctx, &gatewayv1.OrderSpec{
//		Contract:  &gatewayv1.Contract{Symbol: "AAPL"},
//		Side:      gatewayv1.Side_SIDE_BUY,
//		Quantity:  "100",
//		OrderType: gatewayv1.OrderType_ORDER_TYPE_MARKET,
//	})
package gateway
