//! Client of the IBKR order gateway (`ibkr.gateway.v1.OrderGatewayService`).
//!
//! It wraps the generated tonic stubs in [`proto`] with what every strategy otherwise
//! writes itself: order submission that is safe to retry, paging, order, fill and
//! position streams that resume after a dropped or stalled connection without losing
//! or repeating an event, and errors carrying the gateway's `google.rpc` details. It
//! also lists positions, the account summary and the audit trail, previews orders and
//! sets the kill switch; [`ClientBuilder::bearer_token`] and [`ClientBuilder::tls`]
//! reach a gateway that asks for a token or serves TLS.
//!
//! Nothing waits silently. [`Client::connect`] gives up after a connect timeout
//! ([`DEFAULT_CONNECT_TIMEOUT`]), each attempt of a unary call has a deadline
//! ([`DEFAULT_CALL_TIMEOUT`]), and the streams end with the last error after
//! [`DEFAULT_MAX_RECONNECTS`] failed reconnects in a row, reporting each one to
//! [`ClientBuilder::on_retry`].
//!
//! Amounts are [`rust_decimal::Decimal`]; on the wire they are decimal strings, so that
//! no price passes through a float.
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use ibkr_gateway_client::{Client, Decimal, Error, OrderRef, OrderSpec, Side, StreamOptions};
//!
//! # async fn run() -> Result<(), Error> {
//! let gateway = Client::connect("127.0.0.1:50051").await?;
//! let spec = OrderSpec::limit("AAPL", Side::Buy, Decimal::from(10), Decimal::new(18725, 2));
//! let order = gateway.submit_order(spec.client_order_id("strategy-42")).await?;
//! println!("{} {:?}", order.order_id, order.status);
//! match gateway.cancel_order(OrderRef::client_id("", "strategy-42")).await {
//!     Ok(_) | Err(Error::FailedPrecondition(_)) => {} // cancelled, or already finished
//!     Err(err) => return Err(err),
//! }
//! let mut fills = gateway.fills(StreamOptions::after(0)); // resumes by itself
//! while let Some(event) = fills.next().await {
//!     let event = event?;
//!     let fill = event.fill().expect("a fill stream carries fills");
//!     println!("{} {} @ {}", event.sequence, fill.quantity, fill.price);
//! }
//! # Ok(())
//! # }
//! ```

mod accounts;
mod admin;
mod client;
mod error;
mod ids;
mod models;
mod orders;
mod retry;
mod stream;

/// The generated messages and tonic stubs of `ibkr.gateway.v1`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod proto {
    include!("gen/ibkr.gateway.v1.rs");
}

pub use accounts::{
    AccountSummary, LimitBreach, OrderPreview, Position, PositionChangeCause, PositionEvent,
    PositionFilter, PositionList,
};
pub use admin::{AccountHalt, AuditRecord, KillSwitch, KillSwitchChange};
pub use client::{
    Client, ClientBuilder, DEFAULT_CALL_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RECONNECTS,
    OnRetry,
};
pub use error::{Details, ERROR_DOMAIN, Error, FieldViolation, code_name};
pub use ids::new_client_order_id;
pub use models::{
    AdaptiveAlgo, AdaptivePriority, Algo, Contract, EventKind, Fill, Order, OrderEvent, OrderSpec,
    OrderStatus, OrderType, SecurityType, Side, TimeInForce, TwapAlgo, TwapStrategyType, VwapAlgo,
};
pub use orders::{Bracket, BracketOrders, FillFilter, OrderChanges, OrderFilter, OrderRef};
pub use retry::RetryPolicy;
pub use rust_decimal::Decimal;
pub use stream::{
    DEFAULT_HEARTBEAT_INTERVAL, EventStream, PositionStream, PositionStreamOptions, ResumingStream,
    StreamOptions, StreamRetry, stalled_error,
};
#[cfg(feature = "tls")]
pub use tonic::transport::{Certificate, ClientTlsConfig, Identity};
