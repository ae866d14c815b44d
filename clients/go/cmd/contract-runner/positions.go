package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"google.golang.org/grpc/status"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// positionChange is what the position resume compares of each event.
type positionChange struct {
	sequence         int64
	quantity         string
	previousQuantity string
	orderID          string
}

// seen is what both reads must agree on.
func (c positionChange) seen() string { return fmt.Sprintf("%d:%s", c.sequence, c.quantity) }

// positionResume drops StreamPositions of one symbol after drop_after events,
// resumes it after the last sequence read until as many events as
// expect_orders lists, and checks that both calls together read what one
// uninterrupted call reads, that each event starts from the quantity the one
// before left, and which orders the events came from.
func (r *runner) positionResume(ctx context.Context, step map[string]any) error {
	symbol, _ := step["symbol"].(string)
	start := int64(0)
	if raw, ok := step["after_sequence"]; ok {
		var err error
		if start, err = asInt(raw); err != nil {
			return fmt.Errorf("after_sequence: %w", err)
		}
	}
	dropAfter, err := asInt(step["drop_after"])
	if err != nil {
		return fmt.Errorf("drop_after: %w", err)
	}
	wantOrders, ok := stringList(step["expect_orders"])
	if !ok {
		return fmt.Errorf("expect_orders must be a list of strings")
	}
	count := len(wantOrders)
	var resumed []positionChange
	if err := r.readPositions(ctx, symbol, start, &resumed, func() bool { return int64(len(resumed)) >= dropAfter }); err != nil {
		return err
	}
	if err := r.readPositions(ctx, symbol, resumed[len(resumed)-1].sequence, &resumed, func() bool { return len(resumed) >= count }); err != nil {
		return err
	}
	var whole []positionChange
	if err := r.readPositions(ctx, symbol, start, &whole, func() bool { return len(whole) >= count }); err != nil {
		return err
	}
	seen := func(changes []positionChange) []string {
		out := make([]string, len(changes))
		for i, c := range changes {
			out[i] = c.seen()
		}
		return out
	}
	if !slices.Equal(seen(resumed), seen(whole)) {
		return fmt.Errorf("resumed position events %v differ from one read %v", seen(resumed), seen(whole))
	}
	gotOrders := make([]string, len(whole))
	for i, c := range whole {
		gotOrders[i] = c.orderID
		if i > 0 && c.previousQuantity != whole[i-1].quantity {
			return fmt.Errorf("event %d was %q before, not %q", c.sequence, c.previousQuantity, whole[i-1].quantity)
		}
	}
	if !slices.Equal(gotOrders, wantOrders) {
		return fmt.Errorf("position events of orders %s, expected %s", quotedList(gotOrders), quotedList(wantOrders))
	}
	if want, ok := step["expect_last_quantity"].(string); ok && whole[len(whole)-1].quantity != want {
		return fmt.Errorf("last quantity %q, expected %q", whole[len(whole)-1].quantity, want)
	}
	return nil
}

// readPositions follows StreamPositions of symbol after the given sequence,
// appending each change (heartbeats skipped) to out until done; then it
// cancels the call.
func (r *runner) readPositions(ctx context.Context, symbol string, after int64, out *[]positionChange, done func() bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := r.accounts.StreamPositions(ctx, &gatewayv1.StreamPositionsRequest{AfterSequence: after, Symbol: symbol})
	for err == nil {
		var msg *gatewayv1.StreamPositionsResponse
		if msg, err = stream.Recv(); err != nil {
			break
		}
		event := msg.GetEvent()
		if event == nil {
			continue
		}
		*out = append(*out, positionChange{
			sequence:         event.GetSequence(),
			quantity:         event.GetPosition().GetQuantity(),
			previousQuantity: event.GetPreviousQuantity(),
			orderID:          event.GetOrderId(),
		})
		if done() {
			return nil
		}
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("position stream ended early")
	}
	st := status.Convert(err)
	return fmt.Errorf("StreamPositions failed: %s %s", codeName(st.Code()), st.Message())
}
