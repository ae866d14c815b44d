use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use ibkr_gateway_client::{
    Client, Decimal, ERROR_DOMAIN, Error, OrderChanges, OrderFilter, OrderRef, OrderSpec, Side,
    proto,
};
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::fake::{Script, builder, start};

fn unavailable() -> Status {
    Status::unavailable("the gateway is restarting")
}

fn failing(method: &'static str, statuses: Vec<Status>) -> Script {
    Script {
        failures: HashMap::from([(method, VecDeque::from(statuses))]),
        ..Script::default()
    }
}

fn market() -> OrderSpec {
    OrderSpec::market("AAPL", Side::Buy, Decimal::from(10))
}

#[tokio::test]
async fn submit_generates_one_client_order_id_and_retries_unavailable_with_it() {
    let (fake, _server, client) =
        start(failing("SubmitOrder", vec![unavailable(), unavailable()])).await;

    let order = client.submit_order(market()).await.unwrap();

    let seen = fake.seen.lock().unwrap();
    assert_eq!(seen.submits.len(), 3);
    let id = &seen.submits[0].order.as_ref().unwrap().client_order_id;
    assert_eq!(id.len(), 36, "a UUID: {id}");
    for submit in &seen.submits {
        assert_eq!(&submit.order.as_ref().unwrap().client_order_id, id);
    }
    assert_eq!(&order.spec.client_order_id, id);
    assert_eq!(order.spec.quantity, Decimal::from(10));
    assert_eq!(order.remaining_quantity, Decimal::from(10));
}

#[tokio::test]
async fn submit_keeps_the_callers_client_order_id() {
    let (fake, _server, client) = start(Script::default()).await;
    client
        .submit_order(market().client_order_id("mine-1"))
        .await
        .unwrap();
    let seen = fake.seen.lock().unwrap();
    assert_eq!(
        seen.submits[0].order.as_ref().unwrap().client_order_id,
        "mine-1"
    );
}

#[tokio::test]
async fn retries_stop_after_the_policys_attempts() {
    let (fake, _server, client) = start(failing("GetOrder", vec![unavailable(); 10])).await;
    let err = client.get_order("g-1").await.unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err}");
    assert_eq!(fake.count("GetOrder"), 3, "FAST allows 3 attempts");
}

#[tokio::test]
async fn a_refusal_is_not_retried_and_carries_reason_and_violations() {
    let mut details = ErrorDetails::with_error_info("INVALID_ORDER", ERROR_DOMAIN, HashMap::new());
    details.add_bad_request_violation("order.quantity", "must be positive");
    let refusal = Status::with_error_details(Code::InvalidArgument, "bad order", details);
    let (fake, _server, client) = start(failing("SubmitOrder", vec![refusal])).await;

    let err = client.submit_order(market()).await.unwrap_err();

    assert_eq!(fake.count("SubmitOrder"), 1);
    let Error::InvalidArgument(details) = &err else {
        panic!("{err}");
    };
    assert_eq!(details.reason, "INVALID_ORDER");
    assert_eq!(err.violation("order.quantity"), Some("must be positive"));
}

#[tokio::test]
async fn cancel_and_modify_are_never_retried() {
    let script = Script {
        failures: HashMap::from([
            ("CancelOrder", VecDeque::from([unavailable()])),
            ("ModifyOrder", VecDeque::from([unavailable()])),
        ]),
        ..Script::default()
    };
    let (fake, _server, client) = start(script).await;

    let err = client.cancel_order("g-1").await.unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)));
    let changes = OrderChanges::default().quantity(Decimal::from(5));
    let err = client.modify_order("g-1", changes).await.unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)));

    assert_eq!(fake.count("CancelOrder"), 1);
    assert_eq!(fake.count("ModifyOrder"), 1);
}

#[tokio::test]
async fn orders_are_named_by_gateway_id_or_by_account_and_client_order_id() {
    let (fake, _server, client) = start(Script::default()).await;

    client.get_order("g-7").await.unwrap();
    client
        .get_order(OrderRef::client_id("DU1", "mine-7"))
        .await
        .unwrap();
    client
        .cancel_order(OrderRef::client_id("", "mine-8"))
        .await
        .unwrap();
    let changes = OrderChanges::default()
        .limit_price(Decimal::new(18725, 2))
        .time_in_force(proto::TimeInForce::Gtc);
    client
        .modify_order(OrderRef::client_id("DU2", "mine-9"), changes)
        .await
        .unwrap();

    let seen = fake.seen.lock().unwrap();
    let get = |r: &proto::GetOrderRequest| {
        (
            r.order_id.clone(),
            r.account.clone(),
            r.client_order_id.clone(),
        )
    };
    assert_eq!(get(&seen.gets[0]), ("g-7".into(), "".into(), "".into()));
    assert_eq!(
        get(&seen.gets[1]),
        ("".into(), "DU1".into(), "mine-7".into())
    );
    assert_eq!(seen.cancels[0].client_order_id, "mine-8");
    assert_eq!(seen.cancels[0].order_id, "");
    let modify = &seen.modifies[0];
    assert_eq!(
        (modify.account.as_str(), modify.client_order_id.as_str()),
        ("DU2", "mine-9")
    );
    assert_eq!(modify.limit_price.as_deref(), Some("187.25"));
    assert_eq!(modify.quantity, None, "unchanged fields stay unset");
    assert_eq!(modify.time_in_force, proto::TimeInForce::Gtc as i32);
}

#[tokio::test]
async fn each_attempt_carries_the_default_deadline_and_the_token() {
    let (fake, server, _) = start(Script::default()).await;
    let client = builder(server.addr)
        .bearer_token("s3cret")
        .unwrap()
        .connect()
        .await
        .unwrap();
    client.get_order("g-1").await.unwrap();
    let seen = fake.seen.lock().unwrap();
    let timeout = seen.timeouts[0].as_deref().expect("grpc-timeout is sent");
    // tonic writes 30 s in the finest unit that fits the header's 8 digits.
    let micros: u64 = timeout.trim_end_matches('u').parse().unwrap();
    assert_eq!(micros, 30_000_000, "{timeout}");
    assert_eq!(seen.authorization[0].as_deref(), Some("Bearer s3cret"));
}

#[tokio::test]
async fn an_expired_deadline_fails_the_call_and_is_not_retried() {
    let script = Script {
        get_delay: Some(Duration::from_secs(5)),
        ..Script::default()
    };
    let (fake, _server, client) = start(script).await;
    let quick = client.with_call_timeout(Some(Duration::from_millis(200)));

    let started = Instant::now();
    let err = quick.get_order("g-1").await.unwrap_err();

    assert!(matches!(err, Error::DeadlineExceeded(_)), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(fake.count("GetOrder"), 1);
}

#[tokio::test]
async fn list_orders_follows_page_tokens_to_the_end() {
    let page = |ids: &[&str], next: &str| proto::ListOrdersResponse {
        orders: ids.iter().map(|id| crate::fake::order(id, id)).collect(),
        next_page_token: next.to_owned(),
    };
    let script = Script {
        pages: HashMap::from([
            (String::new(), page(&["a", "b"], "p2")),
            ("p2".to_owned(), page(&["c"], "p3")),
            ("p3".to_owned(), page(&[], "")),
        ]),
        failures: HashMap::from([("ListOrders", VecDeque::from([unavailable()]))]),
        ..Script::default()
    };
    let (fake, _server, client) = start(script).await;

    let orders: Vec<_> = client
        .list_orders(OrderFilter::default())
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<_> = orders.iter().map(|o| o.order_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    let tokens = fake.seen.lock().unwrap().page_tokens.clone();
    assert_eq!(tokens, ["", "", "p2", "p3"], "the first page was retried");
}

#[tokio::test]
async fn connecting_gives_up_after_the_connect_timeout_naming_the_address() {
    // A port that was just free: nothing listens there.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let started = Instant::now();
    let err = Client::builder(addr.to_string())
        .connect_timeout(Duration::from_millis(300))
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err}");
    assert!(err.message().contains(&addr.to_string()), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn connecting_waits_for_a_gateway_that_is_still_starting() {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let late = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let fake = std::sync::Arc::new(crate::fake::Fake::default());
        crate::fake::serve_on(fake, &addr.to_string()).await
    });
    let client = Client::builder(addr.to_string())
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await
        .unwrap();
    let _server = late.await.unwrap();
    client.get_order("g-1").await.unwrap();
}

#[tokio::test]
async fn a_lazy_client_fails_its_first_call_with_unavailable_after_its_retries() {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let client = builder(addr).connect_lazy().unwrap();
    let err = client.get_order("g-1").await.unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err}");
}

#[tokio::test]
async fn a_bad_address_is_invalid_argument() {
    let err = Client::builder("http://[::1").connect_lazy().unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
}
