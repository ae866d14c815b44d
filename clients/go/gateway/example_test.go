package gateway_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/ibkr-gateway/ibkr-gateway/clients/go/gateway"
	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// Submits a limit order, cancels it, and follows fills from the start of the
// journal. Needs a running gateway, so it is compiled but not run by go test.
func Example() {
	ctx := context.Background()
	c, err := gateway.Dial(ctx, "127.0.0.1:50051")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	order, err := c.SubmitOrder(ctx, &gatewayv1.OrderSpec{
		ClientOrderId: "strategy-a-0001", // or leave empty for a generated id
		Contract:      &gatewayv1.Contract{Symbol: "AAPL"},
		Side:          gatewayv1.Side_SIDE_BUY,
		Quantity:      "10",
		OrderType:     gatewayv1.OrderType_ORDER_TYPE_LIMIT,
		LimitPrice:    "187.25",
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.CancelOrder(ctx, order.GetOrderId()); gateway.IsFailedPrecondition(err) {
		fmt.Println("already filled")
	} else if err != nil {
		log.Fatal(err)
	}

	// Reconnects on its own; persist ev.Sequence and pass it as AfterSequence
	// to continue after a restart.
	for ev, err := range c.Fills(ctx, gateway.StreamOptions{AfterSequence: 0}) {
		if err != nil {
			log.Fatal(err)
		}
		f := ev.GetFill()
		fmt.Println(ev.GetSequence(), f.GetSymbol(), f.GetSide(), f.GetQuantity(), "@", f.GetPrice())
	}
}

// Tells a malformed order from a reused client_order_id and from a gateway
// that is away.
func ExampleError() {
	ctx := context.Background()
	c, err := gateway.Dial(ctx, "127.0.0.1:50051")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	_, err = c.SubmitOrder(ctx, &gatewayv1.OrderSpec{
		Contract:  &gatewayv1.Contract{Symbol: "AAPL"},
		Side:      gatewayv1.Side_SIDE_BUY,
		Quantity:  "0",
		OrderType: gatewayv1.OrderType_ORDER_TYPE_MARKET,
	})
	var gwErr *gateway.Error
	switch {
	case err == nil:
	case gateway.IsInvalidArgument(err) && errors.As(err, &gwErr):
		for _, v := range gwErr.FieldViolations {
			fmt.Printf("%s: %s\n", v.Field, v.Description) // order.quantity: ...
		}
	case gateway.IsAlreadyExists(err):
		fmt.Println("client_order_id already used for another order:", gateway.Reason(err))
	case gateway.IsUnavailable(err):
		fmt.Println("gateway unavailable after retries")
	default:
		log.Fatal(err)
	}
}
