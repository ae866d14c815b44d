//! The steps: unary calls by name (protobuf JSON by reflection), and event reads.

use std::collections::{BTreeMap, HashMap};

use ibkr_gateway_client::proto::account_service_client::AccountServiceClient;
use ibkr_gateway_client::proto::order_gateway_service_client::OrderGatewayServiceClient;
use ibkr_gateway_client::{Error, code_name, proto};
use prost::Message as _;
use prost::bytes::{Buf, BufMut};
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, MethodDescriptor};
use serde_json::Value;
use tonic::Status;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;

use crate::document::{as_int, as_text, at_path, bytes_to_document, text_at, to_document};

/// The names of the OrderEvent kind oneof, in field order.
const EVENT_KINDS: [&str; 4] = ["status_change", "fill", "cancel", "modification"];

pub struct Runner {
    channel: Channel,
    event: MessageDescriptor,
}

type Variables = HashMap<String, String>;

/// What the position resume compares of each StreamPositions event.
struct PositionChange {
    sequence: i64,
    quantity: String,
    previous_quantity: String,
    order_id: String,
}

impl Runner {
    pub fn new(channel: Channel) -> Self {
        let event = DescriptorPool::global()
            .get_message_by_name("ibkr.gateway.v1.OrderEvent")
            .expect("OrderEvent is in the generated descriptor set");
        Self { channel, event }
    }

    pub async fn step(&self, step: &Value, variables: &mut Variables) -> Result<(), String> {
        match step["op"].as_str() {
            Some("call") => self.call(step, variables).await,
            Some("events") => self.events(step, variables).await,
            Some("resume") => self.resume(step).await,
            Some("position_resume") => self.position_resume(step).await,
            _ => Err(format!("unknown op {}", step["op"])),
        }
    }

    async fn call(&self, step: &Value, variables: &mut Variables) -> Result<(), String> {
        let method_name = step["method"].as_str().unwrap_or_default();
        let method = lookup_method(step["service"].as_str().unwrap_or("gateway"), method_name)?;
        let request = DynamicMessage::deserialize(method.input(), step["request"].clone())
            .map_err(|e| format!("{method_name} request: {e}"))?;
        let expect = &step["expect"];

        let path = PathAndQuery::from_maybe_shared(format!(
            "/{}/{}",
            method.parent_service().full_name(),
            method.name()
        ))
        .map_err(|e| e.to_string())?;
        let mut grpc = tonic::client::Grpc::new(self.channel.clone());
        grpc.ready().await.map_err(|e| e.to_string())?;
        let result = grpc
            .unary(tonic::Request::new(request.encode_to_vec()), path, RawCodec)
            .await;

        let want_error = expect.get("error");
        let response = match (result, want_error) {
            (Err(status), None) => {
                return Err(format!(
                    "{method_name} failed: {} {}",
                    code_name(status.code()),
                    status.message()
                ));
            }
            (Err(status), Some(want)) => return check_error(&status, want),
            (Ok(_), Some(want)) => {
                return Err(format!(
                    "{method_name} succeeded; expected {}",
                    as_text(&want["code"])
                ));
            }
            (Ok(response), None) => response.into_inner(),
        };

        let message = DynamicMessage::decode(method.output(), response.as_slice())
            .map_err(|e| format!("{method_name} response: {e}"))?;
        let document = bytes_to_document(&message)?;
        for (path, want) in sorted(expect.get("fields")) {
            let got = as_text(at_path(&document, path)?);
            if want.as_str() != Some(got.as_str()) {
                return Err(format!("{method_name}: {path} is {got:?}, expected {want}"));
            }
        }
        for (path, want) in sorted(expect.get("counts")) {
            let want = as_int(want).map_err(|e| format!("counts {path}: {e}"))?;
            let items = at_path(&document, path)?
                .as_array()
                .ok_or_else(|| format!("{method_name}: {path} is not a repeated field"))?;
            if i64::try_from(items.len()) != Ok(want) {
                return Err(format!(
                    "{method_name}: {path} has {} items, not {want}",
                    items.len()
                ));
            }
        }
        for (path, want) in sorted(expect.get("statuses")) {
            check_item_status(&document, path, want).map_err(|e| format!("{method_name}: {e}"))?;
        }
        for (name, path) in sorted(step.get("save")) {
            let path = path.as_str().unwrap_or_default();
            variables.insert(name.clone(), as_text(at_path(&document, path)?));
        }
        Ok(())
    }

    /// Reads the journal from the start, keeping the events of the listed orders, until
    /// each order of `until` has reached its status.
    async fn events(&self, step: &Value, variables: &mut Variables) -> Result<(), String> {
        let wanted = strings(&step["orders"]).ok_or("orders must be a list of strings")?;
        let until: Vec<(String, String)> = sorted(step.get("until"))
            .into_iter()
            .map(|(oid, status)| (oid.clone(), as_text(status)))
            .collect();
        let mut kept: Vec<Value> = Vec::new();
        self.read(0, |event| {
            if wanted.contains(&text_at(&event, "order_id")) {
                kept.push(event);
            }
            let reached = |(oid, status): &(String, String)| {
                kept.iter().any(|e| {
                    text_at(e, "order_id") == *oid && text_at(e, "order.status") == *status
                })
            };
            Ok(until.iter().all(reached))
        })
        .await?;

        for (oid, want) in sorted(step.get("expect_kinds")) {
            let mut got = Vec::new();
            for event in kept.iter().filter(|e| text_at(e, "order_id") == *oid) {
                let status = text_at(event, "order.status");
                let status = status.strip_prefix("ORDER_STATUS_").unwrap_or(&status);
                got.push(format!("{}:{status}", kind_of(event)?));
            }
            if strings(want).as_ref() != Some(&got) {
                return Err(format!("events of {oid}: {got:?}, expected {want}"));
            }
        }

        for (oid, want) in sorted(step.get("expect_fills")) {
            let got: Vec<&Value> = kept
                .iter()
                .filter(|e| text_at(e, "order_id") == *oid)
                .filter_map(|e| e.get("fill"))
                .collect();
            let want = want.as_array().cloned().unwrap_or_default();
            if got.len() != want.len() {
                return Err(format!(
                    "{oid} has {} fills, expected {}",
                    got.len(),
                    want.len()
                ));
            }
            for (fill, want_fill) in got.iter().zip(&want) {
                for (key, value) in sorted(Some(want_fill)) {
                    let actual = fill
                        .get(key.as_str())
                        .ok_or_else(|| format!("fill of {oid} has no field {key:?}"))?;
                    if value.as_str() != Some(as_text(actual).as_str()) {
                        return Err(format!(
                            "fill {key} of {oid}: {} != {}",
                            as_text(actual),
                            as_text(value)
                        ));
                    }
                }
            }
        }

        if let Some(name) = step["save_last_sequence"].as_str() {
            let last = kept
                .iter()
                .map(|e| as_int(&e["sequence"]))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .max()
                .ok_or("no event kept to take the last sequence from")?;
            variables.insert(name.to_owned(), last.to_string());
        }
        Ok(())
    }

    /// Drops a stream after `drop_after` events, resumes it after the last sequence
    /// read, and checks that the two calls together read exactly what one uninterrupted
    /// call reads (position changes leave gaps in the numbers, never in the feed).
    async fn resume(&self, step: &Value) -> Result<(), String> {
        let drop_after = as_int(&step["drop_after"]).map_err(|e| format!("drop_after: {e}"))?;
        let until = as_int(&step["until_sequence"]).map_err(|e| format!("until_sequence: {e}"))?;
        let drop_after = usize::try_from(drop_after).map_err(|e| e.to_string())?;
        let mut sequences: Vec<i64> = Vec::new();
        self.read(0, |event| {
            sequences.push(as_int(&event["sequence"])?);
            Ok(sequences.len() >= drop_after)
        })
        .await?;
        let last = *sequences.last().ok_or("the first call read nothing")?;
        self.read(last, |event| {
            let sequence = as_int(&event["sequence"])?;
            sequences.push(sequence);
            Ok(sequence >= until)
        })
        .await?;
        let mut whole: Vec<i64> = Vec::new();
        self.read(0, |event| {
            let sequence = as_int(&event["sequence"])?;
            whole.push(sequence);
            Ok(sequence >= until)
        })
        .await?;
        if sequences != whole {
            return Err(format!(
                "resumed sequences {sequences:?} differ from one read {whole:?}"
            ));
        }
        Ok(())
    }

    /// Drops StreamPositions of one symbol after `drop_after` events, resumes it after
    /// the last sequence read until as many events as `expect_orders` lists, and checks
    /// that both calls together read what one uninterrupted call reads, that each event
    /// starts from the quantity the one before left, and which orders the events came
    /// from.
    async fn position_resume(&self, step: &Value) -> Result<(), String> {
        let symbol = step["symbol"].as_str().ok_or("symbol must be a string")?;
        let start = match step.get("after_sequence") {
            Some(value) => as_int(value).map_err(|e| format!("after_sequence: {e}"))?,
            None => 0,
        };
        let drop_after = as_int(&step["drop_after"]).map_err(|e| format!("drop_after: {e}"))?;
        let drop_after = usize::try_from(drop_after).map_err(|e| e.to_string())?;
        let want_orders =
            strings(&step["expect_orders"]).ok_or("expect_orders must be a list of strings")?;
        let count = want_orders.len();
        let mut resumed: Vec<PositionChange> = Vec::new();
        self.read_positions(symbol, start, |change| {
            resumed.push(change);
            resumed.len() >= drop_after
        })
        .await?;
        let last = resumed
            .last()
            .ok_or("the first call read nothing")?
            .sequence;
        self.read_positions(symbol, last, |change| {
            resumed.push(change);
            resumed.len() >= count
        })
        .await?;
        let mut whole: Vec<PositionChange> = Vec::new();
        self.read_positions(symbol, start, |change| {
            whole.push(change);
            whole.len() >= count
        })
        .await?;
        let seen = |changes: &[PositionChange]| -> Vec<(i64, String)> {
            changes
                .iter()
                .map(|c| (c.sequence, c.quantity.clone()))
                .collect()
        };
        if seen(&resumed) != seen(&whole) {
            return Err(format!(
                "resumed position events {:?} differ from one read {:?}",
                seen(&resumed),
                seen(&whole)
            ));
        }
        for pair in whole.windows(2) {
            if pair[1].previous_quantity != pair[0].quantity {
                return Err(format!(
                    "event {} was {:?} before, not {:?}",
                    pair[1].sequence, pair[1].previous_quantity, pair[0].quantity
                ));
            }
        }
        let got_orders: Vec<String> = whole.iter().map(|c| c.order_id.clone()).collect();
        if got_orders != want_orders {
            return Err(format!(
                "position events of orders {got_orders:?}, expected {want_orders:?}"
            ));
        }
        if let Some(want) = step.get("expect_last_quantity").and_then(Value::as_str) {
            let last = whole
                .last()
                .map(|c| c.quantity.as_str())
                .unwrap_or_default();
            if last != want {
                return Err(format!("last quantity {last:?}, expected {want:?}"));
            }
        }
        Ok(())
    }

    /// Follows StreamPositions of `symbol` after `after`, handing each change to `keep`
    /// until it says done; dropping the call cancels it.
    async fn read_positions(
        &self,
        symbol: &str,
        after: i64,
        mut keep: impl FnMut(PositionChange) -> bool,
    ) -> Result<(), String> {
        let mut accounts = AccountServiceClient::new(self.channel.clone());
        let request = proto::StreamPositionsRequest {
            after_sequence: after,
            symbol: symbol.to_owned(),
            ..Default::default()
        };
        let failed = |status: Status| {
            format!(
                "StreamPositions failed: {} {}",
                code_name(status.code()),
                status.message()
            )
        };
        let mut stream = accounts
            .stream_positions(request)
            .await
            .map_err(failed)?
            .into_inner();
        while let Some(message) = stream.message().await.map_err(failed)? {
            use proto::stream_positions_response::Payload;
            if let Some(Payload::Event(event)) = message.payload {
                let change = PositionChange {
                    sequence: event.sequence,
                    quantity: event.position.map(|p| p.quantity).unwrap_or_default(),
                    previous_quantity: event.previous_quantity,
                    order_id: event.order_id,
                };
                if keep(change) {
                    return Ok(());
                }
            }
        }
        Err("position stream ended early".to_owned())
    }

    /// Follows StreamOrderEvents after `after`, handing each event (heartbeats skipped)
    /// to `keep` until it says done; dropping the call then cancels it.
    async fn read(
        &self,
        after: i64,
        mut keep: impl FnMut(Value) -> Result<bool, String>,
    ) -> Result<(), String> {
        let mut gateway = OrderGatewayServiceClient::new(self.channel.clone());
        let request = proto::StreamOrderEventsRequest {
            after_sequence: after,
            ..Default::default()
        };
        let failed = |status: Status| {
            format!(
                "StreamOrderEvents failed: {} {}",
                code_name(status.code()),
                status.message()
            )
        };
        let mut stream = gateway
            .stream_order_events(request)
            .await
            .map_err(failed)?
            .into_inner();
        while let Some(message) = stream.message().await.map_err(failed)? {
            use proto::stream_order_events_response::Payload;
            if let Some(Payload::Event(event)) = message.payload
                && keep(to_document(&event, &self.event)?)?
            {
                return Ok(());
            }
        }
        Err("stream ended early".to_owned())
    }
}

fn lookup_method(service: &str, method: &str) -> Result<MethodDescriptor, String> {
    let full_name = match service {
        "gateway" => "ibkr.gateway.v1.OrderGatewayService",
        "simulator" => "ibkr.gateway.v1.SimulatorControlService",
        "account" => "ibkr.gateway.v1.AccountService",
        other => return Err(format!("unknown service {other:?}")),
    };
    let service = DescriptorPool::global()
        .get_service_by_name(full_name)
        .ok_or_else(|| format!("no service {full_name}"))?;
    let found = service
        .methods()
        .find(|m| m.name() == method)
        .ok_or_else(|| format!("{full_name} has no method {method:?}"))?;
    if found.is_client_streaming() || found.is_server_streaming() {
        return Err(format!("{full_name}.{method} is not a unary method"));
    }
    Ok(found)
}

/// Checks a failed call against `{"code", "reason", "field_violations"}`.
fn check_error(status: &Status, want: &Value) -> Result<(), String> {
    let code = code_name(status.code());
    if want["code"].as_str() != Some(code) {
        return Err(format!(
            "status {code} ({}), not {}",
            status.message(),
            as_text(&want["code"])
        ));
    }
    // The details travel in the grpc-status-details-bin trailer; without it there is
    // no google.rpc.Status to read a reason or violations from.
    if status.details().is_empty() {
        return Err("error carries no google.rpc.Status details".to_owned());
    }
    check_status(&Error::from_status(status), want)
}

/// Checks the google.rpc.Status at `path` of a response (the error of one SubmitOrders
/// item) as [`check_error`] checks a failed call's.
fn check_item_status(document: &Value, path: &str, want: &Value) -> Result<(), String> {
    let descriptor = DescriptorPool::global()
        .get_message_by_name("google.rpc.Status")
        .ok_or("google.rpc.Status is not registered")?;
    let status = DynamicMessage::deserialize(descriptor, at_path(document, path)?.clone())
        .map_err(|e| format!("{path} is not a google.rpc.Status: {e}"))?;
    let status = tonic_types::Status::decode(status.encode_to_vec().as_slice())
        .map_err(|e| format!("{path}: {e}"))?;
    check_status(&Error::from_rpc_status(&status), want).map_err(|e| format!("{path}: {e}"))
}

/// Checks a decoded status against `{"code", "reason", "field_violations"}`.
fn check_status(error: &Error, want: &Value) -> Result<(), String> {
    let code = code_name(error.code());
    if want["code"].as_str() != Some(code) {
        return Err(format!(
            "status {code} ({}), not {}",
            error.message(),
            as_text(&want["code"])
        ));
    }
    if let Some(reason) = want.get("reason")
        && reason.as_str() != Some(error.reason())
    {
        return Err(format!("reason {:?}, expected {reason}", error.reason()));
    }
    let fields: Vec<&str> = error
        .field_violations()
        .iter()
        .map(|v| v.field.as_str())
        .collect();
    let mut missing: Vec<String> = strings(&want["field_violations"])
        .unwrap_or_default()
        .into_iter()
        .filter(|f| !fields.contains(&f.as_str()))
        .collect();
    if !missing.is_empty() {
        missing.sort();
        let mut fields = fields;
        fields.sort_unstable();
        fields.dedup();
        return Err(format!(
            "no field violation for {missing:?}; got {fields:?}"
        ));
    }
    Ok(())
}

fn kind_of(event: &Value) -> Result<&'static str, String> {
    EVENT_KINDS
        .into_iter()
        .find(|kind| event.get(kind).is_some())
        .ok_or_else(|| format!("event {} has no kind", text_at(event, "sequence")))
}

/// The entries of a JSON object in key order, so that checks run in a fixed order.
fn sorted(value: Option<&Value>) -> BTreeMap<&String, &Value> {
    value
        .and_then(Value::as_object)
        .map(|fields| fields.iter().collect())
        .unwrap_or_default()
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Passes message bytes through unchanged: requests are encoded, and responses
/// decoded, by reflection.
#[derive(Clone, Copy, Default)]
struct RawCodec;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = Self;
    type Decoder = Self;

    fn encoder(&mut self) -> Self {
        Self
    }

    fn decoder(&mut self) -> Self {
        Self
    }
}

impl Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, buf: &mut EncodeBuf<'_>) -> Result<(), Status> {
        buf.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        let mut bytes = vec![0; buf.remaining()];
        buf.copy_to_slice(&mut bytes);
        Ok(Some(bytes))
    }
}

#[cfg(test)]
mod tests {
    use ibkr_gateway_client::ERROR_DOMAIN;
    use serde_json::json;
    use tonic::Code;
    use tonic_types::{ErrorDetails, StatusExt};

    use super::*;

    #[test]
    fn errors_are_checked_by_code_reason_and_violations() {
        let mut details = ErrorDetails::with_error_info("BAD", ERROR_DOMAIN, []);
        details.add_bad_request_violation("order.quantity", "must be positive");
        let status = Status::with_error_details(Code::InvalidArgument, "bad", details);

        let ok = json!({"code": "INVALID_ARGUMENT", "reason": "BAD", "field_violations": ["order.quantity"]});
        assert_eq!(check_error(&status, &ok), Ok(()));
        let other_code = json!({"code": "NOT_FOUND"});
        assert!(
            check_error(&status, &other_code)
                .unwrap_err()
                .contains("not NOT_FOUND")
        );
        let other_reason = json!({"code": "INVALID_ARGUMENT", "reason": "WORSE"});
        assert!(
            check_error(&status, &other_reason)
                .unwrap_err()
                .contains("reason")
        );
        let missing = json!({"code": "INVALID_ARGUMENT", "field_violations": ["order.side"]});
        assert!(
            check_error(&status, &missing)
                .unwrap_err()
                .contains("order.side")
        );
        let bare = Status::invalid_argument("bad");
        assert!(check_error(&bare, &json!({"code": "INVALID_ARGUMENT"})).is_err());
    }

    #[test]
    fn methods_are_found_by_service_and_name() {
        crate::register_descriptors();
        let method = lookup_method("simulator", "SetPrice").unwrap();
        assert_eq!(
            method.input().full_name(),
            "ibkr.gateway.v1.SetPriceRequest"
        );
        assert!(lookup_method("gateway", "StreamFills").is_err());
        assert!(lookup_method("gateway", "Nope").is_err());
        assert!(lookup_method("nope", "SetPrice").is_err());
    }

    #[test]
    fn requests_parse_from_protobuf_json_with_enum_names_and_numbers() {
        crate::register_descriptors();
        let method = lookup_method("gateway", "SubmitOrder").unwrap();
        let request = json!({"order": {"client_order_id": "x", "contract": {"symbol": "A"},
                             "side": 9, "quantity": "1", "order_type": "ORDER_TYPE_MARKET"}});
        let message = DynamicMessage::deserialize(method.input(), request).unwrap();
        let wire: proto::SubmitOrderRequest =
            prost::Message::decode(message.encode_to_vec().as_slice()).unwrap();
        let spec = wire.order.unwrap();
        assert_eq!(spec.side, 9);
        assert_eq!(spec.order_type, proto::OrderType::Market as i32);
    }
}
