package gateway

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func invalidQuantity(t *testing.T) *status.Status {
	t.Helper()
	st, err := status.New(codes.InvalidArgument, "invalid order").WithDetails(
		&errdetails.ErrorInfo{
			Reason:   "INVALID_ARGUMENT",
			Domain:   ErrorDomain,
			Metadata: map[string]string{"field": "order.quantity"},
		},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "order.quantity", Description: "must be positive"},
			{Field: "order.side", Description: "required"},
		}},
	)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestErrorFromStatusDecodesDetails(t *testing.T) {
	e := ErrorFromStatus(invalidQuantity(t))

	if e.Code != codes.InvalidArgument || e.Message != "invalid order" {
		t.Errorf("code, message = %v, %q", e.Code, e.Message)
	}
	if e.Reason != "INVALID_ARGUMENT" || e.Domain != ErrorDomain {
		t.Errorf("reason, domain = %q, %q", e.Reason, e.Domain)
	}
	if e.Metadata["field"] != "order.quantity" {
		t.Errorf("metadata = %v", e.Metadata)
	}
	want := []FieldViolation{
		{Field: "order.quantity", Description: "must be positive"},
		{Field: "order.side", Description: "required"},
	}
	if fmt.Sprint(e.FieldViolations) != fmt.Sprint(want) {
		t.Errorf("violations = %v, want %v", e.FieldViolations, want)
	}
	if d, ok := e.Violation("order.side"); !ok || d != "required" {
		t.Errorf("Violation(order.side) = %q, %v", d, ok)
	}
	if _, ok := e.Violation("order.limit_price"); ok {
		t.Error("Violation reports a field that was not violated")
	}
	const text = "gateway: InvalidArgument: invalid order [INVALID_ARGUMENT] " +
		"(order.quantity: must be positive; order.side: required)"
	if e.Error() != text {
		t.Errorf("Error() = %q\nwant      %q", e.Error(), text)
	}
}

func TestErrorWithoutDetails(t *testing.T) {
	e := ErrorFromStatus(status.New(codes.Unavailable, "socket closed"))
	if e.Reason != "" || e.FieldViolations != nil || e.Metadata != nil {
		t.Errorf("details from nowhere: %+v", e)
	}
	if e.Error() != "gateway: Unavailable: socket closed" {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestConvertedErrorsWorkWithErrorsAsAndStatus(t *testing.T) {
	rpcErr := invalidQuantity(t).Err()
	err := fmt.Errorf("placing order: %w", convert(context.Background(), rpcErr))

	var e *Error
	if !errors.As(err, &e) || e.Reason != "INVALID_ARGUMENT" {
		t.Fatalf("errors.As found %v", e)
	}
	if !IsInvalidArgument(err) || IsNotFound(err) || Code(err) != codes.InvalidArgument {
		t.Errorf("predicates disagree with code %v", Code(err))
	}
	if Reason(err) != "INVALID_ARGUMENT" {
		t.Errorf("Reason = %q", Reason(err))
	}
	// The original status, details and all, stays reachable for code that
	// only knows package status.
	st, ok := status.FromError(e)
	if !ok || len(st.Details()) != 2 || status.Code(err) != codes.InvalidArgument {
		t.Errorf("status.FromError lost the status: %v", st)
	}
}

func TestPredicates(t *testing.T) {
	cases := []struct {
		code codes.Code
		is   func(error) bool
	}{
		{codes.InvalidArgument, IsInvalidArgument},
		{codes.NotFound, IsNotFound},
		{codes.AlreadyExists, IsAlreadyExists},
		{codes.FailedPrecondition, IsFailedPrecondition},
		{codes.ResourceExhausted, IsResourceExhausted},
		{codes.Unavailable, IsUnavailable},
		{codes.PermissionDenied, IsPermissionDenied},
		{codes.Unauthenticated, IsUnauthenticated},
	}
	for _, c := range cases {
		err := convert(context.Background(), status.Error(c.code, "x"))
		if !c.is(err) {
			t.Errorf("predicate for %v is false", c.code)
		}
		if c.is(convert(context.Background(), status.Error(codes.Internal, "x"))) {
			t.Errorf("predicate for %v is true for Internal", c.code)
		}
	}
	if Code(nil) != codes.OK || IsNotFound(nil) {
		t.Error("nil is not an error")
	}
	if Code(errors.New("plain")) != codes.Unknown {
		t.Error("a plain error has code Unknown")
	}
}

func TestConvertPrefersTheContextError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := convert(ctx, status.Error(codes.Canceled, "context canceled"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("convert = %v, want context.Canceled", err)
	}
	if convert(ctx, nil) != nil {
		t.Error("convert(nil) is not nil")
	}
}
