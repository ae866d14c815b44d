package main

import (
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
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
