use std::collections::VecDeque;

use futures_util::stream::{self, BoxStream, StreamExt};
use rust_decimal::Decimal;

use crate::client::Client;
use crate::error::Error;
use crate::ids::new_client_order_id;
use crate::models::{Fill, Order, OrderSpec, OrderStatus, TimeInForce, amount_text};
use crate::proto;
use crate::retry::{once, with_retry};
use tonic::Code;

/// Names an order: by the gateway's id, or by the caller's own id within an account
/// (empty: the gateway's default account), for a caller that lost the gateway's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderRef {
    Id(String),
    ClientId {
        account: String,
        client_order_id: String,
    },
}

impl OrderRef {
    pub fn client_id(account: impl Into<String>, client_order_id: impl Into<String>) -> Self {
        Self::ClientId {
            account: account.into(),
            client_order_id: client_order_id.into(),
        }
    }

    /// (order_id, account, client_order_id) as the requests carry them.
    fn fields(&self) -> (String, String, String) {
        match self {
            Self::Id(id) => (id.clone(), String::new(), String::new()),
            Self::ClientId {
                account,
                client_order_id,
            } => (String::new(), account.clone(), client_order_id.clone()),
        }
    }
}

impl From<&str> for OrderRef {
    fn from(order_id: &str) -> Self {
        Self::Id(order_id.to_owned())
    }
}

impl From<String> for OrderRef {
    fn from(order_id: String) -> Self {
        Self::Id(order_id)
    }
}

impl From<&String> for OrderRef {
    fn from(order_id: &String) -> Self {
        Self::Id(order_id.clone())
    }
}

impl From<&Order> for OrderRef {
    fn from(order: &Order) -> Self {
        Self::Id(order.order_id.clone())
    }
}

/// An entry order with a take-profit and a stop-loss child, which work once the entry
/// has filled and cancel each other.
#[derive(Debug, Clone, PartialEq)]
pub struct Bracket {
    /// MARKET or LIMIT. Its client_order_id keys idempotency for the whole bracket; the
    /// children get `<id>.tp` and `<id>.sl`.
    pub parent: OrderSpec,
    pub take_profit_limit_price: Decimal,
    pub stop_loss_stop_price: Decimal,
    /// Makes the stop-loss a STOP_LIMIT at this price.
    pub stop_loss_limit_price: Option<Decimal>,
    /// GTC when unspecified.
    pub child_time_in_force: TimeInForce,
}

impl Bracket {
    pub fn new(parent: OrderSpec, take_profit: Decimal, stop_loss: Decimal) -> Self {
        Self {
            parent,
            take_profit_limit_price: take_profit,
            stop_loss_stop_price: stop_loss,
            stop_loss_limit_price: None,
            child_time_in_force: TimeInForce::Unspecified,
        }
    }
}

/// The three orders of a bracket.
#[derive(Debug, Clone, PartialEq)]
pub struct BracketOrders {
    pub parent: Order,
    pub take_profit: Order,
    pub stop_loss: Order,
}

/// What [`Client::modify_order`] changes; None leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderChanges {
    pub quantity: Option<Decimal>,
    pub limit_price: Option<Decimal>,
    pub stop_price: Option<Decimal>,
    pub time_in_force: Option<TimeInForce>,
}

impl OrderChanges {
    pub fn quantity(mut self, quantity: Decimal) -> Self {
        self.quantity = Some(quantity);
        self
    }

    pub fn limit_price(mut self, price: Decimal) -> Self {
        self.limit_price = Some(price);
        self
    }

    pub fn stop_price(mut self, price: Decimal) -> Self {
        self.stop_price = Some(price);
        self
    }

    pub fn time_in_force(mut self, tif: TimeInForce) -> Self {
        self.time_in_force = Some(tif);
        self
    }
}

/// Which orders [`Client::list_orders`] lists; the default lists all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFilter {
    pub account: String,
    /// Orders in any of these statuses; all when empty.
    pub statuses: Vec<OrderStatus>,
    pub symbol: String,
    /// Orders per page, 1..1000; the gateway's default (100) when 0.
    pub page_size: i32,
}

/// Which fills [`Client::list_fills`] lists; the default lists all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FillFilter {
    pub account: String,
    pub order_id: String,
    /// Fills per page, 1..1000; the gateway's default (100) when 0.
    pub page_size: i32,
}

impl Client {
    /// Submits `spec` and returns the order the gateway recorded.
    ///
    /// A spec without a client_order_id gets a random one (it is in the returned
    /// order's spec). Because the gateway is idempotent on (account, client_order_id),
    /// an UNAVAILABLE failure is retried with that same id: a retry of an order that did
    /// reach the gateway returns that order instead of placing a second one.
    pub async fn submit_order(&self, spec: OrderSpec) -> Result<Order, Error> {
        let message = proto::SubmitOrderRequest {
            order: Some(with_client_order_id(&spec)),
        };
        let timeout = self.settings.call_timeout;
        let response = with_retry(&self.settings.retry, timeout, || {
            let mut rpc = self.rpc.clone();
            let request = self.request(message.clone(), timeout);
            async move { rpc.submit_order(request).await }
        })
        .await?;
        Order::from_proto(response.order.unwrap_or_default())
    }

    /// Submits `specs` in one call (at most 1000); each is answered on its own, in the
    /// order of `specs`: its order, or the [`Error`] [`Client::submit_order`] would have
    /// returned for it.
    ///
    /// Every spec without a client_order_id gets a random one before the first attempt,
    /// so that retrying UNAVAILABLE, as [`Client::submit_order`] does, cannot place any
    /// order twice. The outer error is that of the whole call.
    pub async fn submit_orders(
        &self,
        specs: &[OrderSpec],
    ) -> Result<Vec<Result<Order, Error>>, Error> {
        let message = proto::SubmitOrdersRequest {
            orders: specs.iter().map(with_client_order_id).collect(),
        };
        let timeout = self.settings.call_timeout;
        let response = with_retry(&self.settings.retry, timeout, || {
            let mut rpc = self.rpc.clone();
            let request = self.request(message.clone(), timeout);
            async move { rpc.submit_orders(request).await }
        })
        .await?;
        let mut results = Vec::with_capacity(response.results.len());
        for (i, item) in response.results.into_iter().enumerate() {
            results.push(match item.result {
                Some(proto::submit_order_result::Result::Order(order)) => {
                    // An accepted order the client cannot read fails the call: reported
                    // as refused, it would be a false answer about a live order.
                    Ok(Order::from_proto(order)?)
                }
                Some(proto::submit_order_result::Result::Error(status)) => {
                    Err(Error::from_rpc_status(&status))
                }
                None => {
                    return Err(Error::new(
                        Code::Internal,
                        format!("result {i} has neither order nor error"),
                    ));
                }
            });
        }
        Ok(results)
    }

    /// Submits a bracket. Like [`Client::submit_order`] it fills in a missing parent
    /// client_order_id and retries UNAVAILABLE.
    pub async fn submit_bracket(&self, bracket: Bracket) -> Result<BracketOrders, Error> {
        let message = proto::SubmitBracketOrderRequest {
            parent: Some(with_client_order_id(&bracket.parent)),
            take_profit_limit_price: bracket.take_profit_limit_price.to_string(),
            stop_loss_stop_price: bracket.stop_loss_stop_price.to_string(),
            stop_loss_limit_price: amount_text(bracket.stop_loss_limit_price),
            child_time_in_force: bracket.child_time_in_force.into(),
        };
        let timeout = self.settings.call_timeout;
        let response = with_retry(&self.settings.retry, timeout, || {
            let mut rpc = self.rpc.clone();
            let request = self.request(message.clone(), timeout);
            async move { rpc.submit_bracket_order(request).await }
        })
        .await?;
        Ok(BracketOrders {
            parent: Order::from_proto(response.parent.unwrap_or_default())?,
            take_profit: Order::from_proto(response.take_profit.unwrap_or_default())?,
            stop_loss: Order::from_proto(response.stop_loss.unwrap_or_default())?,
        })
    }

    /// Changes the quantity, prices or time in force of a working order. Not retried:
    /// each accepted modification is an event of its own, and a late repeat could undo
    /// a concurrent change.
    pub async fn modify_order(
        &self,
        order: impl Into<OrderRef>,
        changes: OrderChanges,
    ) -> Result<Order, Error> {
        let (order_id, account, client_order_id) = order.into().fields();
        let message = proto::ModifyOrderRequest {
            order_id,
            quantity: changes.quantity.map(|v| v.to_string()),
            limit_price: changes.limit_price.map(|v| v.to_string()),
            stop_price: changes.stop_price.map(|v| v.to_string()),
            time_in_force: changes.time_in_force.unwrap_or_default().into(),
            client_order_id,
            account,
        };
        let timeout = self.settings.call_timeout;
        let mut rpc = self.rpc.clone();
        let response = once(timeout, rpc.modify_order(self.request(message, timeout))).await?;
        Order::from_proto(response.order.unwrap_or_default())
    }

    /// Requests cancellation and returns the order PENDING_CANCEL (or further along);
    /// CANCELLED follows on the event stream. Not retried: had a lost answer hidden a
    /// cancel that went through, the repeat would fail for an order this call did
    /// cancel.
    pub async fn cancel_order(&self, order: impl Into<OrderRef>) -> Result<Order, Error> {
        let (order_id, account, client_order_id) = order.into().fields();
        let message = proto::CancelOrderRequest {
            order_id,
            client_order_id,
            account,
        };
        let timeout = self.settings.call_timeout;
        let mut rpc = self.rpc.clone();
        let response = once(timeout, rpc.cancel_order(self.request(message, timeout))).await?;
        Order::from_proto(response.order.unwrap_or_default())
    }

    /// Cancels every working order of `account`, or of every account when empty, and
    /// returns the orders a cancel was requested for. Not retried.
    pub async fn cancel_all_orders(&self, account: &str) -> Result<Vec<Order>, Error> {
        let message = proto::CancelAllOrdersRequest {
            account: account.to_owned(),
        };
        let timeout = self.settings.call_timeout;
        let mut rpc = self.rpc.clone();
        let response = once(
            timeout,
            rpc.cancel_all_orders(self.request(message, timeout)),
        )
        .await?;
        response.orders.into_iter().map(Order::from_proto).collect()
    }

    /// Looks an order up by the gateway's id or by (account, client_order_id).
    pub async fn get_order(&self, order: impl Into<OrderRef>) -> Result<Order, Error> {
        let (order_id, account, client_order_id) = order.into().fields();
        let message = proto::GetOrderRequest {
            order_id,
            client_order_id,
            account,
        };
        let timeout = self.settings.call_timeout;
        let response = with_retry(&self.settings.retry, timeout, || {
            let mut rpc = self.rpc.clone();
            let request = self.request(message.clone(), timeout);
            async move { rpc.get_order(request).await }
        })
        .await?;
        Order::from_proto(response.order.unwrap_or_default())
    }

    /// Every order matching `filter`, oldest first, fetched page by page as the stream
    /// is polled; each page is retried on its own. An error ends the stream.
    pub fn list_orders(&self, filter: OrderFilter) -> BoxStream<'static, Result<Order, Error>> {
        let client = self.clone();
        let request = proto::ListOrdersRequest {
            account: filter.account,
            statuses: filter.statuses.into_iter().map(Into::into).collect(),
            symbol: filter.symbol,
            page_size: filter.page_size,
            page_token: String::new(),
        };
        paginate(move |token| {
            let client = client.clone();
            let mut message = request.clone();
            message.page_token = token;
            async move {
                let timeout = client.settings.call_timeout;
                let page = with_retry(&client.settings.retry, timeout, || {
                    let mut rpc = client.rpc.clone();
                    let request = client.request(message.clone(), timeout);
                    async move { rpc.list_orders(request).await }
                })
                .await?;
                let orders = page
                    .orders
                    .into_iter()
                    .map(Order::from_proto)
                    .collect::<Result<_, _>>()?;
                Ok((orders, page.next_page_token))
            }
        })
    }

    /// Every fill matching `filter`, oldest first, page by page; see
    /// [`Client::list_orders`].
    pub fn list_fills(&self, filter: FillFilter) -> BoxStream<'static, Result<Fill, Error>> {
        let client = self.clone();
        let request = proto::ListFillsRequest {
            account: filter.account,
            order_id: filter.order_id,
            page_size: filter.page_size,
            page_token: String::new(),
        };
        paginate(move |token| {
            let client = client.clone();
            let mut message = request.clone();
            message.page_token = token;
            async move {
                let timeout = client.settings.call_timeout;
                let page = with_retry(&client.settings.retry, timeout, || {
                    let mut rpc = client.rpc.clone();
                    let request = client.request(message.clone(), timeout);
                    async move { rpc.list_fills(request).await }
                })
                .await?;
                let fills = page
                    .fills
                    .into_iter()
                    .map(Fill::from_proto)
                    .collect::<Result<_, _>>()?;
                Ok((fills, page.next_page_token))
            }
        })
    }
}

/// The spec on the wire, with a generated client_order_id when it has none.
fn with_client_order_id(spec: &OrderSpec) -> proto::OrderSpec {
    let mut wire = spec.to_proto();
    if wire.client_order_id.is_empty() {
        wire.client_order_id = new_client_order_id();
    }
    wire
}

/// The items of page after page, from the first, until a page comes back without a
/// next token.
pub(crate) fn paginate<T, F, Fut>(fetch: F) -> BoxStream<'static, Result<T, Error>>
where
    T: Send + 'static,
    F: Fn(String) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<T>, String), Error>> + Send + 'static,
{
    struct Pages<T, F> {
        fetch: F,
        items: VecDeque<T>,
        // None once the last page has been fetched.
        next: Option<String>,
    }
    let start = Pages {
        fetch,
        items: VecDeque::new(),
        next: Some(String::new()),
    };
    stream::unfold(start, |mut pages| async move {
        loop {
            if let Some(item) = pages.items.pop_front() {
                return Some((Ok(item), pages));
            }
            let token = pages.next.take()?;
            match (pages.fetch)(token).await {
                Ok((items, next)) => {
                    pages.items = items.into();
                    pages.next = (!next.is_empty()).then_some(next);
                }
                Err(err) => return Some((Err(err), pages)),
            }
        }
    })
    .boxed()
}
