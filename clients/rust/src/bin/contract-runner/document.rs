//! Scenario values: variable expansion, and responses as generic JSON documents.

use std::collections::HashMap;

use prost::Message;
use prost_reflect::{DynamicMessage, MessageDescriptor, ReflectMessage, SerializeOptions};
use serde_json::{Map, Value};

/// Replaces `${name}` in every string of `value`, object keys included. An unknown
/// variable is an error, not an empty string: a typo must fail the scenario rather than
/// send a blank id.
pub fn expand(value: &Value, variables: &HashMap<String, String>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => Value::String(expand_str(s, variables)?),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| expand(item, variables))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(fields) => {
            let mut out = Map::new();
            for (key, item) in fields {
                out.insert(expand_str(key, variables)?, expand(item, variables)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

fn expand_str(s: &str, variables: &HashMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if name_len == 0 || !after[name_len..].starts_with('}') {
            // Not a variable reference: kept as written.
            out.push_str("${");
            rest = after;
            continue;
        }
        let name = &after[..name_len];
        let value = variables
            .get(name)
            .ok_or_else(|| format!("unknown variable ${{{name}}}"))?;
        out.push_str(value);
        rest = &after[name_len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `message` as the reference runner's MessageToDict renders it: proto field names,
/// scalars at their defaults present ("unpopulated fields count as their default"),
/// unset messages absent, int64 as decimal strings, enums by name.
pub fn to_document(
    message: &impl Message,
    descriptor: &MessageDescriptor,
) -> Result<Value, String> {
    let dynamic = DynamicMessage::decode(descriptor.clone(), message.encode_to_vec().as_slice())
        .map_err(|e| format!("{}: {e}", descriptor.full_name()))?;
    bytes_to_document(&dynamic)
}

pub fn bytes_to_document(dynamic: &DynamicMessage) -> Result<Value, String> {
    let options = SerializeOptions::new()
        .use_proto_field_name(true)
        .skip_default_fields(false);
    let value = dynamic
        .serialize_with_options(serde_json::value::Serializer, &options)
        .map_err(|e| format!("{}: {e}", dynamic.descriptor().full_name()))?;
    Ok(drop_nulls(value))
}

/// Unset message fields come out as null, where the reference runner leaves them out;
/// without them a path through an unset message fails here as it does there.
fn drop_nulls(value: Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, drop_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(drop_nulls).collect()),
        other => other,
    }
}

/// Follows a dotted path of field names through nested objects; a number picks an
/// item of a repeated field ("positions.0.quantity").
pub fn at_path<'a>(document: &'a Value, path: &str) -> Result<&'a Value, String> {
    let mut here = document;
    for part in path.split('.') {
        let next = match here {
            Value::Object(fields) => fields.get(part),
            Value::Array(items) if part.bytes().all(|b| b.is_ascii_digit()) => part
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index)),
            _ => None,
        };
        here = next.ok_or_else(|| format!("response has no field {path:?}"))?;
    }
    Ok(here)
}

/// The value at `path` as text, or "" when there is none.
pub fn text_at(document: &Value, path: &str) -> String {
    at_path(document, path).map(as_text).unwrap_or_default()
}

/// How scenario values compare: strings as they are, enums by name, integers in
/// decimal, booleans `true`/`false`.
pub fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => "None".to_owned(),
        other => other.to_string(),
    }
}

/// A scenario integer, given as a JSON number or as text (a variable such as
/// `${head}` expands to text).
pub fn as_int(value: &Value) -> Result<i64, String> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| format!("{value} is not an integer"))
}

#[cfg(test)]
mod tests {
    use ibkr_gateway_client::proto;
    use prost_reflect::DescriptorPool;
    use serde_json::json;

    use super::*;

    #[test]
    fn expands_variables_in_strings_and_keys_and_refuses_unknown_ones() {
        let variables = HashMap::from([
            ("run".to_owned(), "rs-1".to_owned()),
            ("order".to_owned(), "g-9".to_owned()),
        ]);
        let step = json!({"until": {"${order}": "FILLED"}, "ids": ["${run}-a", 3, "$x", "${}"]});
        assert_eq!(
            expand(&step, &variables).unwrap(),
            json!({"until": {"g-9": "FILLED"}, "ids": ["rs-1-a", 3, "$x", "${}"]})
        );
        let err = expand(&json!("${nope}"), &variables).unwrap_err();
        assert_eq!(err, "unknown variable ${nope}");
    }

    #[test]
    fn a_number_picks_an_item_of_a_repeated_field() {
        let doc = json!({"positions": [{"quantity": "60"}, {"quantity": "-5"}]});
        assert_eq!(text_at(&doc, "positions.1.quantity"), "-5");
        for path in [
            "positions.2.quantity",
            "positions.-1",
            "positions.x",
            "positions.",
        ] {
            assert!(at_path(&doc, path).is_err(), "{path} resolved");
        }
    }

    #[test]
    fn documents_read_like_the_reference_runners() {
        crate::register_descriptors();
        let pool = DescriptorPool::global();
        let descriptor = pool.get_message_by_name("ibkr.gateway.v1.Order").unwrap();
        let order = proto::Order {
            order_id: "g-1".into(),
            status: proto::OrderStatus::Filled as i32,
            last_sequence: 12,
            spec: Some(proto::OrderSpec {
                quantity: "100".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let doc = to_document(&order, &descriptor).unwrap();
        assert_eq!(text_at(&doc, "status"), "ORDER_STATUS_FILLED");
        assert_eq!(text_at(&doc, "last_sequence"), "12");
        assert_eq!(text_at(&doc, "external"), "false");
        assert_eq!(text_at(&doc, "filled_quantity"), "");
        assert!(
            at_path(&doc, "filled_quantity").is_ok(),
            "defaults are present"
        );
        assert_eq!(text_at(&doc, "spec.quantity"), "100");
        assert!(
            at_path(&doc, "create_time").is_err(),
            "unset messages are absent"
        );
        assert_eq!(as_int(&json!("12")).unwrap(), 12);
        assert_eq!(as_int(&json!(3)).unwrap(), 3);
    }
}
