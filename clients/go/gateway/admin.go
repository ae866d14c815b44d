package gateway

import (
	"context"
	"iter"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// PreviewOrder answers what spec would do without placing it: estimated
// price and commission, the position (and, on the sim backend, the account)
// before and after, and every limit it would break. Nothing is stored, so
// UNAVAILABLE is retried.
func (c *Client) PreviewOrder(ctx context.Context, spec *gatewayv1.OrderSpec) (*gatewayv1.PreviewOrderResponse, error) {
	return withRetry(ctx, c.retry, c.callTimeout, func(ctx context.Context) (*gatewayv1.PreviewOrderResponse, error) {
		return c.rpc.PreviewOrder(ctx, &gatewayv1.PreviewOrderRequest{Order: spec})
	})
}

// GetKillSwitch returns the kill switch as it is now (admin scope).
// UNAVAILABLE is retried.
func (c *Client) GetKillSwitch(ctx context.Context) (*gatewayv1.KillSwitch, error) {
	resp, err := withRetry(ctx, c.retry, c.callTimeout, func(ctx context.Context) (*gatewayv1.GetKillSwitchResponse, error) {
		return c.rpc.GetKillSwitch(ctx, &gatewayv1.GetKillSwitchRequest{})
	})
	if err != nil {
		return nil, err
	}
	return resp.GetKillSwitch(), nil
}

// SetKillSwitch engages (cancelling every working order, refusing new ones)
// or releases the kill switch, gateway-wide or for req.Accounts only (admin
// scope); the response has the switch after the call and the orders a cancel
// was requested for. Not retried: a late repeat could undo a change someone
// made in between.
func (c *Client) SetKillSwitch(ctx context.Context, req *gatewayv1.SetKillSwitchRequest) (*gatewayv1.SetKillSwitchResponse, error) {
	return once(ctx, c.callTimeout, func(ctx context.Context) (*gatewayv1.SetKillSwitchResponse, error) {
		return c.rpc.SetKillSwitch(ctx, req)
	})
}

// ListAuditRecords yields every audit record the token may see, oldest
// first, page after page (pageSize 1..1000; the server's default when 0).
// An error ends the sequence.
func (c *Client) ListAuditRecords(ctx context.Context, pageSize int32) iter.Seq2[*gatewayv1.AuditRecord, error] {
	return paginate(ctx, c.retry, c.callTimeout, "", func(ctx context.Context, token string) ([]*gatewayv1.AuditRecord, string, error) {
		resp, err := c.rpc.ListAuditRecords(ctx, &gatewayv1.ListAuditRecordsRequest{PageSize: pageSize, PageToken: token})
		return resp.GetRecords(), resp.GetNextPageToken(), err
	})
}
