//! Orders, fills and events with amounts as [`Decimal`] and times as [`SystemTime`].
//!
//! On the wire amounts are decimal strings, so that no price passes through a float;
//! here they are parsed once, and an amount the gateway sent that is not a decimal
//! fails the call (code INTERNAL) rather than turning into a wrong number.

use std::str::FromStr;
use std::time::SystemTime;

use rust_decimal::Decimal;
use tonic::Code;

use crate::error::Error;
use crate::proto;
pub use crate::proto::{
    AdaptiveAlgo, AdaptivePriority, Algo, Contract, OrderStatus, OrderType, SecurityType, Side,
    TimeInForce, TwapAlgo, TwapStrategyType, VwapAlgo,
};

/// What the caller asks for: the order to submit, and what an [`Order`] was submitted as
/// (with the gateway's defaults filled in).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderSpec {
    /// The caller's id, unique per account; generated on submit when empty.
    pub client_order_id: String,
    /// The IB account; the gateway's default account when empty.
    pub account: String,
    pub contract: Contract,
    pub side: Side,
    pub quantity: Decimal,
    pub order_type: OrderType,
    /// Required for LIMIT, STOP_LIMIT, LIMIT_ON_CLOSE and LIMIT_IF_TOUCHED; the
    /// optional cap of RELATIVE and PEGGED_TO_MIDPOINT; refused otherwise.
    pub limit_price: Option<Decimal>,
    /// The stop of STOP and STOP_LIMIT, the trigger of MARKET_IF_TOUCHED and
    /// LIMIT_IF_TOUCHED (required for these), the initial stop of the trailing types.
    pub stop_price: Option<Decimal>,
    /// DAY when unspecified.
    pub time_in_force: TimeInForce,
    pub outside_rth: bool,
    /// Trailing types only: the stop's distance from the market.
    pub trailing_amount: Option<Decimal>,
    /// Trailing types only: the stop's distance from the market in percent.
    pub trailing_percent: Option<Decimal>,
    /// Required for GTD, refused otherwise.
    pub good_till_time: Option<SystemTime>,
    /// One-cancels-all group; empty for none.
    pub oca_group: String,
    /// An IB algo (Adaptive, TWAP or VWAP) working a MARKET or LIMIT order.
    pub algo: Option<Algo>,
    /// Iceberg: the quantity shown at a time, a whole number.
    pub display_size: Option<Decimal>,
    /// Not shown to the market (LIMIT and RELATIVE).
    pub hidden: bool,
    /// TRAILING_STOP_LIMIT: the limit's distance beyond the stop.
    pub limit_offset: Option<Decimal>,
    /// RELATIVE and PEGGED_TO_MIDPOINT: the offset from the peg.
    pub peg_offset: Option<Decimal>,
}

impl OrderSpec {
    fn new(symbol: &str, side: Side, quantity: Decimal, order_type: OrderType) -> Self {
        Self {
            contract: Contract {
                symbol: symbol.to_owned(),
                ..Contract::default()
            },
            side,
            quantity,
            order_type,
            ..Self::default()
        }
    }

    pub fn market(symbol: &str, side: Side, quantity: Decimal) -> Self {
        Self::new(symbol, side, quantity, OrderType::Market)
    }

    pub fn limit(symbol: &str, side: Side, quantity: Decimal, limit_price: Decimal) -> Self {
        Self {
            limit_price: Some(limit_price),
            ..Self::new(symbol, side, quantity, OrderType::Limit)
        }
    }

    pub fn stop(symbol: &str, side: Side, quantity: Decimal, stop_price: Decimal) -> Self {
        Self {
            stop_price: Some(stop_price),
            ..Self::new(symbol, side, quantity, OrderType::Stop)
        }
    }

    pub fn stop_limit(
        symbol: &str,
        side: Side,
        quantity: Decimal,
        stop_price: Decimal,
        limit_price: Decimal,
    ) -> Self {
        Self {
            stop_price: Some(stop_price),
            limit_price: Some(limit_price),
            ..Self::new(symbol, side, quantity, OrderType::StopLimit)
        }
    }

    /// Sets the caller's id, which makes resubmitting the same order after a lost
    /// answer safe (see [`crate::new_client_order_id`]).
    pub fn client_order_id(mut self, id: impl Into<String>) -> Self {
        self.client_order_id = id.into();
        self
    }

    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = account.into();
        self
    }

    pub fn time_in_force(mut self, tif: TimeInForce) -> Self {
        self.time_in_force = tif;
        self
    }

    pub fn outside_rth(mut self, outside_rth: bool) -> Self {
        self.outside_rth = outside_rth;
        self
    }

    pub fn good_till(mut self, time: SystemTime) -> Self {
        self.good_till_time = Some(time);
        self
    }

    pub fn oca_group(mut self, group: impl Into<String>) -> Self {
        self.oca_group = group.into();
        self
    }

    pub fn algo(mut self, algo: Algo) -> Self {
        self.algo = Some(algo);
        self
    }

    pub fn display_size(mut self, size: Decimal) -> Self {
        self.display_size = Some(size);
        self
    }

    pub fn hidden(mut self, hidden: bool) -> Self {
        self.hidden = hidden;
        self
    }

    pub fn limit_offset(mut self, offset: Decimal) -> Self {
        self.limit_offset = Some(offset);
        self
    }

    pub fn peg_offset(mut self, offset: Decimal) -> Self {
        self.peg_offset = Some(offset);
        self
    }

    pub fn to_proto(&self) -> proto::OrderSpec {
        proto::OrderSpec {
            client_order_id: self.client_order_id.clone(),
            account: self.account.clone(),
            contract: Some(self.contract.clone()),
            side: self.side.into(),
            quantity: self.quantity.to_string(),
            order_type: self.order_type.into(),
            limit_price: amount_text(self.limit_price),
            stop_price: amount_text(self.stop_price),
            time_in_force: self.time_in_force.into(),
            outside_rth: self.outside_rth,
            trailing_amount: amount_text(self.trailing_amount),
            trailing_percent: amount_text(self.trailing_percent),
            good_till_time: self.good_till_time.map(Into::into),
            oca_group: self.oca_group.clone(),
            algo: self.algo.clone(),
            display_size: amount_text(self.display_size),
            hidden: self.hidden,
            limit_offset: amount_text(self.limit_offset),
            peg_offset: amount_text(self.peg_offset),
        }
    }

    pub fn from_proto(spec: proto::OrderSpec) -> Result<Self, Error> {
        Ok(Self {
            side: enum_or_unspecified(spec.side),
            quantity: amount("order quantity", &spec.quantity)?,
            order_type: enum_or_unspecified(spec.order_type),
            limit_price: optional_amount("limit price", &spec.limit_price)?,
            stop_price: optional_amount("stop price", &spec.stop_price)?,
            time_in_force: enum_or_unspecified(spec.time_in_force),
            trailing_amount: optional_amount("trailing amount", &spec.trailing_amount)?,
            trailing_percent: optional_amount("trailing percent", &spec.trailing_percent)?,
            good_till_time: time(spec.good_till_time),
            client_order_id: spec.client_order_id,
            account: spec.account,
            contract: spec.contract.unwrap_or_default(),
            outside_rth: spec.outside_rth,
            oca_group: spec.oca_group,
            display_size: optional_amount("display size", &spec.display_size)?,
            limit_offset: optional_amount("limit offset", &spec.limit_offset)?,
            peg_offset: optional_amount("peg offset", &spec.peg_offset)?,
            hidden: spec.hidden,
            algo: spec.algo,
        })
    }
}

/// An order as the gateway knows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Order {
    /// The gateway's id, unique across accounts.
    pub order_id: String,
    /// As submitted or last modified, with defaults filled in.
    pub spec: OrderSpec,
    pub status: OrderStatus,
    pub filled_quantity: Decimal,
    /// `quantity - filled_quantity` while working, 0 once final.
    pub remaining_quantity: Decimal,
    /// None before the first fill.
    pub average_fill_price: Option<Decimal>,
    /// IB's orderId; 0 before the order reaches the broker.
    pub broker_order_id: i64,
    /// IB's permId; 0 until the broker assigns it.
    pub perm_id: i64,
    /// Why the order has its status, e.g. a rejection with the broker's error code.
    pub status_reason: String,
    pub create_time: Option<SystemTime>,
    pub update_time: Option<SystemTime>,
    /// The parent of a bracket child; empty otherwise.
    pub parent_order_id: String,
    pub oca_group: String,
    /// The sequence of the last event about this order.
    pub last_sequence: i64,
    /// Placed outside the gateway and found at the broker.
    pub external: bool,
    /// IB's code of the order type, e.g. "MOC"; for OrderType::Other the only name of it.
    pub broker_order_type: String,
}

impl Order {
    pub fn from_proto(order: proto::Order) -> Result<Self, Error> {
        Ok(Self {
            spec: OrderSpec::from_proto(order.spec.unwrap_or_default())?,
            status: enum_or_unspecified(order.status),
            filled_quantity: amount("filled quantity", &order.filled_quantity)?,
            remaining_quantity: amount("remaining quantity", &order.remaining_quantity)?,
            average_fill_price: optional_amount("average fill price", &order.average_fill_price)?,
            create_time: time(order.create_time),
            update_time: time(order.update_time),
            order_id: order.order_id,
            broker_order_id: order.broker_order_id,
            perm_id: order.perm_id,
            status_reason: order.status_reason,
            parent_order_id: order.parent_order_id,
            oca_group: order.oca_group,
            last_sequence: order.last_sequence,
            external: order.external,
            broker_order_type: order.broker_order_type,
        })
    }

    /// FILLED, CANCELLED and REJECTED never change again.
    pub fn is_final(&self) -> bool {
        matches!(
            self.status,
            OrderStatus::Filled | OrderStatus::Cancelled | OrderStatus::Rejected
        )
    }
}

/// One execution.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fill {
    /// The broker's execution id, unique per fill.
    pub execution_id: String,
    pub order_id: String,
    pub client_order_id: String,
    pub account: String,
    pub symbol: String,
    pub side: Side,
    pub quantity: Decimal,
    pub price: Decimal,
    pub time: Option<SystemTime>,
    /// None when the broker never reported it.
    pub commission: Option<Decimal>,
    pub commission_currency: String,
    /// The sequence of the fill event that recorded this fill.
    pub sequence: i64,
    pub exchange: String,
    pub broker_order_id: i64,
    /// The execution this one corrects, which then no longer counts; empty for an
    /// ordinary execution.
    pub corrects_execution_id: String,
}

impl Fill {
    pub fn from_proto(fill: proto::Fill) -> Result<Self, Error> {
        Ok(Self {
            side: enum_or_unspecified(fill.side),
            quantity: amount("fill quantity", &fill.quantity)?,
            price: amount("fill price", &fill.price)?,
            time: time(fill.time),
            commission: optional_amount("commission", &fill.commission)?,
            execution_id: fill.execution_id,
            order_id: fill.order_id,
            client_order_id: fill.client_order_id,
            account: fill.account,
            symbol: fill.symbol,
            commission_currency: fill.commission_currency,
            sequence: fill.sequence,
            exchange: fill.exchange,
            broker_order_id: fill.broker_order_id,
            corrects_execution_id: fill.corrects_execution_id,
        })
    }
}

/// One journaled change to an order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderEvent {
    /// The position in the gateway's journal: increasing, never reused.
    pub sequence: i64,
    pub time: Option<SystemTime>,
    pub order_id: String,
    pub client_order_id: String,
    pub account: String,
    /// The order right after this event.
    pub order: Option<Order>,
    /// What happened; None only from a gateway newer than this client.
    pub kind: Option<EventKind>,
}

/// What an [`OrderEvent`] records.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    StatusChange {
        previous_status: OrderStatus,
        status: OrderStatus,
        reason: String,
    },
    Fill(Fill),
    /// The order reached CANCELLED.
    Cancel {
        previous_status: OrderStatus,
        reason: String,
    },
    /// ModifyOrder changed the working order, or the broker's refusal rolled a change
    /// back (with the reason).
    Modification {
        previous_quantity: Option<Decimal>,
        previous_limit_price: Option<Decimal>,
        previous_stop_price: Option<Decimal>,
        previous_time_in_force: TimeInForce,
        reason: String,
    },
}

impl OrderEvent {
    pub fn from_proto(event: proto::OrderEvent) -> Result<Self, Error> {
        use proto::order_event::Kind;
        let kind = match event.kind {
            None => None,
            Some(Kind::StatusChange(c)) => Some(EventKind::StatusChange {
                previous_status: enum_or_unspecified(c.previous_status),
                status: enum_or_unspecified(c.status),
                reason: c.reason,
            }),
            Some(Kind::Fill(f)) => Some(EventKind::Fill(Fill::from_proto(f)?)),
            Some(Kind::Cancel(c)) => Some(EventKind::Cancel {
                previous_status: enum_or_unspecified(c.previous_status),
                reason: c.reason,
            }),
            Some(Kind::Modification(m)) => Some(EventKind::Modification {
                previous_quantity: optional_amount("previous quantity", &m.previous_quantity)?,
                previous_limit_price: optional_amount(
                    "previous limit price",
                    &m.previous_limit_price,
                )?,
                previous_stop_price: optional_amount(
                    "previous stop price",
                    &m.previous_stop_price,
                )?,
                previous_time_in_force: enum_or_unspecified(m.previous_time_in_force),
                reason: m.reason,
            }),
        };
        Ok(Self {
            sequence: event.sequence,
            time: time(event.time),
            order: event.order.map(Order::from_proto).transpose()?,
            order_id: event.order_id,
            client_order_id: event.client_order_id,
            account: event.account,
            kind,
        })
    }

    /// The fill this event recorded, if it is a fill event.
    pub fn fill(&self) -> Option<&Fill> {
        match &self.kind {
            Some(EventKind::Fill(fill)) => Some(fill),
            _ => None,
        }
    }
}

pub(crate) fn amount_text(value: Option<Decimal>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

pub(crate) fn amount(what: &str, text: &str) -> Result<Decimal, Error> {
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map_err(|_| {
            Error::new(
                Code::Internal,
                format!("the gateway sent {what} {text:?}, which is not a decimal"),
            )
        })
}

pub(crate) fn optional_amount(what: &str, text: &str) -> Result<Option<Decimal>, Error> {
    if text.is_empty() {
        return Ok(None);
    }
    amount(what, text).map(Some)
}

pub(crate) fn time(ts: Option<prost_types::Timestamp>) -> Option<SystemTime> {
    ts.and_then(|ts| SystemTime::try_from(ts).ok())
}

/// A value this client does not know, from a newer gateway, reads as unspecified.
pub(crate) fn enum_or_unspecified<E: TryFrom<i32> + Default>(value: i32) -> E {
    E::try_from(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn order_type_fields_and_algos_travel_both_ways() {
        let vwap = Algo {
            strategy: Some(proto::algo::Strategy::Vwap(VwapAlgo {
                max_pct_vol: "0.1".into(),
                no_take_liq: true,
                ..Default::default()
            })),
        };
        let spec = OrderSpec::limit("AAPL", Side::Buy, dec("300"), dec("99"))
            .algo(vwap.clone())
            .display_size(dec("100"))
            .hidden(false);
        let wire = spec.to_proto();
        assert_eq!(wire.algo, Some(vwap));
        assert_eq!(wire.display_size, "100");
        assert_eq!(OrderSpec::from_proto(wire).unwrap(), spec);
        let trail = OrderSpec {
            order_type: OrderType::TrailingStopLimit,
            trailing_amount: Some(dec("1.5")),
            ..OrderSpec::market("AAPL", Side::Sell, dec("5"))
        }
        .limit_offset(dec("0.25"));
        assert_eq!(trail.to_proto().limit_offset, "0.25");
        let rel = OrderSpec {
            order_type: OrderType::Relative,
            ..OrderSpec::market("AAPL", Side::Buy, dec("5"))
        }
        .peg_offset(dec("0.01"));
        assert_eq!(OrderSpec::from_proto(rel.to_proto()).unwrap(), rel);
    }

    #[test]
    fn a_spec_goes_to_the_wire_as_decimal_strings_and_comes_back_equal() {
        let spec = OrderSpec::stop_limit("AAPL", Side::Sell, dec("0.5"), dec("180"), dec("179.95"))
            .client_order_id("s-1")
            .account("DU1")
            .time_in_force(TimeInForce::Gtc);
        let wire = spec.to_proto();
        assert_eq!(wire.quantity, "0.5");
        assert_eq!(wire.stop_price, "180");
        assert_eq!(wire.limit_price, "179.95");
        assert_eq!(wire.trailing_amount, "");
        assert_eq!(wire.side, Side::Sell as i32);
        assert_eq!(OrderSpec::from_proto(wire).unwrap(), spec);
    }

    #[test]
    fn empty_amounts_are_none_and_malformed_ones_fail() {
        let order = Order::from_proto(proto::Order {
            filled_quantity: "0".into(),
            remaining_quantity: "10".into(),
            spec: Some(proto::OrderSpec {
                quantity: "10".into(),
                ..Default::default()
            }),
            status: 99,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(order.average_fill_price, None);
        assert_eq!(order.remaining_quantity, dec("10"));
        assert_eq!(order.status, OrderStatus::Unspecified);

        let err = Fill::from_proto(proto::Fill {
            quantity: "1".into(),
            price: "1,5".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.code(), Code::Internal);
        assert!(err.message().contains("fill price"), "{err}");
    }

    #[test]
    fn events_carry_their_kind() {
        let event = OrderEvent::from_proto(proto::OrderEvent {
            sequence: 7,
            kind: Some(proto::order_event::Kind::Fill(proto::Fill {
                quantity: "40".into(),
                price: "50.25".into(),
                commission: "1".into(),
                ..Default::default()
            })),
            ..Default::default()
        })
        .unwrap();
        let fill = event.fill().unwrap();
        assert_eq!(fill.price, dec("50.25"));
        assert_eq!(fill.commission, Some(dec("1")));
        assert_eq!(event.order, None);
    }
}
