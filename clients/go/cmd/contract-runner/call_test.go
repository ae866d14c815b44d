package main

import (
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

func TestCodeNamesAreCanonical(t *testing.T) {
	for c, want := range map[codes.Code]string{
		codes.OK:                 "OK",
		codes.Canceled:           "CANCELLED", // Go spells it Canceled
		codes.InvalidArgument:    "INVALID_ARGUMENT",
		codes.NotFound:           "NOT_FOUND",
		codes.AlreadyExists:      "ALREADY_EXISTS",
		codes.FailedPrecondition: "FAILED_PRECONDITION",
		codes.ResourceExhausted:  "RESOURCE_EXHAUSTED",
		codes.Unavailable:        "UNAVAILABLE",
		codes.Unauthenticated:    "UNAUTHENTICATED",
	} {
		if got := codeName(c); got != want {
			t.Errorf("codeName(%v) = %q, want %q", c, got, want)
		}
	}
}

// failedCall returns a status error with ErrorInfo and BadRequest details and
// the trailer they arrive in.
func failedCall(t *testing.T) (error, metadata.MD) {
	t.Helper()
	st, err := status.New(codes.InvalidArgument, "bad order").WithDetails(
		&errdetails.ErrorInfo{Reason: "INVALID_ORDER", Domain: "ibkr-gateway"},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "order.quantity"}, {Field: "order.side"},
		}},
	)
	if err != nil {
		t.Fatal(err)
	}
	bin, err := proto.Marshal(st.Proto())
	if err != nil {
		t.Fatal(err)
	}
	return st.Err(), metadata.Pairs("grpc-status-details-bin", string(bin))
}

func TestCheckError(t *testing.T) {
	callErr, trailer := failedCall(t)
	cases := []struct {
		want    map[string]any
		failure string // "" when the check passes
	}{
		{map[string]any{"code": "INVALID_ARGUMENT"}, ""},
		{map[string]any{"code": "INVALID_ARGUMENT", "reason": "INVALID_ORDER"}, ""},
		{map[string]any{"code": "INVALID_ARGUMENT", "field_violations": []any{"order.side"}}, ""},
		{map[string]any{"code": "INVALID_ARGUMENT", "field_violations": []any{"order.quantity", "order.side"}}, ""},
		{map[string]any{"code": "NOT_FOUND"}, "status INVALID_ARGUMENT (bad order), not NOT_FOUND"},
		{map[string]any{"code": "InvalidArgument"}, "not InvalidArgument"},
		{map[string]any{"code": "INVALID_ARGUMENT", "reason": "ORDER_NOT_FOUND"}, `reason "INVALID_ORDER", expected "ORDER_NOT_FOUND"`},
		{map[string]any{"code": "INVALID_ARGUMENT", "reason": ""}, `reason "INVALID_ORDER", expected ""`},
		{
			map[string]any{"code": "INVALID_ARGUMENT", "field_violations": []any{"order.limit_price", "order.side"}},
			`no field violation for ["order.limit_price"]; got ["order.quantity", "order.side"]`,
		},
	}
	for _, c := range cases {
		err := checkError(callErr, trailer, c.want)
		switch {
		case c.failure == "" && err != nil:
			t.Errorf("%v: %v", c.want, err)
		case c.failure != "" && (err == nil || !strings.Contains(err.Error(), c.failure)):
			t.Errorf("%v: got %v, want %q", c.want, err, c.failure)
		}
	}
}

func TestCheckErrorWantsStatusDetails(t *testing.T) {
	callErr, _ := failedCall(t)
	err := checkError(callErr, metadata.MD{}, map[string]any{"code": "INVALID_ARGUMENT"})
	if err == nil || !strings.Contains(err.Error(), "no google.rpc.Status details") {
		t.Errorf("checkError without the details trailer = %v", err)
	}
}

func TestLookupMethod(t *testing.T) {
	md, err := lookupMethod("simulator", "SetPrice")
	if err != nil {
		t.Fatal(err)
	}
	if md.Input().FullName() != "ibkr.gateway.v1.SetPriceRequest" {
		t.Errorf("input %s", md.Input().FullName())
	}
	for _, c := range [][2]string{{"gateway", "NoSuchMethod"}, {"broker", "SubmitOrder"}, {"gateway", "StreamOrderEvents"}} {
		if _, err := lookupMethod(c[0], c[1]); err == nil {
			t.Errorf("lookupMethod(%q, %q) succeeded", c[0], c[1])
		}
	}
}

// An item's google.rpc.Status (a SubmitOrders refusal), as the runner reads it
// from the response document, is checked like a failed call's.
func TestCheckItemStatus(t *testing.T) {
	st, err := status.New(codes.InvalidArgument, "bad quantity").WithDetails(
		&errdetails.ErrorInfo{Reason: "INVALID_ARGUMENT", Domain: "ibkr-gateway"},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "orders[2].quantity"},
		}},
	)
	if err != nil {
		t.Fatal(err)
	}
	resp := &gatewayv1.SubmitOrdersResponse{Results: []*gatewayv1.SubmitOrderResult{
		{Result: &gatewayv1.SubmitOrderResult_Order{Order: &gatewayv1.Order{OrderId: "o1"}}},
		{Result: &gatewayv1.SubmitOrderResult_Error{Error: st.Proto()}},
	}}
	doc, err := asDocument(resp)
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]any{"code": "INVALID_ARGUMENT", "reason": "INVALID_ARGUMENT", "field_violations": []any{"orders[2].quantity"}}
	if err := checkItemStatus(doc, "results.1.error", good); err != nil {
		t.Errorf("matching status: %v", err)
	}
	for _, c := range []struct {
		want    map[string]any
		failure string
	}{
		{map[string]any{"code": "NOT_FOUND"}, "status INVALID_ARGUMENT (bad quantity), not NOT_FOUND"},
		{map[string]any{"code": "INVALID_ARGUMENT", "reason": "OTHER"}, `reason "INVALID_ARGUMENT", expected "OTHER"`},
		{map[string]any{"code": "INVALID_ARGUMENT", "field_violations": []any{"orders[1].quantity"}}, `no field violation for ["orders[1].quantity"]`},
	} {
		if err := checkItemStatus(doc, "results.1.error", c.want); err == nil || !strings.Contains(err.Error(), c.failure) {
			t.Errorf("%v: got %v, want %q", c.want, err, c.failure)
		}
	}
	if err := checkItemStatus(doc, "results.0.error", good); err == nil {
		t.Error("an item without an error passed")
	}
}
