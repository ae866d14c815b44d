package gateway

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

func marketBuy() *gatewayv1.OrderSpec {
	return &gatewayv1.OrderSpec{
		Contract:  &gatewayv1.Contract{Symbol: "AAPL"},
		Side:      gatewayv1.Side_SIDE_BUY,
		Quantity:  "100",
		OrderType: gatewayv1.OrderType_ORDER_TYPE_MARKET,
	}
}

func TestSubmitOrderRetriesUnavailableWithTheSameID(t *testing.T) {
	f := &fakeGateway{}
	f.submit = func(call int, req *gatewayv1.SubmitOrderRequest) (*gatewayv1.SubmitOrderResponse, error) {
		if call < 2 {
			return nil, status.Error(codes.Unavailable, "store failed")
		}
		return &gatewayv1.SubmitOrderResponse{Order: &gatewayv1.Order{OrderId: "o1", Spec: req.GetOrder()}}, nil
	}
	c := startFake(t, f)
	spec := marketBuy()

	order, err := c.SubmitOrder(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	submits := f.submitRequests()
	if len(submits) != 3 {
		t.Fatalf("%d attempts, want 3", len(submits))
	}
	id := submits[0].GetOrder().GetClientOrderId()
	if id == "" {
		t.Fatal("no client_order_id generated")
	}
	for _, req := range submits {
		if got := req.GetOrder().GetClientOrderId(); got != id {
			t.Errorf("retry with id %q, first attempt had %q", got, id)
		}
	}
	if order.GetSpec().GetClientOrderId() != id {
		t.Errorf("returned order has id %q", order.GetSpec().GetClientOrderId())
	}
	if spec.GetClientOrderId() != "" {
		t.Error("the caller's spec was modified")
	}
}

func TestSubmitOrderKeepsTheCallersIDAndDoesNotRetryOtherErrors(t *testing.T) {
	f := &fakeGateway{}
	f.submit = func(int, *gatewayv1.SubmitOrderRequest) (*gatewayv1.SubmitOrderResponse, error) {
		return nil, status.Error(codes.AlreadyExists, "used for a different order")
	}
	c := startFake(t, f)
	spec := marketBuy()
	spec.ClientOrderId = "mine-1"

	_, err := c.SubmitOrder(context.Background(), spec)
	if !IsAlreadyExists(err) {
		t.Fatalf("err = %v", err)
	}
	if submits := f.submitRequests(); len(submits) != 1 || submits[0].GetOrder().GetClientOrderId() != "mine-1" {
		t.Errorf("attempts %v", submits)
	}
}

func TestSubmitOrderGivesUpAfterMaxAttempts(t *testing.T) {
	f := &fakeGateway{}
	f.submit = func(int, *gatewayv1.SubmitOrderRequest) (*gatewayv1.SubmitOrderResponse, error) {
		return nil, status.Error(codes.Unavailable, "down")
	}
	c := startFake(t, f)
	_, err := c.SubmitOrder(context.Background(), marketBuy())
	if n := len(f.submitRequests()); !IsUnavailable(err) || n != fastRetry.MaxAttempts {
		t.Errorf("err %v after %d attempts", err, n)
	}
}

func TestSubmitOrderStopsRetryingWithItsContext(t *testing.T) {
	f := &fakeGateway{}
	f.submit = func(int, *gatewayv1.SubmitOrderRequest) (*gatewayv1.SubmitOrderResponse, error) {
		return nil, status.Error(codes.Unavailable, "down")
	}
	slow := RetryPolicy{MaxAttempts: 0, InitialBackoff: time.Hour, MaxBackoff: time.Hour, Multiplier: 1}
	c := startFake(t, f, WithRetryPolicy(slow))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.SubmitOrder(ctx, marketBuy())
	if err != context.DeadlineExceeded {
		t.Errorf("err = %v, want the context's deadline", err)
	}
}

func TestListOrdersIteratesEveryPage(t *testing.T) {
	f := &fakeGateway{}
	pages := map[string]*gatewayv1.ListOrdersResponse{}
	for i, token := range []string{"", "p2", "p3"} {
		next := fmt.Sprintf("p%d", i+2)
		if i == 2 {
			next = ""
		}
		pages[token] = &gatewayv1.ListOrdersResponse{
			Orders:        []*gatewayv1.Order{{OrderId: fmt.Sprintf("o%d", 2*i+1)}, {OrderId: fmt.Sprintf("o%d", 2*i+2)}},
			NextPageToken: next,
		}
	}
	unavailableOnce := true
	f.listOrders = func(req *gatewayv1.ListOrdersRequest) (*gatewayv1.ListOrdersResponse, error) {
		if req.GetSymbol() != "AAPL" || req.GetPageSize() != 2 {
			return nil, status.Error(codes.InvalidArgument, "filters changed between pages")
		}
		if req.GetPageToken() == "p2" && unavailableOnce {
			unavailableOnce = false
			return nil, status.Error(codes.Unavailable, "blip")
		}
		return pages[req.GetPageToken()], nil
	}
	c := startFake(t, f)
	filter := &gatewayv1.ListOrdersRequest{Symbol: "AAPL", PageSize: 2}

	for round := range 2 { // a sequence can be ranged again, from the start
		var ids []string
		for order, err := range c.ListOrders(context.Background(), filter) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, order.GetOrderId())
		}
		if want := []string{"o1", "o2", "o3", "o4", "o5", "o6"}; !slices.Equal(ids, want) {
			t.Errorf("round %d: orders %v, want %v", round, ids, want)
		}
	}
	if filter.GetPageToken() != "" {
		t.Error("the caller's filter was modified")
	}
}

func TestListOrdersStopsWhenTheLoopDoes(t *testing.T) {
	f := &fakeGateway{}
	f.listOrders = func(*gatewayv1.ListOrdersRequest) (*gatewayv1.ListOrdersResponse, error) {
		return &gatewayv1.ListOrdersResponse{Orders: []*gatewayv1.Order{{OrderId: "a"}, {OrderId: "b"}}, NextPageToken: "more"}, nil
	}
	c := startFake(t, f)
	for range c.ListOrders(context.Background(), nil) {
		break
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.listedPages) != 1 {
		t.Errorf("fetched %d pages for one order", len(f.listedPages))
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	p := RetryPolicy{InitialBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, Multiplier: 2}
	for failures, full := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 50: time.Second} {
		for range 20 {
			if d := p.backoff(failures); d < full/2 || d > full {
				t.Errorf("backoff(%d) = %v, want within [%v, %v]", failures, d, full/2, full)
			}
		}
	}
}

func TestCancelNamesTheOrderByIDOrByClientID(t *testing.T) {
	f := &fakeGateway{cancel: func(req *gatewayv1.CancelOrderRequest) (*gatewayv1.CancelOrderResponse, error) {
		id := req.GetOrderId() + "|" + req.GetClientOrderId() + "|" + req.GetAccount()
		return &gatewayv1.CancelOrderResponse{Order: &gatewayv1.Order{OrderId: id}}, nil
	}}
	c := startFake(t, f)
	ctx := context.Background()
	byID, err := c.CancelOrder(ctx, "o1")
	if err != nil || byID.GetOrderId() != "o1||" {
		t.Fatalf("CancelOrder = %v, %v", byID, err)
	}
	byRef, err := c.CancelOrderByClientID(ctx, "DU1", "c-1")
	if err != nil || byRef.GetOrderId() != "|c-1|DU1" {
		t.Fatalf("CancelOrderByClientID = %v, %v", byRef, err)
	}
}
