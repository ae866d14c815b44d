use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use futures_util::stream::{self, BoxStream, StreamExt};
use tonic::Code;
use tonic::codec::Streaming;

use crate::accounts::PositionEvent;
use crate::client::Client;
use crate::error::{Details, Error};
use crate::models::OrderEvent;
use crate::proto;

/// Asked of the gateway when [`StreamOptions::heartbeat_interval`] is None. The client
/// always names the interval, rather than leave it to the gateway, because noticing a
/// stalled stream depends on it.
pub const DEFAULT_HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);

/// Heartbeat intervals of silence after which a stream counts as dead: one missed
/// heartbeat can be a busy gateway, three is a broken path.
const STALL_INTERVALS: u32 = 3;

/// Which events a stream follows and where it starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamOptions {
    /// Starts after this journal sequence; 0 replays the whole journal. Pass the
    /// sequence of the last event processed to go on where an earlier run stopped.
    pub after_sequence: i64,
    /// Only this account's events; all when empty.
    pub account: String,
    /// Only this order's events; all when empty.
    pub order_id: String,
    /// How often an idle stream carries a heartbeat, 0.1 s to 1 h;
    /// [`DEFAULT_HEARTBEAT_INTERVAL`] when None.
    pub heartbeat_interval: Option<Duration>,
}

impl StreamOptions {
    pub fn after(sequence: i64) -> Self {
        Self {
            after_sequence: sequence,
            ..Self::default()
        }
    }
}

/// A stream failure that a reconnect follows, as [`crate::ClientBuilder::on_retry`]
/// hears of it.
#[derive(Debug, Clone)]
pub struct StreamRetry {
    /// The reconnect about to be made among those failing in a row: 1 after a call that
    /// had delivered, `max_reconnects` at most.
    pub attempt: u32,
    /// The bound; None for none.
    pub max_reconnects: Option<u32>,
    /// Where the next call resumes.
    pub after_sequence: i64,
    /// What ended the previous call.
    pub error: Error,
    /// The pause before the reconnect.
    pub delay: Duration,
}

/// Which position changes a stream follows and where it starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PositionStreamOptions {
    /// Starts after this journal sequence, e.g. the `last_sequence` of a listing; 0
    /// replays the whole journal.
    pub after_sequence: i64,
    /// Only this account's positions; all the caller may see when empty.
    pub account: String,
    /// Only this symbol's positions; all when empty.
    pub symbol: String,
    /// How often an idle stream carries a heartbeat, 0.1 s to 1 h;
    /// [`DEFAULT_HEARTBEAT_INTERVAL`] when None.
    pub heartbeat_interval: Option<Duration>,
}

impl PositionStreamOptions {
    pub fn after(sequence: i64) -> Self {
        Self {
            after_sequence: sequence,
            ..Self::default()
        }
    }
}

/// Journal events from a sequence on, across reconnects: each event once, in journal
/// order. See [`Client::order_events`] and [`Client::positions`].
pub struct ResumingStream<T> {
    inner: BoxStream<'static, Result<T, Error>>,
    cursor: Arc<AtomicI64>,
}

/// Order events (or fills) from a sequence on; see [`Client::order_events`].
pub type EventStream = ResumingStream<OrderEvent>;

/// Position changes from a sequence on; see [`Client::positions`].
pub type PositionStream = ResumingStream<PositionEvent>;

impl<T> ResumingStream<T> {
    /// The resume point: the highest sequence passed, delivered or filtered out by the
    /// gateway (heartbeats move it too). A new stream after it loses nothing.
    pub fn last_sequence(&self) -> i64 {
        self.cursor.load(Ordering::Relaxed)
    }
}

impl<T> Stream for ResumingStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> std::fmt::Debug for ResumingStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResumingStream")
            .field("last_sequence", &self.last_sequence())
            .finish_non_exhaustive()
    }
}

/// The UNAVAILABLE error of a call that received neither an event nor a heartbeat for
/// three heartbeat intervals; the stream then reconnects.
pub fn stalled_error(after: Duration) -> Error {
    Error::from_details(Details {
        reason: "STREAM_STALLED".to_owned(),
        domain: "client".to_owned(),
        ..Details::new(
            Code::Unavailable,
            format!("stream stalled: nothing received for {after:?}"),
        )
    })
}

fn ended_error() -> Error {
    Error::new(Code::Unavailable, "stream ended by the server")
}

/// Whether reopening the stream can cure `err`. The gateway ends streams with
/// UNAVAILABLE when it shuts down and RESOURCE_EXHAUSTED (STREAM_BUFFER_OVERFLOW) when
/// the consumer fell behind; both say to resume. A CANCELLED the caller did not cause
/// comes from the transport or a proxy. Any other RESOURCE_EXHAUSTED, e.g. a message
/// over the size limit, would recur.
fn resumable(err: &Error) -> bool {
    match err.code() {
        Code::Unavailable | Code::Cancelled | Code::Aborted => true,
        Code::ResourceExhausted => err.reason() == "STREAM_BUFFER_OVERFLOW",
        _ => false,
    }
}

/// The filters of one feed, which say which RPC it calls.
#[derive(Clone)]
enum Feed {
    Events(StreamOptions),
    Fills(StreamOptions),
    Positions(PositionStreamOptions),
}

enum Call {
    Events(Streaming<proto::StreamOrderEventsResponse>),
    Fills(Streaming<proto::StreamFillsResponse>),
    Positions(Streaming<proto::StreamPositionsResponse>),
}

/// An event of any feed, as received.
enum Raw {
    Order(Box<proto::OrderEvent>),
    Position(Box<proto::PositionEvent>),
}

enum Message {
    Event(i64, Raw),
    Heartbeat(i64),
    Empty,
}

impl Call {
    async fn next(&mut self) -> Result<Option<Message>, tonic::Status> {
        use proto::stream_fills_response::Payload as F;
        use proto::stream_order_events_response::Payload as E;
        use proto::stream_positions_response::Payload as P;
        Ok(match self {
            Self::Events(s) => s.message().await?.map(|m| match m.payload {
                Some(E::Event(e)) => Message::Event(e.sequence, Raw::Order(Box::new(e))),
                Some(E::Heartbeat(h)) => Message::Heartbeat(h.last_sequence),
                None => Message::Empty,
            }),
            Self::Fills(s) => s.message().await?.map(|m| match m.payload {
                Some(F::Event(e)) => Message::Event(e.sequence, Raw::Order(Box::new(e))),
                Some(F::Heartbeat(h)) => Message::Heartbeat(h.last_sequence),
                None => Message::Empty,
            }),
            Self::Positions(s) => s.message().await?.map(|m| match m.payload {
                Some(P::Event(e)) => Message::Event(e.sequence, Raw::Position(Box::new(e))),
                Some(P::Heartbeat(h)) => Message::Heartbeat(h.last_sequence),
                None => Message::Empty,
            }),
        })
    }
}

fn order_event(raw: Raw) -> Result<OrderEvent, Error> {
    match raw {
        Raw::Order(event) => OrderEvent::from_proto(*event),
        Raw::Position(_) => Err(Error::new(
            Code::Internal,
            "a position event on an order feed",
        )),
    }
}

fn position_event(raw: Raw) -> Result<PositionEvent, Error> {
    match raw {
        Raw::Position(event) => PositionEvent::from_proto(*event),
        Raw::Order(_) => Err(Error::new(
            Code::Internal,
            "an order event on a position feed",
        )),
    }
}

/// A reconnecting stream: calls one after another from the cursor, with backoff
/// between them.
struct Follow<T> {
    client: Client,
    feed: Feed,
    convert: fn(Raw) -> Result<T, Error>,
    interval: Duration,
    cursor: Arc<AtomicI64>,
    call: Option<Call>,
    // Whether the current call received anything, which proves the gateway reachable.
    received: bool,
    failures: u32,
    done: bool,
}

impl<T> Follow<T> {
    fn stall_after(&self) -> Duration {
        self.interval * STALL_INTERVALS
    }

    async fn open(&self) -> Result<Call, tonic::Status> {
        let after_sequence = self.cursor.load(Ordering::Relaxed);
        let heartbeat = prost_types::Duration::try_from(self.interval).ok();
        let mut rpc = self.client.rpc.clone();
        Ok(match &self.feed {
            Feed::Events(o) => {
                let message = proto::StreamOrderEventsRequest {
                    after_sequence,
                    account: o.account.clone(),
                    order_id: o.order_id.clone(),
                    heartbeat_interval: heartbeat,
                };
                let request = self.client.request(message, None);
                Call::Events(rpc.stream_order_events(request).await?.into_inner())
            }
            Feed::Fills(o) => {
                let message = proto::StreamFillsRequest {
                    after_sequence,
                    account: o.account.clone(),
                    order_id: o.order_id.clone(),
                    heartbeat_interval: heartbeat,
                };
                let request = self.client.request(message, None);
                Call::Fills(rpc.stream_fills(request).await?.into_inner())
            }
            Feed::Positions(o) => {
                let message = proto::StreamPositionsRequest {
                    after_sequence,
                    account: o.account.clone(),
                    symbol: o.symbol.clone(),
                    heartbeat_interval: heartbeat,
                };
                let request = self.client.request(message, None);
                let mut accounts = self.client.accounts.clone();
                Call::Positions(accounts.stream_positions(request).await?.into_inner())
            }
        })
    }

    /// The next event, or the error that ends the stream.
    async fn next(&mut self) -> Option<Result<T, Error>> {
        if self.done {
            return None;
        }
        loop {
            // The stall timer runs only while waiting on the gateway, never while the
            // caller handles an event: a slow consumer is not a stalled stream (the
            // gateway cuts that one with RESOURCE_EXHAUSTED instead).
            let stall = self.stall_after();
            let failure = match self.call.as_mut() {
                None => match tokio::time::timeout(stall, self.open()).await {
                    Ok(Ok(call)) => {
                        self.call = Some(call);
                        self.received = false;
                        continue;
                    }
                    Ok(Err(status)) => Error::from(status),
                    Err(_) => stalled_error(stall),
                },
                Some(call) => match tokio::time::timeout(stall, call.next()).await {
                    Ok(Ok(Some(message))) => {
                        self.received = true;
                        match message {
                            Message::Heartbeat(last) => {
                                // A late or stale heartbeat never moves the cursor back.
                                self.cursor.fetch_max(last, Ordering::Relaxed);
                            }
                            Message::Event(sequence, raw) => {
                                if sequence > self.cursor.load(Ordering::Relaxed) {
                                    self.cursor.store(sequence, Ordering::Relaxed);
                                    let event = (self.convert)(raw);
                                    self.done = event.is_err();
                                    return Some(event);
                                }
                            }
                            Message::Empty => {}
                        }
                        continue;
                    }
                    Ok(Ok(None)) => ended_error(),
                    Ok(Err(status)) => Error::from(status),
                    Err(_) => stalled_error(stall),
                },
            };
            self.call = None;
            if let Some(err) = self.recover(failure).await {
                self.done = true;
                return Some(Err(err));
            }
        }
    }

    /// Pauses before the next reconnect, or returns the error when the stream must end.
    async fn recover(&mut self, err: Error) -> Option<Error> {
        if !resumable(&err) {
            return Some(err);
        }
        if self.received {
            self.failures = 0;
            self.received = false;
        }
        self.failures += 1;
        let settings = &self.client.settings;
        if settings
            .max_reconnects
            .is_some_and(|max| self.failures > max)
        {
            return Some(err);
        }
        let delay = settings.stream_backoff.backoff(self.failures);
        if let Some(on_retry) = &settings.on_retry {
            on_retry(&StreamRetry {
                attempt: self.failures,
                max_reconnects: settings.max_reconnects,
                after_sequence: self.cursor.load(Ordering::Relaxed),
                error: err,
                delay,
            });
        }
        tokio::time::sleep(delay).await;
        None
    }
}

impl Client {
    /// Order events (status changes, fills, cancellations, modifications) after
    /// `options.after_sequence`, in journal order: the journal first, then live.
    ///
    /// A dropped, cut or stalled call is reopened after the last sequence seen,
    /// heartbeats included, so no event is skipped or repeated. Reconnects back off
    /// under the client's stream policy and are reported to its `on_retry`. The stream
    /// ends with an error that a reconnect would not cure (e.g. INVALID_ARGUMENT), or
    /// with the last error once `max_reconnects` reconnects in a row have failed
    /// (UNAVAILABLE for a gateway that went away). Dropping it cancels the call.
    pub fn order_events(&self, options: StreamOptions) -> EventStream {
        let (after, interval) = (options.after_sequence, options.heartbeat_interval);
        self.follow(Feed::Events(options), after, interval, order_event)
    }

    /// [`Client::order_events`] restricted to fill events: [`OrderEvent::fill`] is
    /// always set. Sequences are those of the shared journal, so they have gaps;
    /// resuming is the same.
    pub fn fills(&self, options: StreamOptions) -> EventStream {
        let (after, interval) = (options.after_sequence, options.heartbeat_interval);
        self.follow(Feed::Fills(options), after, interval, order_event)
    }

    /// Position changes after `options.after_sequence` (a listing's `last_sequence`
    /// continues exactly where it ends), in journal order: the journal first, then
    /// live. It resumes and ends as [`Client::order_events`] does.
    pub fn positions(&self, options: PositionStreamOptions) -> PositionStream {
        let (after, interval) = (options.after_sequence, options.heartbeat_interval);
        self.follow(Feed::Positions(options), after, interval, position_event)
    }

    fn follow<T: Send + 'static>(
        &self,
        feed: Feed,
        after_sequence: i64,
        heartbeat_interval: Option<Duration>,
        convert: fn(Raw) -> Result<T, Error>,
    ) -> ResumingStream<T> {
        let cursor = Arc::new(AtomicI64::new(after_sequence));
        let state = Follow {
            client: self.clone(),
            feed,
            convert,
            interval: heartbeat_interval.unwrap_or(DEFAULT_HEARTBEAT_INTERVAL),
            cursor: cursor.clone(),
            call: None,
            received: false,
            failures: 0,
            done: false,
        };
        let inner = stream::unfold(state, |mut state| async move {
            let item = state.next().await?;
            Some((item, state))
        })
        .boxed();
        ResumingStream { inner, cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_failures_a_new_call_can_cure_are_resumed() {
        assert!(resumable(&stalled_error(Duration::from_secs(15))));
        assert!(resumable(&ended_error()));
        assert!(resumable(&Error::new(Code::Cancelled, "reset")));
        assert!(resumable(&Error::new(Code::Aborted, "")));
        let overflow = Error::from_details(Details {
            reason: "STREAM_BUFFER_OVERFLOW".into(),
            ..Details::new(Code::ResourceExhausted, "cut")
        });
        assert!(resumable(&overflow));
        assert!(!resumable(&Error::new(Code::ResourceExhausted, "too big")));
        assert!(!resumable(&Error::new(Code::InvalidArgument, "ahead")));
        assert!(!resumable(&Error::new(Code::PermissionDenied, "")));
    }
}
