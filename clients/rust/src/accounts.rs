//! Positions, the account summary and previews, with amounts as [`Decimal`].

use std::time::SystemTime;

use rust_decimal::Decimal;

use crate::client::Client;
use crate::error::Error;
use crate::models::{Contract, OrderSpec, amount, enum_or_unspecified, optional_amount, time};
use crate::proto;
use crate::retry::with_retry;

pub use crate::proto::{LimitBreach, PositionChangeCause};

/// The holding of one account in one contract.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Position {
    pub account: String,
    /// The contract as the first order that traded it named it.
    pub contract: Contract,
    /// Signed: positive long, negative short, 0 once closed.
    pub quantity: Decimal,
    /// Cost per unit of the open quantity, opening commissions included (IB's avgCost);
    /// None while the quantity is 0.
    pub average_cost: Option<Decimal>,
    /// Average execution price of the open quantity; None while the quantity is 0.
    pub average_price: Option<Decimal>,
    /// Realized by closing trades since the journal began, commissions included.
    pub realized_pnl: Decimal,
    pub commissions: Decimal,
    /// None when the gateway knows no market price (and always in stream events).
    pub market_price: Option<Decimal>,
    pub market_value: Option<Decimal>,
    pub unrealized_pnl: Option<Decimal>,
    /// The journal sequence of the event that last changed it.
    pub last_sequence: i64,
    pub update_time: Option<SystemTime>,
}

impl Position {
    pub fn from_proto(p: proto::Position) -> Result<Self, Error> {
        Ok(Self {
            quantity: amount("position quantity", &p.quantity)?,
            average_cost: optional_amount("average cost", &p.average_cost)?,
            average_price: optional_amount("average price", &p.average_price)?,
            realized_pnl: amount_or_zero("realized P&L", &p.realized_pnl)?,
            commissions: amount_or_zero("commissions", &p.commissions)?,
            market_price: optional_amount("market price", &p.market_price)?,
            market_value: optional_amount("market value", &p.market_value)?,
            unrealized_pnl: optional_amount("unrealized P&L", &p.unrealized_pnl)?,
            update_time: time(p.update_time),
            account: p.account,
            contract: p.contract.unwrap_or_default(),
            last_sequence: p.last_sequence,
        })
    }
}

/// The positions of one account as of journal sequence `last_sequence`:
/// [`Client::positions`] after it continues exactly where the listing ends.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PositionList {
    pub positions: Vec<Position>,
    pub last_sequence: i64,
}

/// One journaled change of a position.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PositionEvent {
    pub sequence: i64,
    pub time: Option<SystemTime>,
    /// The position right after the change (market fields None).
    pub position: Position,
    pub previous_quantity: Decimal,
    pub cause: PositionChangeCause,
    /// The order whose execution changed it; empty for adjustments.
    pub order_id: String,
    pub execution_id: String,
    /// Realized by this change alone, commissions included.
    pub realized_pnl: Decimal,
    /// Why an adjustment was made; empty otherwise.
    pub reason: String,
}

impl PositionEvent {
    pub fn from_proto(e: proto::PositionEvent) -> Result<Self, Error> {
        Ok(Self {
            position: Position::from_proto(e.position.unwrap_or_default())?,
            previous_quantity: amount_or_zero("previous quantity", &e.previous_quantity)?,
            cause: enum_or_unspecified(e.cause),
            realized_pnl: amount_or_zero("realized P&L", &e.realized_pnl)?,
            time: time(e.time),
            sequence: e.sequence,
            order_id: e.order_id,
            execution_id: e.execution_id,
            reason: e.reason,
        })
    }
}

/// Cash, margin and P&L of one account, every amount in `currency`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountSummary {
    pub account: String,
    pub currency: String,
    pub net_liquidation: Decimal,
    pub cash: Decimal,
    pub buying_power: Decimal,
    pub initial_margin: Decimal,
    pub maintenance_margin: Decimal,
    pub excess_liquidity: Decimal,
    pub available_funds: Decimal,
    pub gross_position_value: Decimal,
    pub realized_pnl: Decimal,
    pub unrealized_pnl: Decimal,
    pub last_sequence: i64,
    pub time: Option<SystemTime>,
}

impl AccountSummary {
    pub fn from_proto(s: proto::AccountSummary) -> Result<Self, Error> {
        Ok(Self {
            net_liquidation: amount_or_zero("net liquidation", &s.net_liquidation)?,
            cash: amount_or_zero("cash", &s.cash)?,
            buying_power: amount_or_zero("buying power", &s.buying_power)?,
            initial_margin: amount_or_zero("initial margin", &s.initial_margin)?,
            maintenance_margin: amount_or_zero("maintenance margin", &s.maintenance_margin)?,
            excess_liquidity: amount_or_zero("excess liquidity", &s.excess_liquidity)?,
            available_funds: amount_or_zero("available funds", &s.available_funds)?,
            gross_position_value: amount_or_zero("gross position value", &s.gross_position_value)?,
            realized_pnl: amount_or_zero("realized P&L", &s.realized_pnl)?,
            unrealized_pnl: amount_or_zero("unrealized P&L", &s.unrealized_pnl)?,
            time: time(s.time),
            account: s.account,
            currency: s.currency,
            last_sequence: s.last_sequence,
        })
    }
}

/// What an order would do, without placing it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderPreview {
    /// The order with the gateway's defaults filled in.
    pub order: OrderSpec,
    /// None when neither a market price nor the order's own price is known.
    pub estimated_price: Option<Decimal>,
    /// None when it cannot be estimated (backend ib).
    pub estimated_commission: Option<Decimal>,
    pub position_before: Decimal,
    pub position_after: Decimal,
    /// The account now and once filled (backend sim).
    pub account_before: Option<AccountSummary>,
    pub account_after: Option<AccountSummary>,
    /// Every limit the order would break, in the order a submit checks them.
    pub breaches: Vec<LimitBreach>,
}

impl OrderPreview {
    pub fn from_proto(p: proto::PreviewOrderResponse) -> Result<Self, Error> {
        Ok(Self {
            order: OrderSpec::from_proto(p.order.unwrap_or_default())?,
            estimated_price: optional_amount("estimated price", &p.estimated_price)?,
            estimated_commission: optional_amount("estimated commission", &p.estimated_commission)?,
            position_before: amount_or_zero("position before", &p.position_before)?,
            position_after: amount_or_zero("position after", &p.position_after)?,
            account_before: p
                .account_before
                .map(AccountSummary::from_proto)
                .transpose()?,
            account_after: p
                .account_after
                .map(AccountSummary::from_proto)
                .transpose()?,
            breaches: p.breaches,
        })
    }
}

/// Which positions to list: the default account's open positions when left default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PositionFilter {
    /// The gateway's default account when empty.
    pub account: String,
    /// All symbols when empty.
    pub symbol: String,
    /// All contracts when 0.
    pub con_id: i64,
    /// Positions back to 0 too (they keep their realized P&L).
    pub include_closed: bool,
}

/// An amount the gateway leaves empty when it is zero reads as zero; anything else
/// that is not a decimal fails the call.
fn amount_or_zero(what: &str, text: &str) -> Result<Decimal, Error> {
    Ok(optional_amount(what, text)?.unwrap_or_default())
}

impl Client {
    /// The positions matching `filter`, with P&L at the market price where the gateway
    /// knows one, as of the listing's sequence. Retried on UNAVAILABLE.
    pub async fn list_positions(&self, filter: PositionFilter) -> Result<PositionList, Error> {
        let message = proto::ListPositionsRequest {
            account: filter.account,
            symbol: filter.symbol,
            con_id: filter.con_id,
            include_closed: filter.include_closed,
        };
        let timeout = self.settings.call_timeout;
        let response = with_retry(&self.settings.retry, timeout, || {
            let mut accounts = self.accounts.clone();
            let request = self.request(message.clone(), timeout);
            async move { accounts.list_positions(request).await }
        })
        .await?;
        Ok(PositionList {
            positions: response
                .positions
                .into_iter()
                .map(Position::from_proto)
                .collect::<Result<_, _>>()?,
            last_sequence: response.last_sequence,
        })
    }

    /// Cash, margin, buying power and P&L of `account` (the gateway's default account
    /// when empty); the simulated account on the sim backend. Retried on UNAVAILABLE.
    pub async fn get_account_summary(&self, account: &str) -> Result<AccountSummary, Error> {
        let message = proto::GetAccountSummaryRequest {
            account: account.to_owned(),
        };
        let timeout = self.settings.call_timeout;
        let response = with_retry(&self.settings.retry, timeout, || {
            let mut accounts = self.accounts.clone();
            let request = self.request(message.clone(), timeout);
            async move { accounts.get_account_summary(request).await }
        })
        .await?;
        AccountSummary::from_proto(response.summary.unwrap_or_default())
    }

    /// What `spec` would do without placing it: estimated price and commission, the
    /// position (and, on the sim backend, the account) before and after, every limit
    /// it would break. Nothing is stored, so it is retried on UNAVAILABLE.
    pub async fn preview_order(&self, spec: OrderSpec) -> Result<OrderPreview, Error> {
        let message = proto::PreviewOrderRequest {
            order: Some(spec.to_proto()),
        };
        let timeout = self.settings.call_timeout;
        let response = with_retry(&self.settings.retry, timeout, || {
            let mut rpc = self.rpc.clone();
            let request = self.request(message.clone(), timeout);
            async move { rpc.preview_order(request).await }
        })
        .await?;
        OrderPreview::from_proto(response)
    }
}
