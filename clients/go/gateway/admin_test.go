package gateway

import (
	"context"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// testTimeout bounds a feed test that would otherwise wait forever when the
// client misbehaves.
const testTimeout = 10 * time.Second

// fakeAdmin scripts the preview, kill switch and audit calls.
type fakeAdmin struct {
	gatewayv1.UnimplementedOrderGatewayServiceServer

	mu       sync.Mutex
	previews int
	sets     []*gatewayv1.SetKillSwitchRequest
	gets     int
	pages    []string
}

func (f *fakeAdmin) PreviewOrder(_ context.Context, req *gatewayv1.PreviewOrderRequest) (*gatewayv1.PreviewOrderResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.previews++
	if f.previews == 1 {
		return nil, status.Error(codes.Unavailable, "restarting")
	}
	return &gatewayv1.PreviewOrderResponse{Order: req.GetOrder(), EstimatedPrice: "110", PositionBefore: "60", PositionAfter: "20"}, nil
}

func (f *fakeAdmin) SetKillSwitch(_ context.Context, req *gatewayv1.SetKillSwitchRequest) (*gatewayv1.SetKillSwitchResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sets = append(f.sets, req)
	if req.GetReason() == "flaky" {
		return nil, status.Error(codes.Unavailable, "restarting")
	}
	return &gatewayv1.SetKillSwitchResponse{
		KillSwitch:      &gatewayv1.KillSwitch{Engaged: req.GetEngaged(), Reason: req.GetReason()},
		CancelledOrders: []*gatewayv1.Order{{OrderId: "o1"}},
	}, nil
}

func (f *fakeAdmin) GetKillSwitch(context.Context, *gatewayv1.GetKillSwitchRequest) (*gatewayv1.GetKillSwitchResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	if f.gets == 1 {
		return nil, status.Error(codes.Unavailable, "restarting")
	}
	return &gatewayv1.GetKillSwitchResponse{KillSwitch: &gatewayv1.KillSwitch{Engaged: true, Reason: "drill"}}, nil
}

func (f *fakeAdmin) ListAuditRecords(_ context.Context, req *gatewayv1.ListAuditRecordsRequest) (*gatewayv1.ListAuditRecordsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pages = append(f.pages, req.GetPageToken())
	if req.GetPageToken() == "" {
		return &gatewayv1.ListAuditRecordsResponse{Records: []*gatewayv1.AuditRecord{{Id: 1}, {Id: 2}}, NextPageToken: "p2"}, nil
	}
	return &gatewayv1.ListAuditRecordsResponse{Records: []*gatewayv1.AuditRecord{{Id: 3}}}, nil
}

// fakePositions scripts StreamPositions, one function per call.
type fakePositions struct {
	gatewayv1.UnimplementedAccountServiceServer

	mu       sync.Mutex
	requests []*gatewayv1.StreamPositionsRequest
	script   func(call int, req *gatewayv1.StreamPositionsRequest, srv grpc.ServerStreamingServer[gatewayv1.StreamPositionsResponse]) error
}

func (f *fakePositions) StreamPositions(req *gatewayv1.StreamPositionsRequest, srv grpc.ServerStreamingServer[gatewayv1.StreamPositionsResponse]) error {
	f.mu.Lock()
	f.requests = append(f.requests, req)
	n := len(f.requests) - 1
	f.mu.Unlock()
	return f.script(n, req, srv)
}

func positionMsg(seq int64, quantity string) *gatewayv1.StreamPositionsResponse {
	return &gatewayv1.StreamPositionsResponse{Payload: &gatewayv1.StreamPositionsResponse_Event{
		Event: &gatewayv1.PositionEvent{Sequence: seq, Position: &gatewayv1.Position{Quantity: quantity}},
	}}
}

// startAdmin serves both fakes on one in-memory listener, recording the
// authorization header of every call, and returns a client of them.
func startAdmin(t *testing.T, admin *fakeAdmin, positions *fakePositions, opts ...Option) (*Client, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	record := func(ctx context.Context) {
		md, _ := metadata.FromIncomingContext(ctx)
		mu.Lock()
		seen = append(seen, md.Get("authorization")...)
		if len(md.Get("authorization")) == 0 {
			seen = append(seen, "")
		}
		mu.Unlock()
	}
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(
		grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			record(ctx)
			return handler(ctx, req)
		}),
		grpc.StreamInterceptor(func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
			record(ss.Context())
			return handler(srv, ss)
		}),
	)
	gatewayv1.RegisterOrderGatewayServiceServer(srv, admin)
	gatewayv1.RegisterAccountServiceServer(srv, positions)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///fake",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	client := New(conn, append([]Option{WithRetryPolicy(fastRetry), WithStreamBackoff(fastRetry)}, opts...)...)
	return client, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

func TestPositionsResumeAfterTheLastSequenceSeen(t *testing.T) {
	positions := &fakePositions{script: func(call int, req *gatewayv1.StreamPositionsRequest, srv grpc.ServerStreamingServer[gatewayv1.StreamPositionsResponse]) error {
		after := req.GetAfterSequence()
		if call == 0 {
			if err := sendAll(srv.Send, positionMsg(after+1, "50"), positionMsg(after+2, "60")); err != nil {
				return err
			}
			return status.Error(codes.Unavailable, "restarting")
		}
		// A replay overlapping what was delivered: the duplicate must not reach the caller.
		if err := sendAll(srv.Send, positionMsg(after, "60"), positionMsg(after+1, "70")); err != nil {
			return err
		}
		<-srv.Context().Done()
		return nil
	}}
	client, _ := startAdmin(t, &fakeAdmin{}, positions)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	var got []int64
	for ev, err := range client.Positions(ctx, PositionStreamOptions{AfterSequence: 4, Account: "DU1", Symbol: "AAPL"}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.GetSequence())
		if len(got) == 3 {
			break
		}
	}
	if !slices.Equal(got, []int64{5, 6, 7}) {
		t.Errorf("sequences %v, want [5 6 7]", got)
	}
	positions.mu.Lock()
	defer positions.mu.Unlock()
	var afters []int64
	for _, req := range positions.requests {
		afters = append(afters, req.GetAfterSequence())
		if req.GetAccount() != "DU1" || req.GetSymbol() != "AAPL" {
			t.Errorf("request %v lost its filter", req)
		}
	}
	if !slices.Equal(afters, []int64{4, 6}) {
		t.Errorf("calls resumed after %v, want [4 6]", afters)
	}
}

func TestPositionsGiveUpAfterMaxReconnects(t *testing.T) {
	positions := &fakePositions{script: func(int, *gatewayv1.StreamPositionsRequest, grpc.ServerStreamingServer[gatewayv1.StreamPositionsResponse]) error {
		return status.Error(codes.Unavailable, "gone")
	}}
	client, _ := startAdmin(t, &fakeAdmin{}, positions, WithMaxReconnects(2))
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	var last error
	for _, err := range client.Positions(ctx, PositionStreamOptions{}) {
		last = err
	}
	if !IsUnavailable(last) {
		t.Fatalf("feed ended with %v, want UNAVAILABLE", last)
	}
	positions.mu.Lock()
	defer positions.mu.Unlock()
	if len(positions.requests) != 3 {
		t.Errorf("%d calls, want 3 (one and two reconnects)", len(positions.requests))
	}
}

func TestPreviewOrderIsRetried(t *testing.T) {
	admin := &fakeAdmin{}
	client, _ := startAdmin(t, admin, &fakePositions{})
	resp, err := client.PreviewOrder(context.Background(), &gatewayv1.OrderSpec{Quantity: "40"})
	if err != nil {
		t.Fatal(err)
	}
	if admin.previews != 2 || resp.GetPositionAfter() != "20" || resp.GetOrder().GetQuantity() != "40" {
		t.Errorf("previews %d, response %v", admin.previews, resp)
	}
}

func TestKillSwitchSetOnceAndGetRetried(t *testing.T) {
	admin := &fakeAdmin{}
	client, _ := startAdmin(t, admin, &fakePositions{})
	ctx := context.Background()
	if _, err := client.SetKillSwitch(ctx, &gatewayv1.SetKillSwitchRequest{Engaged: true, Reason: "flaky"}); !IsUnavailable(err) {
		t.Fatalf("SetKillSwitch = %v, want UNAVAILABLE", err)
	}
	if len(admin.sets) != 1 {
		t.Fatalf("SetKillSwitch sent %d times, want once", len(admin.sets))
	}
	resp, err := client.SetKillSwitch(ctx, &gatewayv1.SetKillSwitchRequest{Engaged: true, Reason: "drill", Accounts: []string{"DU1"}})
	if err != nil || !resp.GetKillSwitch().GetEngaged() || resp.GetCancelledOrders()[0].GetOrderId() != "o1" {
		t.Fatalf("SetKillSwitch = %v, %v", resp, err)
	}
	if got := admin.sets[1].GetAccounts(); !slices.Equal(got, []string{"DU1"}) {
		t.Errorf("accounts sent %v", got)
	}
	ks, err := client.GetKillSwitch(ctx)
	if err != nil || ks.GetReason() != "drill" || admin.gets != 2 {
		t.Errorf("GetKillSwitch = %v, %v after %d calls", ks, err, admin.gets)
	}
}

func TestListAuditRecordsFollowsThePages(t *testing.T) {
	admin := &fakeAdmin{}
	client, _ := startAdmin(t, admin, &fakePositions{})
	var ids []int64
	for record, err := range client.ListAuditRecords(context.Background(), 2) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, record.GetId())
	}
	if !slices.Equal(ids, []int64{1, 2, 3}) || !slices.Equal(admin.pages, []string{"", "p2"}) {
		t.Errorf("ids %v over pages %v", ids, admin.pages)
	}
}

func TestTokenGoesWithEveryCall(t *testing.T) {
	positions := &fakePositions{script: func(_ int, _ *gatewayv1.StreamPositionsRequest, srv grpc.ServerStreamingServer[gatewayv1.StreamPositionsResponse]) error {
		return srv.Send(positionMsg(1, "1"))
	}}
	client, seen := startAdmin(t, &fakeAdmin{}, positions, WithToken("s3cret"))
	ctx := context.Background()
	if _, err := client.SetKillSwitch(ctx, &gatewayv1.SetKillSwitchRequest{Reason: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.RPC().SetKillSwitch(ctx, &gatewayv1.SetKillSwitchRequest{Reason: "x"}); err != nil {
		t.Fatal(err)
	}
	for _, err := range client.Positions(ctx, PositionStreamOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	want := []string{"Bearer s3cret", "Bearer s3cret", "Bearer s3cret"}
	if got := seen(); !slices.Equal(got, want) {
		t.Errorf("authorization headers %q, want %q", got, want)
	}
}

func TestNoTokenNoHeader(t *testing.T) {
	client, seen := startAdmin(t, &fakeAdmin{}, &fakePositions{})
	if _, err := client.SetKillSwitch(context.Background(), &gatewayv1.SetKillSwitchRequest{Reason: "x"}); err != nil {
		t.Fatal(err)
	}
	if got := seen(); !slices.Equal(got, []string{""}) {
		t.Errorf("authorization headers %q, want none", got)
	}
}

func TestATokenThatCannotBeAHeaderIsRefused(t *testing.T) {
	client, seen := startAdmin(t, &fakeAdmin{}, &fakePositions{}, WithToken("a b"))
	if _, err := client.GetKillSwitch(context.Background()); !IsInvalidArgument(err) {
		t.Errorf("GetKillSwitch = %v, want INVALID_ARGUMENT", err)
	}
	if got := seen(); len(got) != 0 {
		t.Errorf("the server saw %d calls", len(got))
	}
	if _, err := Dial(context.Background(), "127.0.0.1:1", WithToken("a\nb")); !IsInvalidArgument(err) {
		t.Errorf("Dial = %v, want INVALID_ARGUMENT", err)
	}
}
