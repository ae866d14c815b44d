package gateway

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ErrorDomain is the google.rpc.ErrorInfo domain of the gateway's own errors.
const ErrorDomain = "ibkr-gateway"

// Error is a failed call, with the details the gateway attached to its status.
// Every error the Client returns for a failed RPC is an *Error; use errors.As
// to reach it, or the Is* predicates for the common codes.
type Error struct {
	// Code is the gRPC status code.
	Code codes.Code
	// Message is the status message.
	Message string
	// Reason is google.rpc.ErrorInfo.reason, e.g. "ORDER_NOT_FOUND"; empty
	// when the status carries no ErrorInfo.
	Reason string
	// Domain is google.rpc.ErrorInfo.domain; ErrorDomain for the gateway.
	Domain string
	// Metadata is google.rpc.ErrorInfo.metadata.
	Metadata map[string]string
	// FieldViolations lists google.rpc.BadRequest violations, in order.
	FieldViolations []FieldViolation

	status *status.Status
}

// FieldViolation is one invalid request field, named by its path in the
// request, e.g. "order.limit_price".
type FieldViolation struct {
	Field       string
	Description string
}

// Error formats the code, message, reason and the violated fields.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "gateway: %s: %s", e.Code, e.Message)
	if e.Reason != "" {
		fmt.Fprintf(&b, " [%s]", e.Reason)
	}
	for i, v := range e.FieldViolations {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", v.Field, v.Description)
		if i == len(e.FieldViolations)-1 {
			b.WriteString(")")
		}
	}
	return b.String()
}

// GRPCStatus returns the original status, so status.FromError and status.Code
// keep working on an *Error.
func (e *Error) GRPCStatus() *status.Status {
	if e.status == nil {
		return status.New(e.Code, e.Message)
	}
	return e.status
}

// Violation returns the description of the violation of field and whether
// there is one.
func (e *Error) Violation(field string) (string, bool) {
	for _, v := range e.FieldViolations {
		if v.Field == field {
			return v.Description, true
		}
	}
	return "", false
}

// ErrorFromStatus decodes st and its ErrorInfo and BadRequest details. Details
// of other types are ignored; they stay reachable through GRPCStatus.
func ErrorFromStatus(st *status.Status) *Error {
	e := &Error{Code: st.Code(), Message: st.Message(), status: st}
	for _, detail := range st.Details() {
		switch d := detail.(type) {
		case *errdetails.ErrorInfo:
			e.Reason = d.GetReason()
			e.Domain = d.GetDomain()
			e.Metadata = d.GetMetadata()
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				e.FieldViolations = append(e.FieldViolations,
					FieldViolation{Field: v.GetField(), Description: v.GetDescription()})
			}
		}
	}
	return e
}

// convert turns an RPC error into an *Error. The context's own error wins over
// the status gRPC derives from it, so callers can test for context.Canceled.
func convert(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if st, ok := status.FromError(err); ok {
		return ErrorFromStatus(st)
	}
	return err
}

// Code returns the gRPC code of err: codes.OK for nil, codes.Unknown for an
// error that carries no status.
func Code(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return status.Code(err)
}

// Reason returns the google.rpc.ErrorInfo reason of err, or "".
func Reason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// IsInvalidArgument reports a request the gateway refused as malformed.
func IsInvalidArgument(err error) bool { return Code(err) == codes.InvalidArgument }

// IsNotFound reports an unknown order.
func IsNotFound(err error) bool { return Code(err) == codes.NotFound }

// IsAlreadyExists reports a client_order_id reused with a different spec.
func IsAlreadyExists(err error) bool { return Code(err) == codes.AlreadyExists }

// IsFailedPrecondition reports a cancel or modify of an order that is no
// longer working.
func IsFailedPrecondition(err error) bool { return Code(err) == codes.FailedPrecondition }

// IsResourceExhausted reports a stream consumer that fell too far behind.
func IsResourceExhausted(err error) bool { return Code(err) == codes.ResourceExhausted }

// IsUnavailable reports a gateway that is unreachable, shutting down or whose
// store failed; the call may be retried.
func IsUnavailable(err error) bool { return Code(err) == codes.Unavailable }

// IsPermissionDenied reports a call the token may not make, or an account it
// may not use.
func IsPermissionDenied(err error) bool { return Code(err) == codes.PermissionDenied }

// IsUnauthenticated reports a call without a token, or with one the gateway
// does not know.
func IsUnauthenticated(err error) bool { return Code(err) == codes.Unauthenticated }

// IsDeadlineExceeded reports a call that ran out of time: the client's call
// timeout (a codes.DeadlineExceeded *Error) or the caller's own context
// deadline (context.DeadlineExceeded).
func IsDeadlineExceeded(err error) bool {
	return Code(err) == codes.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded)
}
