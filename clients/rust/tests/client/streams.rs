use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use ibkr_gateway_client::{Error, EventStream, RetryPolicy, StreamOptions, StreamRetry};
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::fake::{End, FAST, Fake, Msg, Relay, Script, Session, builder, serve_on, start};

fn session(messages: Vec<Msg>, end: End) -> Session {
    Session { messages, end }
}

fn overflow() -> Status {
    Status::with_error_details(
        Code::ResourceExhausted,
        "stream cut",
        ErrorDetails::with_error_info("STREAM_BUFFER_OVERFLOW", "ibkr-gateway", []),
    )
}

/// The sequences of the first `n` events, or the error that ended the stream first.
async fn take(stream: &mut EventStream, n: usize) -> Result<Vec<i64>, Error> {
    let mut got = Vec::new();
    while got.len() < n {
        match tokio::time::timeout(Duration::from_secs(10), stream.next()).await {
            Ok(Some(Ok(event))) => got.push(event.sequence),
            Ok(Some(Err(err))) => return Err(err),
            Ok(None) => panic!("stream ended after {got:?}"),
            Err(_) => panic!("no event within 10 s after {got:?}"),
        }
    }
    Ok(got)
}

type Retries = Arc<Mutex<Vec<StreamRetry>>>;

fn recorder() -> (Retries, impl Fn(&StreamRetry) + Send + Sync + 'static) {
    let retries: Retries = Arc::default();
    let sink = retries.clone();
    (retries, move |r: &StreamRetry| {
        sink.lock().unwrap().push(r.clone())
    })
}

#[tokio::test]
async fn order_events_resume_without_gap_or_duplicate() {
    let sessions = VecDeque::from([
        // cut by a gateway shutdown after three events
        session(
            vec![Msg::Event(1), Msg::Event(2), Msg::Event(3)],
            End::Fail(Status::unavailable("the gateway is shutting down")),
        ),
        // a replay overlapping what was delivered, a stale heartbeat, a new event, then
        // a heartbeat past events filtered out; cut for overflow
        session(
            vec![
                Msg::Event(2),
                Msg::Event(3),
                Msg::Heartbeat(1),
                Msg::Event(4),
                Msg::Heartbeat(6),
            ],
            End::Fail(overflow()),
        ),
        // ends cleanly, which a live stream never should
        session(vec![Msg::Event(7)], End::Clean),
        session(vec![Msg::Event(7), Msg::Event(8)], End::Hang),
    ]);
    let (fake, server, _) = start(Script {
        sessions,
        ..Script::default()
    })
    .await;
    let (retries, on_retry) = recorder();
    let client = builder(server.addr)
        .on_retry(on_retry)
        .connect()
        .await
        .unwrap();

    let mut events = client.order_events(StreamOptions {
        account: "DU1".into(),
        ..StreamOptions::default()
    });
    let got = take(&mut events, 6).await.unwrap();

    assert_eq!(got, [1, 2, 3, 4, 7, 8]);
    assert_eq!(events.last_sequence(), 8);
    let seen = fake.seen.lock().unwrap();
    // After 3, the last event; after 6, the heartbeat; after 7, the event delivered
    // before the clean end.
    assert_eq!(seen.stream_afters, [0, 3, 6, 7]);
    for request in &seen.stream_requests {
        assert_eq!(request.account, "DU1");
        let interval = request.heartbeat_interval.unwrap();
        assert_eq!((interval.seconds, interval.nanos), (5, 0));
    }
    let retries = retries.lock().unwrap();
    let causes: Vec<_> = retries.iter().map(|r| r.error.code()).collect();
    assert_eq!(
        causes,
        [
            Code::Unavailable,
            Code::ResourceExhausted,
            Code::Unavailable
        ]
    );
    assert_eq!(retries[2].error.message(), "stream ended by the server");
    // Each call delivered something, so each reconnect is the first of its run.
    assert!(retries.iter().all(|r| r.attempt == 1), "{retries:?}");
    assert_eq!(
        retries.iter().map(|r| r.after_sequence).collect::<Vec<_>>(),
        [3, 6, 7]
    );
}

#[tokio::test]
async fn a_silent_stream_is_reconnected() {
    let sessions = VecDeque::from([
        session(vec![Msg::Event(5)], End::Hang),
        session(vec![Msg::Event(6)], End::Hang),
    ]);
    let (fake, server, _) = start(Script {
        sessions,
        ..Script::default()
    })
    .await;
    let (retries, on_retry) = recorder();
    let client = builder(server.addr)
        .on_retry(on_retry)
        .connect()
        .await
        .unwrap();

    let mut events = client.order_events(StreamOptions {
        heartbeat_interval: Some(Duration::from_millis(100)),
        ..StreamOptions::after(4)
    });
    assert_eq!(take(&mut events, 2).await.unwrap(), [5, 6]);

    assert_eq!(fake.seen.lock().unwrap().stream_afters, [4, 5]);
    let retries = retries.lock().unwrap();
    assert_eq!(retries.len(), 1);
    assert_eq!(retries[0].error.code(), Code::Unavailable);
    assert_eq!(retries[0].error.reason(), "STREAM_STALLED");
}

#[tokio::test]
async fn a_stream_gives_up_after_the_bound_of_failed_reconnects() {
    let failing = || session(vec![], End::Fail(Status::unavailable("down")));
    let sessions = (0..10).map(|_| failing()).collect();
    let (fake, server, _) = start(Script {
        sessions,
        ..Script::default()
    })
    .await;
    let (retries, on_retry) = recorder();
    let client = builder(server.addr)
        .max_reconnects(Some(2))
        .on_retry(on_retry)
        .connect()
        .await
        .unwrap();

    let mut events = client.order_events(StreamOptions::after(0));
    let err = take(&mut events, 1).await.unwrap_err();

    assert!(matches!(err, Error::Unavailable(_)), "{err}");
    assert!(
        events.next().await.is_none(),
        "the stream ends with its error"
    );
    assert_eq!(fake.seen.lock().unwrap().stream_afters.len(), 3);
    let retries = retries.lock().unwrap();
    let attempts: Vec<_> = retries.iter().map(|r| r.attempt).collect();
    assert_eq!(attempts, [1, 2]);
    assert!(retries.iter().all(|r| r.max_reconnects == Some(2)));
}

#[tokio::test]
async fn anything_received_starts_the_count_of_failed_reconnects_again() {
    let down = || session(vec![], End::Fail(Status::unavailable("down")));
    let sessions = VecDeque::from([
        down(),
        down(),
        session(
            vec![Msg::Heartbeat(0)],
            End::Fail(Status::unavailable("down")),
        ),
        down(),
        session(vec![Msg::Event(1)], End::Hang),
    ]);
    let (_fake, server, _) = start(Script {
        sessions,
        ..Script::default()
    })
    .await;
    let (retries, on_retry) = recorder();
    let client = builder(server.addr)
        .max_reconnects(Some(2))
        .on_retry(on_retry)
        .connect()
        .await
        .unwrap();

    let mut events = client.order_events(StreamOptions::after(0));
    assert_eq!(take(&mut events, 1).await.unwrap(), [1]);
    let attempts: Vec<_> = retries.lock().unwrap().iter().map(|r| r.attempt).collect();
    assert_eq!(attempts, [1, 2, 1, 2]);
}

#[tokio::test]
async fn an_error_a_reconnect_cannot_cure_ends_the_stream_at_once() {
    let sessions = VecDeque::from([session(
        vec![],
        End::Fail(Status::invalid_argument(
            "after_sequence is ahead of the journal",
        )),
    )]);
    let (fake, _server, client) = start(Script {
        sessions,
        ..Script::default()
    })
    .await;
    let mut events = client.order_events(StreamOptions::after(99));
    let err = take(&mut events, 1).await.unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
    assert_eq!(fake.seen.lock().unwrap().stream_afters, [99]);
}

#[tokio::test]
async fn fills_resume_too_and_carry_fills() {
    let sessions = VecDeque::from([
        session(
            vec![Msg::Event(3)],
            End::Fail(Status::unavailable("restart")),
        ),
        session(vec![Msg::Event(9)], End::Hang),
    ]);
    let (fake, _server, client) = start(Script {
        sessions,
        ..Script::default()
    })
    .await;
    let mut fills = client.fills(StreamOptions::after(0));
    let first = fills.next().await.unwrap().unwrap();
    let second = fills.next().await.unwrap().unwrap();
    assert_eq!((first.sequence, second.sequence), (3, 9));
    assert_eq!(second.fill().unwrap().price, "100.5".parse().unwrap());
    assert_eq!(fake.seen.lock().unwrap().stream_afters, [0, 3]);
}

#[tokio::test]
async fn a_stream_rides_out_a_dropped_connection() {
    let fake = Arc::new(Fake::default());
    fake.script.lock().unwrap().sessions = VecDeque::from([
        session(vec![Msg::Event(1), Msg::Event(2)], End::Hang),
        session(vec![Msg::Event(2), Msg::Event(3)], End::Hang),
    ]);
    let _server = serve_on(fake.clone(), "127.0.0.1:0").await;
    let relay = Relay::start("127.0.0.1:0", _server.addr).await;
    let addr = relay.addr;
    let (retries, on_retry) = recorder();
    let client = builder(addr)
        .stream_backoff(RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(200),
            ..FAST
        })
        .on_retry(on_retry)
        .connect()
        .await
        .unwrap();
    let mut events = client.order_events(StreamOptions::after(0));
    assert_eq!(take(&mut events, 2).await.unwrap(), [1, 2]);

    relay.cut().await;
    let back = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Relay::start(&addr.to_string(), _server.addr).await
    });

    assert_eq!(take(&mut events, 1).await.unwrap(), [3]);
    let _relay = back.await.unwrap();
    assert_eq!(fake.seen.lock().unwrap().stream_afters, [0, 2]);
    let retries = retries.lock().unwrap();
    assert!(!retries.is_empty());
    for retry in retries.iter() {
        assert_eq!(retry.after_sequence, 2);
        assert_eq!(retry.error.code(), Code::Unavailable, "{}", retry.error);
    }
}
