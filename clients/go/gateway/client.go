package gateway

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// Client calls the order gateway. It is safe for concurrent use.
type Client struct {
	conn   grpc.ClientConnInterface
	owned  *grpc.ClientConn // closed by Close; nil when the caller owns the connection
	rpc    gatewayv1.OrderGatewayServiceClient
	retry  RetryPolicy
	stream RetryPolicy
}

type config struct {
	creds       credentials.TransportCredentials
	dialOptions []grpc.DialOption
	retry       RetryPolicy
	stream      RetryPolicy
}

// Option configures Dial and New.
type Option func(*config)

// WithTransportCredentials secures the connection; without it Dial connects in
// plaintext, which is what the gateway serves.
func WithTransportCredentials(creds credentials.TransportCredentials) Option {
	return func(c *config) { c.creds = creds }
}

// WithDialOptions passes extra options to grpc.NewClient (interceptors,
// keepalive, ...). Dial only.
func WithDialOptions(opts ...grpc.DialOption) Option {
	return func(c *config) { c.dialOptions = append(c.dialOptions, opts...) }
}

// WithRetryPolicy sets how calls that are safe to repeat are retried on
// codes.Unavailable.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) { c.retry = p }
}

// WithStreamBackoff sets the pause between reconnections of OrderEvents and
// Fills. MaxAttempts bounds consecutive failed reconnections; 0 retries for as
// long as the context lives.
func WithStreamBackoff(p RetryPolicy) Option {
	return func(c *config) { c.stream = p }
}

func newConfig(opts []Option) *config {
	c := &config{retry: DefaultRetryPolicy, stream: DefaultStreamBackoff}
	for _, opt := range opts {
		opt(c)
	}
	return c
}

// Dial connects to the gateway at target ("host:port") and returns once the
// connection is ready, so that a wrong address or a stopped gateway shows up
// here rather than on the first order; ctx bounds the wait.
func Dial(ctx context.Context, target string, opts ...Option) (*Client, error) {
	cfg := newConfig(opts)
	creds := cfg.creds
	if creds == nil {
		creds = insecure.NewCredentials()
	}
	conn, err := grpc.NewClient(target,
		append([]grpc.DialOption{grpc.WithTransportCredentials(creds)}, cfg.dialOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	if err := waitReady(ctx, conn); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("gateway: connecting to %s: %w", target, err)
	}
	c := newClient(conn, cfg)
	c.owned = conn
	return c, nil
}

// New wraps a connection the caller made and keeps owning: Close leaves it open.
func New(conn grpc.ClientConnInterface, opts ...Option) *Client {
	return newClient(conn, newConfig(opts))
}

func newClient(conn grpc.ClientConnInterface, cfg *config) *Client {
	return &Client{
		conn:   conn,
		rpc:    gatewayv1.NewOrderGatewayServiceClient(conn),
		retry:  cfg.retry,
		stream: cfg.stream,
	}
}

func waitReady(ctx context.Context, conn *grpc.ClientConn) error {
	conn.Connect()
	for {
		state := conn.GetState()
		if state == connectivity.Ready {
			return nil
		}
		if !conn.WaitForStateChange(ctx, state) {
			return fmt.Errorf("%w (connection %s)", ctx.Err(), state)
		}
	}
}

// Close closes the connection Dial made. It does nothing for a Client from New.
func (c *Client) Close() error {
	if c.owned == nil {
		return nil
	}
	return c.owned.Close()
}

// Conn returns the underlying connection, e.g. for the simulator's
// SimulatorControlService in tests.
func (c *Client) Conn() grpc.ClientConnInterface { return c.conn }

// RPC returns the generated stub, for calls this package does not wrap.
func (c *Client) RPC() gatewayv1.OrderGatewayServiceClient { return c.rpc }
