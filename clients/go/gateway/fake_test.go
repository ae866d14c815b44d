package gateway

import (
	"context"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// fakeGateway is an in-memory OrderGatewayService whose answers each test
// scripts, so that retries, paging and reconnections can be driven exactly.
type fakeGateway struct {
	gatewayv1.UnimplementedOrderGatewayServiceServer

	submit     func(call int, req *gatewayv1.SubmitOrderRequest) (*gatewayv1.SubmitOrderResponse, error)
	submitMany func(call int, req *gatewayv1.SubmitOrdersRequest) (*gatewayv1.SubmitOrdersResponse, error)
	getOrder   func(ctx context.Context, req *gatewayv1.GetOrderRequest) (*gatewayv1.GetOrderResponse, error)
	listOrders func(req *gatewayv1.ListOrdersRequest) (*gatewayv1.ListOrdersResponse, error)
	cancel     func(req *gatewayv1.CancelOrderRequest) (*gatewayv1.CancelOrderResponse, error)
	events     func(call int, req *gatewayv1.StreamOrderEventsRequest, send func(*gatewayv1.StreamOrderEventsResponse) error, ctx context.Context) error
	fills      func(call int, req *gatewayv1.StreamFillsRequest, send func(*gatewayv1.StreamFillsResponse) error, ctx context.Context) error

	mu          sync.Mutex
	submits     []*gatewayv1.SubmitOrderRequest
	batches     []*gatewayv1.SubmitOrdersRequest
	eventCalls  []*gatewayv1.StreamOrderEventsRequest
	fillCalls   []*gatewayv1.StreamFillsRequest
	listedPages []string
}

func (f *fakeGateway) SubmitOrder(_ context.Context, req *gatewayv1.SubmitOrderRequest) (*gatewayv1.SubmitOrderResponse, error) {
	f.mu.Lock()
	f.submits = append(f.submits, req)
	n := len(f.submits) - 1
	f.mu.Unlock()
	return f.submit(n, req)
}

func (f *fakeGateway) SubmitOrders(_ context.Context, req *gatewayv1.SubmitOrdersRequest) (*gatewayv1.SubmitOrdersResponse, error) {
	f.mu.Lock()
	f.batches = append(f.batches, req)
	n := len(f.batches) - 1
	f.mu.Unlock()
	return f.submitMany(n, req)
}

func (f *fakeGateway) batchRequests() []*gatewayv1.SubmitOrdersRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.batches)
}

func (f *fakeGateway) GetOrder(ctx context.Context, req *gatewayv1.GetOrderRequest) (*gatewayv1.GetOrderResponse, error) {
	return f.getOrder(ctx, req)
}

func (f *fakeGateway) CancelOrder(_ context.Context, req *gatewayv1.CancelOrderRequest) (*gatewayv1.CancelOrderResponse, error) {
	return f.cancel(req)
}

func (f *fakeGateway) ListOrders(_ context.Context, req *gatewayv1.ListOrdersRequest) (*gatewayv1.ListOrdersResponse, error) {
	f.mu.Lock()
	f.listedPages = append(f.listedPages, req.GetPageToken())
	f.mu.Unlock()
	return f.listOrders(req)
}

func (f *fakeGateway) StreamOrderEvents(req *gatewayv1.StreamOrderEventsRequest, srv grpc.ServerStreamingServer[gatewayv1.StreamOrderEventsResponse]) error {
	f.mu.Lock()
	f.eventCalls = append(f.eventCalls, req)
	n := len(f.eventCalls) - 1
	f.mu.Unlock()
	return f.events(n, req, srv.Send, srv.Context())
}

func (f *fakeGateway) StreamFills(req *gatewayv1.StreamFillsRequest, srv grpc.ServerStreamingServer[gatewayv1.StreamFillsResponse]) error {
	f.mu.Lock()
	f.fillCalls = append(f.fillCalls, req)
	n := len(f.fillCalls) - 1
	f.mu.Unlock()
	return f.fills(n, req, srv.Send, srv.Context())
}

func (f *fakeGateway) eventRequests() []*gatewayv1.StreamOrderEventsRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.eventCalls)
}

func (f *fakeGateway) submitRequests() []*gatewayv1.SubmitOrderRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.submits)
}

// fastRetry keeps the tests quick; the policy's shape is what is under test.
var fastRetry = RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Multiplier: 2}

// startFake serves f over an in-memory listener and returns a client of it.
func startFake(t *testing.T, f *fakeGateway, opts ...Option) *Client {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer()
	gatewayv1.RegisterOrderGatewayServiceServer(srv, f)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)

	conn, err := grpc.NewClient("passthrough:///fake",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return New(conn, append([]Option{WithRetryPolicy(fastRetry), WithStreamBackoff(fastRetry)}, opts...)...)
}

func eventMsg(seq int64) *gatewayv1.StreamOrderEventsResponse {
	return &gatewayv1.StreamOrderEventsResponse{Payload: &gatewayv1.StreamOrderEventsResponse_Event{
		Event: &gatewayv1.OrderEvent{Sequence: seq, OrderId: "o1"},
	}}
}

func heartbeatMsg(last int64) *gatewayv1.StreamOrderEventsResponse {
	return &gatewayv1.StreamOrderEventsResponse{Payload: &gatewayv1.StreamOrderEventsResponse_Heartbeat{
		Heartbeat: &gatewayv1.Heartbeat{LastSequence: last},
	}}
}

// sendAll sends msgs in order and stops at the first failure.
func sendAll[M any](send func(M) error, msgs ...M) error {
	for _, m := range msgs {
		if err := send(m); err != nil {
			return err
		}
	}
	return nil
}
