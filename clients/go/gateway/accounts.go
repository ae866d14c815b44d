package gateway

import (
	"context"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// ListPositions returns the positions of filter.Account (the gateway's default
// account when empty; nil filter for all of its open positions), as of the
// journal sequence in the response: StreamPositions after that sequence
// continues exactly where the listing ends. Amounts are decimal strings.
// UNAVAILABLE is retried.
func (c *Client) ListPositions(ctx context.Context, filter *gatewayv1.ListPositionsRequest) (*gatewayv1.ListPositionsResponse, error) {
	if filter == nil {
		filter = &gatewayv1.ListPositionsRequest{}
	}
	return withRetry(ctx, c.retry, c.callTimeout, func(ctx context.Context) (*gatewayv1.ListPositionsResponse, error) {
		return c.accounts.ListPositions(ctx, filter)
	})
}

// GetAccountSummary returns cash, margin, buying power and P&L of account (the
// gateway's default account when empty). UNAVAILABLE is retried.
func (c *Client) GetAccountSummary(ctx context.Context, account string) (*gatewayv1.AccountSummary, error) {
	resp, err := withRetry(ctx, c.retry, c.callTimeout, func(ctx context.Context) (*gatewayv1.GetAccountSummaryResponse, error) {
		return c.accounts.GetAccountSummary(ctx, &gatewayv1.GetAccountSummaryRequest{Account: account})
	})
	if err != nil {
		return nil, err
	}
	return resp.GetSummary(), nil
}

// Accounts returns the generated AccountService stub.
func (c *Client) Accounts() gatewayv1.AccountServiceClient { return c.accounts }
