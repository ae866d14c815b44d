package gateway

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// SubmitOrder submits spec and returns the order the gateway recorded.
//
// When spec has no client_order_id, SubmitOrder gives it a random one (spec
// itself is not modified; the id is in the returned order's spec). Because the
// gateway is idempotent on (account, client_order_id), a codes.Unavailable
// failure is retried with the same id under the client's RetryPolicy: a retry
// of an order that did reach the gateway returns that order instead of placing
// a second one.
func (c *Client) SubmitOrder(ctx context.Context, spec *gatewayv1.OrderSpec) (*gatewayv1.Order, error) {
	if spec == nil {
		return nil, errors.New("gateway: SubmitOrder: nil spec")
	}
	req := &gatewayv1.SubmitOrderRequest{Order: withClientOrderID(spec)}
	resp, err := withRetry(ctx, c.retry, c.callTimeout, func(ctx context.Context) (*gatewayv1.SubmitOrderResponse, error) {
		return c.rpc.SubmitOrder(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	return resp.GetOrder(), nil
}

// SubmitResult is the answer to one spec of SubmitOrders: its order, or Err,
// the *Error SubmitOrder would have returned for it.
type SubmitResult struct {
	Order *gatewayv1.Order
	Err   error
}

// SubmitOrders submits specs in one call (at most 1000); each is answered on
// its own, in the order of specs. Every spec without a client_order_id gets a
// random one before the first attempt (specs themselves are not modified), so
// retrying codes.Unavailable, as SubmitOrder does, cannot place any order
// twice. The error is that of the whole call; refusals of single specs are in
// the results.
func (c *Client) SubmitOrders(ctx context.Context, specs []*gatewayv1.OrderSpec) ([]SubmitResult, error) {
	req := &gatewayv1.SubmitOrdersRequest{Orders: make([]*gatewayv1.OrderSpec, len(specs))}
	for i, spec := range specs {
		if spec == nil {
			return nil, fmt.Errorf("gateway: SubmitOrders: nil spec at %d", i)
		}
		req.Orders[i] = withClientOrderID(spec)
	}
	resp, err := withRetry(ctx, c.retry, c.callTimeout, func(ctx context.Context) (*gatewayv1.SubmitOrdersResponse, error) {
		return c.rpc.SubmitOrders(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	results := make([]SubmitResult, len(resp.GetResults()))
	for i, r := range resp.GetResults() {
		switch {
		case r.GetOrder() != nil:
			results[i].Order = r.GetOrder()
		case r.GetError() != nil:
			results[i].Err = ErrorFromStatus(status.FromProto(r.GetError()))
		default:
			results[i].Err = fmt.Errorf("gateway: SubmitOrders: result %d has neither order nor error", i)
		}
	}
	return results, nil
}

// SubmitBracket submits an entry order with a take-profit and a stop-loss
// child. Like SubmitOrder it fills in a missing parent client_order_id (which
// keys idempotency for the whole bracket) and retries codes.Unavailable.
func (c *Client) SubmitBracket(ctx context.Context, req *gatewayv1.SubmitBracketOrderRequest) (*gatewayv1.SubmitBracketOrderResponse, error) {
	if req.GetParent() == nil {
		return nil, errors.New("gateway: SubmitBracket: nil parent")
	}
	req = proto.CloneOf(req)
	req.Parent = withClientOrderID(req.Parent)
	return withRetry(ctx, c.retry, c.callTimeout, func(ctx context.Context) (*gatewayv1.SubmitBracketOrderResponse, error) {
		return c.rpc.SubmitBracketOrder(ctx, req)
	})
}

// withClientOrderID returns spec, or a copy of it with a generated
// client_order_id when it has none; the caller's message is never changed.
func withClientOrderID(spec *gatewayv1.OrderSpec) *gatewayv1.OrderSpec {
	if spec.GetClientOrderId() != "" {
		return spec
	}
	spec = proto.CloneOf(spec)
	spec.ClientOrderId = NewClientOrderID()
	return spec
}

// CancelOrder requests cancellation of a working order and returns it as
// PENDING_CANCEL (or further along); CANCELLED follows on the event stream.
// Not retried: if a lost reply hid a cancel that went through, a repeat could
// report FAILED_PRECONDITION for an order this call did cancel.
func (c *Client) CancelOrder(ctx context.Context, orderID string) (*gatewayv1.Order, error) {
	return c.cancelOrder(ctx, &gatewayv1.CancelOrderRequest{OrderId: orderID})
}

// CancelOrderByClientID cancels an order named by the caller's id within account;
// an empty account means the gateway's default account. Not retried.
func (c *Client) CancelOrderByClientID(ctx context.Context, account, clientOrderID string) (*gatewayv1.Order, error) {
	return c.cancelOrder(ctx, &gatewayv1.CancelOrderRequest{Account: account, ClientOrderId: clientOrderID})
}

func (c *Client) cancelOrder(ctx context.Context, req *gatewayv1.CancelOrderRequest) (*gatewayv1.Order, error) {
	resp, err := once(ctx, c.callTimeout, func(ctx context.Context) (*gatewayv1.CancelOrderResponse, error) {
		return c.rpc.CancelOrder(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	return resp.GetOrder(), nil
}

// CancelAllOrders cancels every working order of account, or of every account
// when account is empty, and returns the orders a cancel was requested for.
func (c *Client) CancelAllOrders(ctx context.Context, account string) ([]*gatewayv1.Order, error) {
	resp, err := once(ctx, c.callTimeout, func(ctx context.Context) (*gatewayv1.CancelAllOrdersResponse, error) {
		return c.rpc.CancelAllOrders(ctx, &gatewayv1.CancelAllOrdersRequest{Account: account})
	})
	if err != nil {
		return nil, err
	}
	return resp.GetOrders(), nil
}

// ModifyOrder changes the quantity, prices or time in force of a working
// order; unset fields of req stay as they are. Not retried, because each
// accepted modification is an event of its own.
func (c *Client) ModifyOrder(ctx context.Context, req *gatewayv1.ModifyOrderRequest) (*gatewayv1.Order, error) {
	resp, err := once(ctx, c.callTimeout, func(ctx context.Context) (*gatewayv1.ModifyOrderResponse, error) {
		return c.rpc.ModifyOrder(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	return resp.GetOrder(), nil
}

// GetOrder looks an order up by its gateway id.
func (c *Client) GetOrder(ctx context.Context, orderID string) (*gatewayv1.Order, error) {
	return c.getOrder(ctx, &gatewayv1.GetOrderRequest{OrderId: orderID})
}

// GetOrderByClientID looks an order up by the caller's id within account; an
// empty account means the gateway's default account.
func (c *Client) GetOrderByClientID(ctx context.Context, account, clientOrderID string) (*gatewayv1.Order, error) {
	return c.getOrder(ctx, &gatewayv1.GetOrderRequest{Account: account, ClientOrderId: clientOrderID})
}

func (c *Client) getOrder(ctx context.Context, req *gatewayv1.GetOrderRequest) (*gatewayv1.Order, error) {
	resp, err := withRetry(ctx, c.retry, c.callTimeout, func(ctx context.Context) (*gatewayv1.GetOrderResponse, error) {
		return c.rpc.GetOrder(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	return resp.GetOrder(), nil
}

// ListOrders yields every order matching filter (account, statuses, symbol;
// nil for all), oldest first, fetching page after page as the loop advances.
// filter.PageSize sets the page size; filter.PageToken, if set, is where the
// listing starts. An error ends the sequence.
func (c *Client) ListOrders(ctx context.Context, filter *gatewayv1.ListOrdersRequest) iter.Seq2[*gatewayv1.Order, error] {
	return paginate(ctx, c.retry, c.callTimeout, filter.GetPageToken(), func(ctx context.Context, token string) ([]*gatewayv1.Order, string, error) {
		req := &gatewayv1.ListOrdersRequest{}
		if filter != nil {
			req = proto.CloneOf(filter)
		}
		req.PageToken = token
		resp, err := c.rpc.ListOrders(ctx, req)
		return resp.GetOrders(), resp.GetNextPageToken(), err
	})
}

// ListFills yields every fill matching filter (account, order_id; nil for
// all), oldest first, page after page. An error ends the sequence.
func (c *Client) ListFills(ctx context.Context, filter *gatewayv1.ListFillsRequest) iter.Seq2[*gatewayv1.Fill, error] {
	return paginate(ctx, c.retry, c.callTimeout, filter.GetPageToken(), func(ctx context.Context, token string) ([]*gatewayv1.Fill, string, error) {
		req := &gatewayv1.ListFillsRequest{}
		if filter != nil {
			req = proto.CloneOf(filter)
		}
		req.PageToken = token
		resp, err := c.rpc.ListFills(ctx, req)
		return resp.GetFills(), resp.GetNextPageToken(), err
	})
}

// paginate yields the items of page after page, starting at first, until a
// page comes back without a next token. Each page request is retried on its
// own, and every range over the sequence starts again at first.
func paginate[T any](ctx context.Context, p RetryPolicy, timeout time.Duration, first string, page func(ctx context.Context, token string) ([]T, string, error)) iter.Seq2[T, error] {
	type result struct {
		items []T
		next  string
	}
	return func(yield func(T, error) bool) {
		token := first
		for {
			r, err := withRetry(ctx, p, timeout, func(ctx context.Context) (result, error) {
				items, next, err := page(ctx, token)
				return result{items, next}, err
			})
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range r.items {
				if !yield(item, nil) {
					return
				}
			}
			if r.next == "" {
				return
			}
			token = r.next
		}
	}
}
