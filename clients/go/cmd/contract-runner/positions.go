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
	sequence int64
	quantity string
}

// positionResume drops StreamPositions of one symbol after drop_after events,
// resumes it after the last sequence read, and checks that both calls together
// read what one uninterrupted call reads, and the quantities if asked.
func (r *runner) positionResume(ctx context.Context, step map[string]any) error {
	symbol, _ := step["symbol"].(string)
	dropAfter, err := asInt(step["drop_after"])
	if err != nil {
		return fmt.Errorf("drop_after: %w", err)
	}
	until, err := asInt(step["until_sequence"])
	if err != nil {
		return fmt.Errorf("until_sequence: %w", err)
	}
	var resumed []positionChange
	if err := r.readPositions(ctx, symbol, 0, &resumed, func() bool { return int64(len(resumed)) >= dropAfter }); err != nil {
		return err
	}
	last := func(list []positionChange) int64 { return list[len(list)-1].sequence }
	if err := r.readPositions(ctx, symbol, last(resumed), &resumed, func() bool { return last(resumed) >= until }); err != nil {
		return err
	}
	var whole []positionChange
	if err := r.readPositions(ctx, symbol, 0, &whole, func() bool { return last(whole) >= until }); err != nil {
		return err
	}
	if !slices.Equal(resumed, whole) {
		return fmt.Errorf("resumed position events %v differ from one read %v", resumed, whole)
	}
	if raw, ok := step["expect_quantities"]; ok {
		want, ok := stringList(raw)
		if !ok {
			return fmt.Errorf("expect_quantities must be a list of strings")
		}
		got := make([]string, len(whole))
		for i, change := range whole {
			got[i] = change.quantity
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("position quantities %s, expected %s", quotedList(got), quotedList(want))
		}
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
		*out = append(*out, positionChange{sequence: event.GetSequence(), quantity: event.GetPosition().GetQuantity()})
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
