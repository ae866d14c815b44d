package gateway

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

func overflow(t *testing.T) error {
	t.Helper()
	st, err := status.New(codes.ResourceExhausted, "stream cut").
		WithDetails(&errdetails.ErrorInfo{Reason: "STREAM_BUFFER_OVERFLOW", Domain: ErrorDomain})
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

// collect ranges over seq until it has n events or an error.
func collect(t *testing.T, seq func(func(*gatewayv1.OrderEvent, error) bool), n int) ([]int64, error) {
	t.Helper()
	var got []int64
	for ev, err := range seq {
		if err != nil {
			return got, err
		}
		got = append(got, ev.GetSequence())
		if len(got) == n {
			break
		}
	}
	return got, nil
}

func TestOrderEventsResumeWithoutGapOrDuplicate(t *testing.T) {
	f := &fakeGateway{}
	f.events = func(call int, req *gatewayv1.StreamOrderEventsRequest, send func(*gatewayv1.StreamOrderEventsResponse) error, ctx context.Context) error {
		switch call {
		case 0: // cut by a gateway shutdown after three events
			if err := sendAll(send, eventMsg(1), eventMsg(2), eventMsg(3)); err != nil {
				return err
			}
			return status.Error(codes.Unavailable, "the gateway is shutting down")
		case 1: // a replay overlapping what was delivered, a stale heartbeat, a new event,
			// then a heartbeat past filtered-out events; cut for overflow
			if err := sendAll(send, eventMsg(2), eventMsg(3), heartbeatMsg(1), eventMsg(4), heartbeatMsg(6)); err != nil {
				return err
			}
			return overflow(t)
		default: // ends cleanly, which a live feed never should
			if err := sendAll(send, eventMsg(7)); err != nil {
				return err
			}
			if call == 2 {
				return nil
			}
			if err := sendAll(send, eventMsg(8)); err != nil {
				return err
			}
			<-ctx.Done()
			return nil
		}
	}
	c := startFake(t, f)

	var reconnects []error
	opts := StreamOptions{Account: "DU1", OnReconnect: func(err error, _ int64) { reconnects = append(reconnects, err) }}
	got, err := collect(t, c.OrderEvents(context.Background(), opts), 6)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{1, 2, 3, 4, 7, 8}; !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}

	var afters []int64
	for _, req := range f.eventRequests() {
		afters = append(afters, req.GetAfterSequence())
		if req.GetAccount() != "DU1" || req.GetHeartbeatInterval().AsDuration() != DefaultHeartbeatInterval {
			t.Errorf("request lost its options: %v", req)
		}
	}
	// After 3, the last event; after 6, the heartbeat; after 7, the event
	// delivered before the clean end.
	if want := []int64{0, 3, 6, 7}; !slices.Equal(afters, want) {
		t.Errorf("resumed after %v, want %v", afters, want)
	}
	if len(reconnects) != 3 || !IsUnavailable(reconnects[0]) || !IsResourceExhausted(reconnects[1]) ||
		!errors.Is(reconnects[2], ErrStreamEnded) {
		t.Errorf("reconnect causes %v", reconnects)
	}
}

func TestOrderEventsReconnectsAStalledStream(t *testing.T) {
	f := &fakeGateway{}
	f.events = func(call int, _ *gatewayv1.StreamOrderEventsRequest, send func(*gatewayv1.StreamOrderEventsResponse) error, ctx context.Context) error {
		if call == 0 {
			if err := sendAll(send, eventMsg(5)); err != nil {
				return err
			}
			<-ctx.Done() // silent: no event, no heartbeat
			return ctx.Err()
		}
		if err := sendAll(send, eventMsg(6)); err != nil {
			return err
		}
		<-ctx.Done()
		return nil
	}
	c := startFake(t, f)

	var cause error
	var resumeAfter int64
	opts := StreamOptions{
		AfterSequence:     4,
		HeartbeatInterval: 20 * time.Millisecond,
		OnReconnect:       func(err error, after int64) { cause, resumeAfter = err, after },
	}
	start := time.Now()
	got, err := collect(t, c.OrderEvents(context.Background(), opts), 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []int64{5, 6}) {
		t.Errorf("events %v", got)
	}
	if !errors.Is(cause, ErrStalled) || resumeAfter != 5 {
		t.Errorf("reconnected for %v after %d, want ErrStalled after 5", cause, resumeAfter)
	}
	if elapsed := time.Since(start); elapsed < 3*opts.HeartbeatInterval {
		t.Errorf("declared stalled after %v, before three heartbeat intervals", elapsed)
	}
}

func TestSlowConsumerIsNotAStall(t *testing.T) {
	// Event 2 is held back until the consumer is done with event 1, so the
	// client must still be listening on the original call to get it.
	handled := make(chan struct{})
	f := &fakeGateway{}
	f.events = func(_ int, _ *gatewayv1.StreamOrderEventsRequest, send func(*gatewayv1.StreamOrderEventsResponse) error, ctx context.Context) error {
		if err := sendAll(send, eventMsg(1)); err != nil {
			return err
		}
		select {
		case <-handled:
		case <-ctx.Done():
			return nil
		}
		if err := sendAll(send, eventMsg(2)); err != nil {
			return err
		}
		<-ctx.Done()
		return nil
	}
	c := startFake(t, f)
	opts := StreamOptions{HeartbeatInterval: 10 * time.Millisecond}
	var got []int64
	for ev, err := range c.OrderEvents(context.Background(), opts) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.GetSequence())
		if len(got) == 2 {
			break
		}
		time.Sleep(100 * time.Millisecond) // ten heartbeat intervals holding event 1
		close(handled)
	}
	if n := len(f.eventRequests()); n != 1 {
		t.Errorf("%d calls: the consumer's pause was taken for a stall", n)
	}
}

func TestOrderEventsEndOnAnErrorReconnectingCannotCure(t *testing.T) {
	f := &fakeGateway{}
	f.events = func(int, *gatewayv1.StreamOrderEventsRequest, func(*gatewayv1.StreamOrderEventsResponse) error, context.Context) error {
		return status.Error(codes.InvalidArgument, "after_sequence 99 is ahead of the journal")
	}
	c := startFake(t, f)
	_, err := collect(t, c.OrderEvents(context.Background(), StreamOptions{AfterSequence: 99}), 1)
	var e *Error
	if !errors.As(err, &e) || e.Code != codes.InvalidArgument {
		t.Fatalf("err = %v, want an InvalidArgument *Error", err)
	}
	if n := len(f.eventRequests()); n != 1 {
		t.Errorf("%d calls for a permanent error", n)
	}
}

func TestOrderEventsGiveUpAfterMaxReconnects(t *testing.T) {
	f := &fakeGateway{}
	f.events = func(int, *gatewayv1.StreamOrderEventsRequest, func(*gatewayv1.StreamOrderEventsResponse) error, context.Context) error {
		return status.Error(codes.Unavailable, "down")
	}
	var retries []StreamRetry
	c := startFake(t, f, WithMaxReconnects(3), WithOnRetry(func(r StreamRetry) { retries = append(retries, r) }))
	_, err := collect(t, c.OrderEvents(context.Background(), StreamOptions{AfterSequence: 7}), 1)
	if n := len(f.eventRequests()); !IsUnavailable(err) || n != 4 {
		t.Errorf("err %v after %d calls, want Unavailable after the first call and 3 reconnections", err, n)
	}
	if len(retries) != 3 {
		t.Fatalf("%d retries reported, want 3", len(retries))
	}
	for i, r := range retries {
		if r.Attempt != i+1 || r.MaxReconnects != 3 || r.AfterSequence != 7 || !IsUnavailable(r.Err) {
			t.Errorf("retry %d reported as %+v", i, r)
		}
	}
}

func TestOrderEventsStopWithTheirContext(t *testing.T) {
	f := &fakeGateway{}
	f.events = func(_ int, _ *gatewayv1.StreamOrderEventsRequest, send func(*gatewayv1.StreamOrderEventsResponse) error, ctx context.Context) error {
		if err := sendAll(send, eventMsg(1)); err != nil {
			return err
		}
		<-ctx.Done()
		return nil
	}
	c := startFake(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	for ev, err := range c.OrderEvents(ctx, StreamOptions{}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ev.GetSequence() == 1 {
			cancel()
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("errors %v, want one context.Canceled", errs)
	}
}

func TestFillsFollowStreamFills(t *testing.T) {
	f := &fakeGateway{}
	f.fills = func(call int, req *gatewayv1.StreamFillsRequest, send func(*gatewayv1.StreamFillsResponse) error, ctx context.Context) error {
		fill := func(seq int64) *gatewayv1.StreamFillsResponse {
			return &gatewayv1.StreamFillsResponse{Payload: &gatewayv1.StreamFillsResponse_Event{Event: &gatewayv1.OrderEvent{
				Sequence: seq, Kind: &gatewayv1.OrderEvent_Fill{Fill: &gatewayv1.Fill{Sequence: seq, Quantity: "10", Price: "187.25"}},
			}}}
		}
		if call == 0 {
			if err := sendAll(send, fill(3)); err != nil {
				return err
			}
			return status.Error(codes.Unavailable, "restart")
		}
		if err := sendAll(send, fill(3), fill(9)); err != nil {
			return err
		}
		<-ctx.Done()
		return nil
	}
	c := startFake(t, f)
	var prices []string
	for ev, err := range c.Fills(context.Background(), StreamOptions{OrderID: "o1"}) {
		if err != nil {
			t.Fatal(err)
		}
		prices = append(prices, ev.GetFill().GetPrice())
		if ev.GetSequence() == 9 {
			break
		}
	}
	if len(prices) != 2 || prices[0] != "187.25" {
		t.Errorf("fills %v", prices)
	}
	f.mu.Lock()
	resumed := f.fillCalls[1]
	f.mu.Unlock()
	if resumed.GetAfterSequence() != 3 || resumed.GetOrderId() != "o1" {
		t.Errorf("resumed with %v", resumed)
	}
}

func TestResumable(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{ErrStalled, true},
		{ErrStreamEnded, true},
		{ErrorFromStatus(status.New(codes.Unavailable, "")), true},
		{ErrorFromStatus(status.Convert(overflow(t))), true},
		{ErrorFromStatus(status.New(codes.ResourceExhausted, "message too large")), false},
		{ErrorFromStatus(status.New(codes.InvalidArgument, "")), false},
		{ErrorFromStatus(status.New(codes.Internal, "")), false},
		{context.Canceled, false},
	}
	for _, c := range cases {
		if got := resumable(c.err); got != c.want {
			t.Errorf("resumable(%v) = %v", c.err, got)
		}
	}
}
