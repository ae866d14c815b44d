package gateway

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// DefaultConnectTimeout bounds Dial, and each later attempt to reconnect.
const DefaultConnectTimeout = 10 * time.Second

// DefaultCallTimeout is the deadline of each attempt of a unary call whose
// context has none: a gateway that accepts a call and never answers must not
// hold the caller forever.
const DefaultCallTimeout = 30 * time.Second

// DefaultMaxReconnects is how many reconnections in a row may fail before
// OrderEvents and Fills give up: with DefaultStreamBackoff that rides out a
// gateway restart of a few seconds, and reports a gateway that stays away
// within about ten.
const DefaultMaxReconnects = 5

// reconnectMaxDelay caps gRPC's own pause between connection attempts (120s
// by default), so that a gateway that comes back is found again within the
// few seconds a stream waits between its reconnections.
const reconnectMaxDelay = 5 * time.Second

// Client calls the order gateway. It is safe for concurrent use.
type Client struct {
	conn        grpc.ClientConnInterface
	owned       *grpc.ClientConn // closed by Close; nil when the caller owns the connection
	rpc         gatewayv1.OrderGatewayServiceClient
	accounts    gatewayv1.AccountServiceClient
	retry       RetryPolicy
	callTimeout time.Duration
	reconnects  reconnectPolicy
}

type config struct {
	creds          credentials.TransportCredentials
	dialOptions    []grpc.DialOption
	retry          RetryPolicy
	connectTimeout time.Duration
	callTimeout    time.Duration
	reconnects     reconnectPolicy
	token          string
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

// WithStreamBackoff sets the pauses between reconnections of OrderEvents,
// Fills and Positions. Its MaxAttempts is not used: WithMaxReconnects bounds them.
func WithStreamBackoff(p RetryPolicy) Option {
	return func(c *config) { c.reconnects.backoff = p }
}

// WithConnectTimeout sets how long Dial waits for the connection, and how
// long each later connection attempt may take (DefaultConnectTimeout). Zero
// or less leaves Dial bounded by its context alone.
func WithConnectTimeout(d time.Duration) Option {
	return func(c *config) { c.connectTimeout = d }
}

// WithCallTimeout sets the deadline of each attempt of a unary call whose
// context has no deadline (DefaultCallTimeout); a context deadline replaces
// it for that call. Zero or less sets none.
func WithCallTimeout(d time.Duration) Option {
	return func(c *config) { c.callTimeout = d }
}

// WithMaxReconnects sets how many reconnections of OrderEvents, Fills and
// Positions may fail in a row before the feed ends with the last error
// (DefaultMaxReconnects). A reconnection fails when its call ends before
// anything, event or heartbeat, arrives; anything arriving resets the count.
// 0 ends the feed on its first failure; a negative n reconnects for as long
// as the context lives.
func WithMaxReconnects(n int) Option {
	return func(c *config) { c.reconnects.max = n }
}

// WithOnRetry sets a function that hears of every failure of OrderEvents,
// Fills and Positions that is followed by a reconnection, before its pause: a feed that is
// struggling shows up there before it gives up. It runs on the iterating
// goroutine.
func WithOnRetry(f func(StreamRetry)) Option {
	return func(c *config) { c.reconnects.onRetry = f }
}

func newConfig(opts []Option) *config {
	c := &config{
		retry:          DefaultRetryPolicy,
		connectTimeout: DefaultConnectTimeout,
		callTimeout:    DefaultCallTimeout,
		reconnects:     reconnectPolicy{backoff: DefaultStreamBackoff, max: DefaultMaxReconnects},
	}
	for _, opt := range opts {
		opt(c)
	}
	return c
}

// Dial connects to the gateway at target ("host:port") and returns once the
// connection is ready, so that a wrong address or a stopped gateway shows up
// here rather than on the first order. It waits at most the connect timeout
// (WithConnectTimeout) and then fails with a codes.Unavailable *Error; an
// earlier end of ctx returns ctx's error.
func Dial(ctx context.Context, target string, opts ...Option) (*Client, error) {
	cfg := newConfig(opts)
	if err := validToken(cfg.token); err != nil {
		return nil, err
	}
	creds := cfg.creds
	if creds == nil {
		creds = insecure.NewCredentials()
	}
	params := grpc.ConnectParams{Backoff: backoff.DefaultConfig}
	params.Backoff.MaxDelay = reconnectMaxDelay
	if cfg.connectTimeout > 0 {
		params.MinConnectTimeout = cfg.connectTimeout
	}
	conn, err := grpc.NewClient(target, append([]grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		grpc.WithConnectParams(params),
	}, cfg.dialOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	if err := waitReady(ctx, conn, target, cfg.connectTimeout); err != nil {
		_ = conn.Close()
		return nil, err
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
	conn = withToken(conn, cfg.token)
	return &Client{
		conn:        conn,
		rpc:         gatewayv1.NewOrderGatewayServiceClient(conn),
		accounts:    gatewayv1.NewAccountServiceClient(conn),
		retry:       cfg.retry,
		callTimeout: cfg.callTimeout,
		reconnects:  cfg.reconnects,
	}
}

func waitReady(ctx context.Context, conn *grpc.ClientConn, target string, timeout time.Duration) error {
	wait := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		wait, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	conn.Connect()
	for {
		state := conn.GetState()
		if state == connectivity.Ready {
			return nil
		}
		if !conn.WaitForStateChange(wait, state) {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("gateway: connecting to %s: %w (connection %s)", target, err, state)
			}
			return &Error{
				Code:    codes.Unavailable,
				Message: fmt.Sprintf("no connection to %s within %s (connection %s)", target, timeout, state),
			}
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
