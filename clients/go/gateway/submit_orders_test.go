package gateway

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

func clientOrderIDs(req *gatewayv1.SubmitOrdersRequest) []string {
	ids := make([]string, len(req.GetOrders()))
	for i, spec := range req.GetOrders() {
		ids[i] = spec.GetClientOrderId()
	}
	return ids
}

func TestSubmitOrdersFixesIDsBeforeTheFirstAttemptAndReusesThemOnARetry(t *testing.T) {
	f := &fakeGateway{}
	f.submitMany = func(call int, req *gatewayv1.SubmitOrdersRequest) (*gatewayv1.SubmitOrdersResponse, error) {
		if call == 0 {
			return nil, status.Error(codes.Unavailable, "gateway shutting down")
		}
		resp := &gatewayv1.SubmitOrdersResponse{}
		for i, spec := range req.GetOrders() {
			resp.Results = append(resp.Results, &gatewayv1.SubmitOrderResult{
				Result: &gatewayv1.SubmitOrderResult_Order{Order: &gatewayv1.Order{OrderId: fmt.Sprintf("o%d", i), Spec: spec}},
			})
		}
		return resp, nil
	}
	c := startFake(t, f)
	mine := marketBuy()
	mine.ClientOrderId = "mine-2"
	specs := []*gatewayv1.OrderSpec{marketBuy(), mine, marketBuy()}

	results, err := c.SubmitOrders(context.Background(), specs)
	if err != nil {
		t.Fatal(err)
	}
	batches := f.batchRequests()
	if len(batches) != 2 {
		t.Fatalf("%d attempts, want 2", len(batches))
	}
	first := clientOrderIDs(batches[0])
	if first[0] == "" || first[2] == "" || first[0] == first[2] {
		t.Errorf("generated ids %q: want two distinct ones", first)
	}
	if first[1] != "mine-2" {
		t.Errorf("the caller's id became %q", first[1])
	}
	if second := clientOrderIDs(batches[1]); !slices.Equal(first, second) {
		t.Errorf("retry sent ids %q, first attempt %q", second, first)
	}
	for i, r := range results {
		if r.Err != nil || r.Order.GetOrderId() != fmt.Sprintf("o%d", i) {
			t.Errorf("result %d: %v, %v", i, r.Order, r.Err)
		}
	}
	if specs[0].GetClientOrderId() != "" || specs[2].GetClientOrderId() != "" {
		t.Error("the caller's specs were modified")
	}
}

func TestSubmitOrdersAnswersEachSpecInOrderWithTypedErrors(t *testing.T) {
	refused, err := status.New(codes.InvalidArgument, "quantity must be positive").WithDetails(
		&errdetails.ErrorInfo{Reason: "INVALID_ARGUMENT", Domain: ErrorDomain},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "orders[1].quantity", Description: "must be positive"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeGateway{}
	f.submitMany = func(_ int, req *gatewayv1.SubmitOrdersRequest) (*gatewayv1.SubmitOrdersResponse, error) {
		return &gatewayv1.SubmitOrdersResponse{Results: []*gatewayv1.SubmitOrderResult{
			{Result: &gatewayv1.SubmitOrderResult_Order{Order: &gatewayv1.Order{OrderId: "oa", Spec: req.GetOrders()[0]}}},
			{Result: &gatewayv1.SubmitOrderResult_Error{Error: refused.Proto()}},
			{Result: &gatewayv1.SubmitOrderResult_Order{Order: &gatewayv1.Order{OrderId: "oc", Spec: req.GetOrders()[2]}}},
		}}, nil
	}
	c := startFake(t, f)

	results, err := c.SubmitOrders(context.Background(), []*gatewayv1.OrderSpec{marketBuy(), marketBuy(), marketBuy()})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 3 || results[0].Order.GetOrderId() != "oa" || results[2].Order.GetOrderId() != "oc" {
		t.Fatalf("results %v", results)
	}
	if results[1].Order != nil {
		t.Errorf("a refused spec has an order: %v", results[1].Order)
	}
	var e *Error
	if !errors.As(results[1].Err, &e) {
		t.Fatalf("error %T %v, want *Error", results[1].Err, results[1].Err)
	}
	if e.Code != codes.InvalidArgument || e.Reason != "INVALID_ARGUMENT" {
		t.Errorf("code %v reason %q", e.Code, e.Reason)
	}
	if d, ok := e.Violation("orders[1].quantity"); !ok || d != "must be positive" {
		t.Errorf("field violations %v", e.FieldViolations)
	}
}
