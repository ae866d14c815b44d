use std::collections::{HashMap, VecDeque};

use ibkr_gateway_client::{Decimal, Error, OrderSpec, Side};
use tonic::{Code, Status};

use crate::fake::{Script, start};

fn market(quantity: i64) -> OrderSpec {
    OrderSpec::market("AAPL", Side::Buy, Decimal::from(quantity))
}

#[tokio::test]
async fn ids_are_fixed_before_the_first_attempt_and_sent_again_on_a_retry() {
    let script = Script {
        failures: HashMap::from([(
            "SubmitOrders",
            VecDeque::from([Status::unavailable("the gateway is restarting")]),
        )]),
        ..Script::default()
    };
    let (fake, _server, client) = start(script).await;
    let specs = [market(10), market(20).client_order_id("mine-2"), market(30)];

    let results = client.submit_orders(&specs).await.unwrap();

    let seen = fake.seen.lock().unwrap();
    assert_eq!(seen.batches.len(), 2);
    let ids = |i: usize| -> Vec<String> {
        seen.batches[i]
            .orders
            .iter()
            .map(|o| o.client_order_id.clone())
            .collect()
    };
    let first = ids(0);
    assert_eq!(first[0].len(), 36, "a UUID: {}", first[0]);
    assert_eq!(first[1], "mine-2");
    assert_ne!(first[0], first[2]);
    assert_eq!(ids(1), first, "the retry sends the same ids");
    let placed: Vec<(String, String)> = results
        .into_iter()
        .map(|r| {
            let order = r.unwrap();
            (order.order_id, order.spec.client_order_id)
        })
        .collect();
    assert_eq!(
        placed,
        vec![
            ("g-0".to_owned(), first[0].clone()),
            ("g-1".to_owned(), first[1].clone()),
            ("g-2".to_owned(), first[2].clone()),
        ]
    );
}

#[tokio::test]
async fn each_spec_is_answered_in_order_a_refusal_as_a_typed_error() {
    let (_fake, _server, client) = start(Script::default()).await;
    let specs = [market(10), market(0), market(30)];

    let results = client.submit_orders(&specs).await.unwrap();

    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().unwrap().order_id, "g-0");
    assert_eq!(results[2].as_ref().unwrap().order_id, "g-2");
    let Err(error) = &results[1] else {
        panic!("a spec of quantity 0 was placed: {:?}", results[1]);
    };
    assert!(matches!(error, Error::InvalidArgument(_)), "{error:?}");
    assert_eq!(error.code(), Code::InvalidArgument);
    assert_eq!(error.reason(), "INVALID_ARGUMENT");
    assert_eq!(
        error.violation("orders[1].quantity"),
        Some("must be positive")
    );
}
