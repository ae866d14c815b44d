package gateway

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
)

// WithToken sends token as "authorization: Bearer <token>" with every call of
// the Client, the stubs of RPC, Accounts and Conn included, over a connection
// from Dial or one given to New. Empty: none. A token that cannot be a header
// value (anything but printable ASCII without spaces) fails Dial, and every
// call of a Client from New, with codes.InvalidArgument.
func WithToken(token string) Option {
	return func(c *config) { c.token = token }
}

// validToken reports a token HTTP/2 can carry as a header value.
func validToken(token string) error {
	for i := 0; i < len(token); i++ {
		if token[i] < 0x21 || token[i] > 0x7e {
			return &Error{Code: codes.InvalidArgument, Message: fmt.Sprintf("token: byte %d is not printable ASCII", i)}
		}
	}
	return nil
}

// tokenConn adds the bearer token to the outgoing metadata of every call: as a
// connection wrapper rather than an interceptor, so that it also works on a
// connection the caller made.
type tokenConn struct {
	grpc.ClientConnInterface
	header string
	err    error
}

func withToken(conn grpc.ClientConnInterface, token string) grpc.ClientConnInterface {
	if token == "" {
		return conn
	}
	return tokenConn{ClientConnInterface: conn, header: "Bearer " + token, err: validToken(token)}
}

func (t tokenConn) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	if t.err != nil {
		return t.err
	}
	return t.ClientConnInterface.Invoke(metadata.AppendToOutgoingContext(ctx, "authorization", t.header), method, args, reply, opts...)
}

func (t tokenConn) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	if t.err != nil {
		return nil, t.err
	}
	return t.ClientConnInterface.NewStream(metadata.AppendToOutgoingContext(ctx, "authorization", t.header), desc, method, opts...)
}
