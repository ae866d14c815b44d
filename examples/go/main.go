// Quickstart submits a resting limit order and a market order, follows the market
// order's fill, cancels the limit order, and handles the errors a strategy meets.
//
//	go run . [host:port]   # default 127.0.0.1:50051
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math/big"
	"os"

	"github.com/ibkr-gateway/ibkr-gateway/clients/go/gateway"
	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

func run(ctx context.Context, target string) error {
	c, err := gateway.Dial(ctx, target)
	if err != nil {
		return err
	}
	defer c.Close()

	// The simulated exchange trades every symbol at 100: a buy limit at 50 rests.
	resting, err := c.SubmitOrder(ctx, &gatewayv1.OrderSpec{
		Contract: &gatewayv1.Contract{Symbol: "AAPL"}, Side: gatewayv1.Side_SIDE_BUY,
		Quantity: "10", OrderType: gatewayv1.OrderType_ORDER_TYPE_LIMIT, LimitPrice: "50",
	})
	if err != nil {
		return err
	}
	fmt.Println("resting", resting.GetSpec().GetClientOrderId(), statusName(resting))

	bought, err := c.SubmitOrder(ctx, &gatewayv1.OrderSpec{
		Contract: &gatewayv1.Contract{Symbol: "AAPL"}, Side: gatewayv1.Side_SIDE_BUY,
		Quantity: "5", OrderType: gatewayv1.OrderType_ORDER_TYPE_MARKET,
	})
	if err != nil {
		return err
	}
	// Replays the order's fills from the start of the journal, then follows them
	// live; a dropped connection resumes after the last sequence seen.
	// Amounts are decimal strings; big.Rat adds them exactly.
	want, _ := new(big.Rat).SetString(bought.GetSpec().GetQuantity())
	filled := new(big.Rat)
	for event, err := range c.Fills(ctx, gateway.StreamOptions{OrderID: bought.GetOrderId()}) {
		if err != nil {
			return err
		}
		fill := event.GetFill()
		quantity, ok := new(big.Rat).SetString(fill.GetQuantity())
		if !ok {
			return fmt.Errorf("fill quantity %q is not a decimal", fill.GetQuantity())
		}
		filled.Add(filled, quantity)
		fmt.Println("filled", fill.GetQuantity(), "@", fill.GetPrice())
		if filled.Cmp(want) == 0 {
			break
		}
	}

	cancelling, err := c.CancelOrder(ctx, resting.GetOrderId())
	if err != nil {
		return err
	}
	fmt.Println("cancel", statusName(cancelling))

	var gwErr *gateway.Error
	if _, err := c.CancelOrder(ctx, bought.GetOrderId()); gateway.IsFailedPrecondition(err) && errors.As(err, &gwErr) {
		fmt.Println("already finished:", gwErr.Reason)
	} else if err != nil {
		return err
	}

	_, err = c.SubmitOrder(ctx, &gatewayv1.OrderSpec{
		Contract: &gatewayv1.Contract{Symbol: "AAPL"}, Side: gatewayv1.Side_SIDE_BUY,
		Quantity: "0", OrderType: gatewayv1.OrderType_ORDER_TYPE_MARKET,
	})
	if !gateway.IsInvalidArgument(err) || !errors.As(err, &gwErr) {
		return fmt.Errorf("expected INVALID_ARGUMENT, got %v", err)
	}
	for _, v := range gwErr.FieldViolations {
		fmt.Println("refused:", v.Field, "-", v.Description)
	}
	return nil
}

// statusName is the status as the other clients print it, e.g. "PENDING_SUBMIT".
func statusName(o *gatewayv1.Order) string {
	return o.GetStatus().String()[len("ORDER_STATUS_"):]
}

func main() {
	target := os.Getenv("IBKR_GATEWAY_TARGET")
	if len(os.Args) > 1 {
		target = os.Args[1]
	}
	if target == "" {
		target = "127.0.0.1:50051"
	}
	if err := run(context.Background(), target); err != nil {
		log.Fatal(err)
	}
}
