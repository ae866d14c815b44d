package gateway

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// closedPort returns an address nothing listens on: a port the system just
// handed out and that was closed again.
func closedPort(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	if err := lis.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func TestDialFailsWithinTheConnectTimeoutWhenNothingListens(t *testing.T) {
	const timeout = 300 * time.Millisecond
	start := time.Now()
	c, err := Dial(context.Background(), closedPort(t), WithConnectTimeout(timeout))
	elapsed := time.Since(start)
	if err == nil {
		_ = c.Close()
		t.Fatal("Dial succeeded with nothing listening")
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != codes.Unavailable {
		t.Errorf("err = %v, want an Unavailable *Error", err)
	}
	if elapsed > 3*timeout {
		t.Errorf("Dial took %v with a connect timeout of %v", elapsed, timeout)
	}
}

func TestDialReturnsTheCallersContextError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Dial(ctx, closedPort(t))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestUnaryCallsHaveADefaultDeadline(t *testing.T) {
	f := &fakeGateway{}
	left := make(chan time.Duration, 1)
	f.getOrder = func(ctx context.Context, _ *gatewayv1.GetOrderRequest) (*gatewayv1.GetOrderResponse, error) {
		deadline, ok := ctx.Deadline()
		if !ok {
			left <- 0
		} else {
			left <- time.Until(deadline)
		}
		return &gatewayv1.GetOrderResponse{Order: &gatewayv1.Order{OrderId: "o1"}}, nil
	}
	c := startFake(t, f)
	if _, err := c.GetOrder(context.Background(), "o1"); err != nil {
		t.Fatal(err)
	}
	// The server sees the deadline the client sent, less the time in transit;
	// its wire format may round it up a little.
	if d := <-left; d <= DefaultCallTimeout/2 || d > DefaultCallTimeout+time.Second {
		t.Errorf("the server saw %v left, want about %v", d, DefaultCallTimeout)
	}
}

func TestAnExpiredCallTimeoutIsDeadlineExceeded(t *testing.T) {
	f := &fakeGateway{}
	var calls atomic.Int32
	f.getOrder = func(ctx context.Context, _ *gatewayv1.GetOrderRequest) (*gatewayv1.GetOrderResponse, error) {
		calls.Add(1)
		<-ctx.Done()
		return nil, status.FromContextError(ctx.Err()).Err()
	}
	c := startFake(t, f, WithCallTimeout(50*time.Millisecond))
	_, err := c.GetOrder(context.Background(), "o1")
	var e *Error
	if !errors.As(err, &e) || e.Code != codes.DeadlineExceeded || !IsDeadlineExceeded(err) {
		t.Errorf("err = %v, want a DeadlineExceeded *Error", err)
	}
	if n := calls.Load(); n > 1 {
		t.Errorf("%d calls: an expired deadline was retried", n)
	}
}

func TestTheCallersDeadlineReplacesTheDefault(t *testing.T) {
	f := &fakeGateway{}
	f.getOrder = func(ctx context.Context, _ *gatewayv1.GetOrderRequest) (*gatewayv1.GetOrderResponse, error) {
		select {
		case <-time.After(100 * time.Millisecond):
			return &gatewayv1.GetOrderResponse{Order: &gatewayv1.Order{OrderId: "o1"}}, nil
		case <-ctx.Done():
			return nil, status.FromContextError(ctx.Err()).Err()
		}
	}
	c := startFake(t, f, WithCallTimeout(10*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.GetOrder(ctx, "o1"); err != nil {
		t.Errorf("err = %v: the client's timeout cut a call whose context allowed longer", err)
	}
}

func TestAFeedGivesUpOnAGatewayThatGoesAway(t *testing.T) {
	f := &fakeGateway{}
	f.events = func(_ int, _ *gatewayv1.StreamOrderEventsRequest, send func(*gatewayv1.StreamOrderEventsResponse) error, ctx context.Context) error {
		if err := sendAll(send, eventMsg(1), eventMsg(2)); err != nil {
			return err
		}
		<-ctx.Done()
		return nil
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	gatewayv1.RegisterOrderGatewayServiceServer(srv, f)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)

	var retries []StreamRetry
	c, err := Dial(context.Background(), lis.Addr().String(),
		WithConnectTimeout(time.Second), WithMaxReconnects(3), WithStreamBackoff(fastRetry),
		WithOnRetry(func(r StreamRetry) { retries = append(retries, r) }))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	var got []int64
	var last error
	for ev, err := range c.OrderEvents(context.Background(), StreamOptions{}) {
		if err != nil {
			last = err
			break
		}
		got = append(got, ev.GetSequence())
		if ev.GetSequence() == 2 {
			srv.Stop() // closes the listener too: every reconnection is refused
		}
	}
	if !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("events %v", got)
	}
	if !IsUnavailable(last) {
		t.Errorf("the feed ended with %v, want Unavailable", last)
	}
	var attempts []int
	for _, r := range retries {
		attempts = append(attempts, r.Attempt)
		if r.AfterSequence != 2 || !IsUnavailable(r.Err) || r.MaxReconnects != 3 {
			t.Errorf("retry reported as %+v", r)
		}
	}
	if !slices.Equal(attempts, []int{1, 2, 3}) {
		t.Errorf("retries reported %v, want [1 2 3]", attempts)
	}
}

func TestTheReconnectCountStartsAgainOnceTheFeedDelivers(t *testing.T) {
	f := &fakeGateway{}
	f.events = func(call int, _ *gatewayv1.StreamOrderEventsRequest, send func(*gatewayv1.StreamOrderEventsResponse) error, _ context.Context) error {
		switch call {
		case 0:
			if err := sendAll(send, eventMsg(1)); err != nil {
				return err
			}
		case 2:
			if err := sendAll(send, heartbeatMsg(1), eventMsg(2)); err != nil {
				return err
			}
		}
		return status.Error(codes.Unavailable, "flapping")
	}
	var attempts []int
	c := startFake(t, f, WithMaxReconnects(2), WithOnRetry(func(r StreamRetry) { attempts = append(attempts, r.Attempt) }))
	got, err := collect(t, c.OrderEvents(context.Background(), StreamOptions{}), 3)
	if !IsUnavailable(err) || !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("events %v, err %v", got, err)
	}
	// Calls 0 and 2 deliver before failing, so each restarts the count; the
	// failures of calls 3 and 4 make three in a row, one over the bound.
	if !slices.Equal(attempts, []int{1, 2, 1, 2}) {
		t.Errorf("retries reported %v, want [1 2 1 2]", attempts)
	}
	if n := len(f.eventRequests()); n != 5 {
		t.Errorf("%d calls, want 5", n)
	}
}
