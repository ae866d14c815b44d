package gateway

import (
	"context"
	"net"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// fakeAccounts answers ListPositions with UNAVAILABLE once, then a position.
type fakeAccounts struct {
	gatewayv1.UnimplementedAccountServiceServer

	mu    sync.Mutex
	calls int
}

func (f *fakeAccounts) ListPositions(_ context.Context, req *gatewayv1.ListPositionsRequest) (*gatewayv1.ListPositionsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.calls == 1 {
		return nil, status.Error(codes.Unavailable, "restarting")
	}
	return &gatewayv1.ListPositionsResponse{
		Positions:    []*gatewayv1.Position{{Account: req.GetAccount(), Quantity: "60", AverageCost: "100.01"}},
		LastSequence: 9,
	}, nil
}

func (f *fakeAccounts) GetAccountSummary(_ context.Context, req *gatewayv1.GetAccountSummaryRequest) (*gatewayv1.GetAccountSummaryResponse, error) {
	return &gatewayv1.GetAccountSummaryResponse{Summary: &gatewayv1.AccountSummary{Account: req.GetAccount(), Cash: "994398"}}, nil
}

func startAccounts(t *testing.T, f *fakeAccounts) *Client {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer()
	gatewayv1.RegisterAccountServiceServer(srv, f)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///fake",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return New(conn, WithRetryPolicy(fastRetry))
}

func TestListPositionsRetriesUnavailable(t *testing.T) {
	f := &fakeAccounts{}
	c := startAccounts(t, f)
	resp, err := c.ListPositions(context.Background(), &gatewayv1.ListPositionsRequest{Account: "DU1"})
	if err != nil {
		t.Fatal(err)
	}
	if f.calls != 2 || resp.GetLastSequence() != 9 || resp.GetPositions()[0].GetAverageCost() != "100.01" {
		t.Fatalf("calls %d, response %v", f.calls, resp)
	}
}

func TestGetAccountSummary(t *testing.T) {
	c := startAccounts(t, &fakeAccounts{})
	summary, err := c.GetAccountSummary(context.Background(), "DU1")
	if err != nil {
		t.Fatal(err)
	}
	if summary.GetAccount() != "DU1" || summary.GetCash() != "994398" {
		t.Fatalf("summary %v", summary)
	}
}
