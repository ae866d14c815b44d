use std::collections::{HashMap, VecDeque};
use std::str::FromStr;
use std::time::Duration;

use futures_util::StreamExt;
use ibkr_gateway_client::{
    Decimal, Error, OrderSpec, PositionFilter, PositionStream, PositionStreamOptions, Side, proto,
};
use tonic::Status;

use crate::fake::{End, Msg, Script, Session, builder, start};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn failing(method: &'static str, n: usize) -> HashMap<&'static str, VecDeque<Status>> {
    HashMap::from([(
        method,
        (0..n).map(|_| Status::unavailable("restarting")).collect(),
    )])
}

/// (sequence, quantity) of the first `n` position changes, or the error that ended
/// the stream first.
async fn take(stream: &mut PositionStream, n: usize) -> Result<Vec<(i64, Decimal)>, Error> {
    let mut got = Vec::new();
    while got.len() < n {
        match tokio::time::timeout(Duration::from_secs(10), stream.next()).await {
            Ok(Some(Ok(event))) => got.push((event.sequence, event.position.quantity)),
            Ok(Some(Err(err))) => return Err(err),
            Ok(None) => panic!("stream ended after {got:?}"),
            Err(_) => panic!("no change within 10 s after {got:?}"),
        }
    }
    Ok(got)
}

#[tokio::test]
async fn positions_and_the_summary_are_read_with_exact_decimals_and_retried() {
    let script = Script {
        failures: failing("ListPositions", 1),
        ..Script::default()
    };
    let (fake, _server, client) = start(script).await;
    let listed = client
        .list_positions(PositionFilter {
            account: "DU1".into(),
            ..PositionFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(fake.count("ListPositions"), 2);
    assert_eq!(listed.last_sequence, 9);
    let position = &listed.positions[0];
    assert_eq!(position.account, "DU1");
    assert_eq!(position.average_cost, Some(dec("100.01")));
    assert_eq!(position.realized_pnl.to_string(), "398.6");
    assert_eq!(position.market_price, None);

    let summary = client.get_account_summary("DU2").await.unwrap();
    assert_eq!(summary.account, "DU2");
    assert_eq!(summary.cash.to_string(), "994398.10");
}

#[tokio::test]
async fn positions_resume_after_the_last_sequence_seen() {
    let script = Script {
        position_sessions: VecDeque::from([
            Session {
                messages: vec![Msg::Event(5), Msg::Event(6)],
                end: End::Fail(Status::unavailable("restarting")),
            },
            // A replay overlapping what was delivered must not deliver it again.
            Session {
                messages: vec![Msg::Event(6), Msg::Heartbeat(6), Msg::Event(7)],
                end: End::Hang,
            },
        ]),
        ..Script::default()
    };
    let (fake, _server, client) = start(script).await;
    let mut stream = client.positions(PositionStreamOptions {
        after_sequence: 4,
        account: "DU1".into(),
        symbol: "AAPL".into(),
        heartbeat_interval: None,
    });
    let got = take(&mut stream, 3).await.unwrap();
    assert_eq!(
        got,
        vec![(5, dec("50")), (6, dec("60")), (7, dec("70"))],
        "each change once, in order"
    );
    assert_eq!(stream.last_sequence(), 7);
    let seen = fake.seen.lock().unwrap();
    assert_eq!(seen.stream_afters, vec![4, 6]);
    assert!(
        seen.position_requests
            .iter()
            .all(|r| r.account == "DU1" && r.symbol == "AAPL")
    );
}

#[tokio::test]
async fn positions_give_up_after_the_bound_of_failed_reconnects() {
    let failures = failing("StreamPositions", 10);
    let (fake, server, _) = start(Script {
        failures,
        ..Script::default()
    })
    .await;
    let client = builder(server.addr)
        .max_reconnects(Some(2))
        .connect()
        .await
        .unwrap();
    let mut stream = client.positions(PositionStreamOptions::after(0));
    let err = take(&mut stream, 1).await.unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err:?}");
    assert_eq!(fake.count("StreamPositions"), 3);
}

#[tokio::test]
async fn a_preview_is_retried_and_places_nothing() {
    let script = Script {
        failures: failing("PreviewOrder", 1),
        ..Script::default()
    };
    let (fake, _server, client) = start(script).await;
    let preview = client
        .preview_order(OrderSpec::market("AAPL", Side::Sell, dec("40")))
        .await
        .unwrap();
    assert_eq!(fake.count("PreviewOrder"), 2);
    assert_eq!(fake.count("SubmitOrder"), 0);
    assert_eq!(preview.order.quantity, dec("40"));
    assert_eq!(preview.estimated_price, Some(dec("110")));
    assert_eq!(preview.estimated_commission, None);
    assert_eq!(preview.position_after, dec("20"));
    assert_eq!(preview.breaches[0].reason, "RISK_MAX_POSITION");
}

#[tokio::test]
async fn the_kill_switch_is_set_once_and_read_with_retries() {
    let mut failures = failing("SetKillSwitch", 1);
    failures.extend(failing("GetKillSwitch", 1));
    let (fake, _server, client) = start(Script {
        failures,
        ..Script::default()
    })
    .await;
    let err = client
        .set_kill_switch(true, "drill", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err:?}");
    assert_eq!(fake.count("SetKillSwitch"), 1, "never repeated");

    let change = client
        .set_kill_switch(true, "drill", &["DU1"])
        .await
        .unwrap();
    assert!(change.kill_switch.engaged);
    assert_eq!(change.cancelled_orders[0].order_id, "g-7");
    assert_eq!(
        fake.seen.lock().unwrap().kill_switch_sets[1].accounts,
        ["DU1"]
    );

    let now = client.get_kill_switch().await.unwrap();
    assert_eq!(now.reason, "drill");
    assert_eq!(fake.count("GetKillSwitch"), 2);
}

#[tokio::test]
async fn audit_records_follow_the_pages() {
    let page = |ids: &[i64], next: &str| proto::ListAuditRecordsResponse {
        records: ids
            .iter()
            .map(|&id| proto::AuditRecord {
                id,
                ..Default::default()
            })
            .collect(),
        next_page_token: next.to_owned(),
    };
    let script = Script {
        audit_pages: HashMap::from([
            (String::new(), page(&[1, 2], "p2")),
            ("p2".to_owned(), page(&[3], "")),
        ]),
        ..Script::default()
    };
    let (fake, _server, client) = start(script).await;
    let ids: Vec<i64> = client
        .list_audit_records(2)
        .map(|r| r.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(fake.seen.lock().unwrap().page_tokens, ["", "p2"]);
}

#[tokio::test]
async fn the_token_goes_with_account_calls_and_position_streams() {
    let script = Script {
        position_sessions: VecDeque::from([Session {
            messages: vec![Msg::Event(1)],
            end: End::Hang,
        }]),
        ..Script::default()
    };
    let (fake, server, _) = start(script).await;
    let client = builder(server.addr)
        .bearer_token("s3cret")
        .unwrap()
        .connect()
        .await
        .unwrap();
    client.get_account_summary("").await.unwrap();
    take(&mut client.positions(PositionStreamOptions::after(0)), 1)
        .await
        .unwrap();
    client.get_kill_switch().await.unwrap();
    let seen = fake.seen.lock().unwrap();
    assert_eq!(seen.authorization.len(), 3);
    assert!(
        seen.authorization
            .iter()
            .all(|a| a.as_deref() == Some("Bearer s3cret")),
        "{:?}",
        seen.authorization
    );
}
