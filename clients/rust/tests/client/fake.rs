//! An in-process OrderGatewayService whose answers each test scripts, so that retries,
//! deadlines, paging and reconnects can be driven exactly.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::{self, BoxStream, StreamExt};
use ibkr_gateway_client::proto::account_service_server::{AccountService, AccountServiceServer};
use ibkr_gateway_client::proto::order_gateway_service_server::{
    OrderGatewayService, OrderGatewayServiceServer,
};
use ibkr_gateway_client::proto::{self, stream_fills_response, stream_order_events_response};
use ibkr_gateway_client::{Client, ClientBuilder, ERROR_DOMAIN, RetryPolicy};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{Request, Response, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// How a scripted stream call ends after its messages.
#[allow(dead_code)]
pub enum End {
    Fail(Status),
    /// Closes the call without an error, which a live stream never does.
    Clean,
    /// Sends nothing more until the client goes away.
    Hang,
}

pub struct Session {
    pub messages: Vec<Msg>,
    pub end: End,
}

#[derive(Clone)]
pub enum Msg {
    Event(i64),
    Heartbeat(i64),
}

#[derive(Default)]
pub struct Script {
    /// Failures of the next unary calls of a method, in order; then success.
    pub failures: HashMap<&'static str, VecDeque<Status>>,
    /// A pause before GetOrder answers.
    pub get_delay: Option<Duration>,
    /// ListOrders pages by page token.
    pub pages: HashMap<String, proto::ListOrdersResponse>,
    /// Stream calls, in order, of StreamOrderEvents and StreamFills alike.
    pub sessions: VecDeque<Session>,
    /// StreamPositions calls, in order; an event's position quantity is its sequence
    /// times ten.
    pub position_sessions: VecDeque<Session>,
    /// ListAuditRecords pages by page token.
    pub audit_pages: HashMap<String, proto::ListAuditRecordsResponse>,
}

#[derive(Default)]
pub struct Seen {
    pub calls: Vec<&'static str>,
    pub submits: Vec<proto::SubmitOrderRequest>,
    pub batches: Vec<proto::SubmitOrdersRequest>,
    pub gets: Vec<proto::GetOrderRequest>,
    pub cancels: Vec<proto::CancelOrderRequest>,
    pub modifies: Vec<proto::ModifyOrderRequest>,
    pub page_tokens: Vec<String>,
    pub stream_afters: Vec<i64>,
    pub stream_requests: Vec<proto::StreamOrderEventsRequest>,
    pub position_requests: Vec<proto::StreamPositionsRequest>,
    pub previews: Vec<proto::PreviewOrderRequest>,
    pub kill_switch_sets: Vec<proto::SetKillSwitchRequest>,
    pub timeouts: Vec<Option<String>>,
    pub authorization: Vec<Option<String>>,
}

#[derive(Default)]
pub struct Fake {
    pub script: Mutex<Script>,
    pub seen: Mutex<Seen>,
}

impl Fake {
    fn record<T>(&self, method: &'static str, request: &Request<T>) -> Result<(), Status> {
        let header = |name: &str| {
            request
                .metadata()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let mut seen = self.seen.lock().unwrap();
        seen.calls.push(method);
        seen.timeouts.push(header("grpc-timeout"));
        seen.authorization.push(header("authorization"));
        drop(seen);
        let mut script = self.script.lock().unwrap();
        match script
            .failures
            .get_mut(method)
            .and_then(VecDeque::pop_front)
        {
            Some(status) => Err(status),
            None => Ok(()),
        }
    }

    pub fn count(&self, method: &str) -> usize {
        self.seen
            .lock()
            .unwrap()
            .calls
            .iter()
            .filter(|m| **m == method)
            .count()
    }

    fn session(&self) -> BoxStream<'static, Result<Msg, Status>> {
        let session = self.script.lock().unwrap().sessions.pop_front();
        Self::play(session)
    }

    fn play(session: Option<Session>) -> BoxStream<'static, Result<Msg, Status>> {
        let Some(session) = session else {
            return stream::pending().boxed();
        };
        let messages = stream::iter(session.messages.into_iter().map(Ok));
        let end = match session.end {
            End::Fail(status) => stream::once(async move { Err(status) }).boxed(),
            End::Clean => stream::empty().boxed(),
            End::Hang => stream::pending().boxed(),
        };
        messages.chain(end).boxed()
    }
}

pub fn order(id: &str, client_order_id: &str) -> proto::Order {
    proto::Order {
        order_id: id.to_owned(),
        spec: Some(proto::OrderSpec {
            client_order_id: client_order_id.to_owned(),
            quantity: "10".to_owned(),
            ..Default::default()
        }),
        status: proto::OrderStatus::PendingSubmit as i32,
        filled_quantity: "0".to_owned(),
        remaining_quantity: "10".to_owned(),
        ..Default::default()
    }
}

fn event(sequence: i64) -> proto::OrderEvent {
    proto::OrderEvent {
        sequence,
        order_id: "o1".to_owned(),
        ..Default::default()
    }
}

#[tonic::async_trait]
impl OrderGatewayService for Fake {
    async fn submit_order(
        &self,
        request: Request<proto::SubmitOrderRequest>,
    ) -> Result<Response<proto::SubmitOrderResponse>, Status> {
        let spec = request.get_ref().order.clone().unwrap_or_default();
        self.seen
            .lock()
            .unwrap()
            .submits
            .push(request.get_ref().clone());
        self.record("SubmitOrder", &request)?;
        let mut placed = order("g-1", &spec.client_order_id);
        placed.spec = Some(spec);
        Ok(Response::new(proto::SubmitOrderResponse {
            order: Some(placed),
        }))
    }

    /// Places every spec but one of quantity "0", which it refuses as the gateway does:
    /// INVALID_ARGUMENT with ErrorInfo and the violated field's path in the request.
    async fn submit_orders(
        &self,
        request: Request<proto::SubmitOrdersRequest>,
    ) -> Result<Response<proto::SubmitOrdersResponse>, Status> {
        self.seen
            .lock()
            .unwrap()
            .batches
            .push(request.get_ref().clone());
        self.record("SubmitOrders", &request)?;
        let results = request
            .get_ref()
            .orders
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let result = if spec.quantity == "0" {
                    let refused = Status::with_error_details(
                        tonic::Code::InvalidArgument,
                        "quantity must be positive",
                        ErrorDetails::with_error_info("INVALID_ARGUMENT", ERROR_DOMAIN, [])
                            .add_bad_request_violation(
                                format!("orders[{i}].quantity"),
                                "must be positive",
                            )
                            .to_owned(),
                    );
                    let status = prost::Message::decode(refused.details()).unwrap();
                    proto::submit_order_result::Result::Error(status)
                } else {
                    let mut placed = order(&format!("g-{i}"), &spec.client_order_id);
                    placed.spec = Some(spec.clone());
                    proto::submit_order_result::Result::Order(placed)
                };
                proto::SubmitOrderResult {
                    result: Some(result),
                }
            })
            .collect();
        Ok(Response::new(proto::SubmitOrdersResponse { results }))
    }

    async fn submit_bracket_order(
        &self,
        _: Request<proto::SubmitBracketOrderRequest>,
    ) -> Result<Response<proto::SubmitBracketOrderResponse>, Status> {
        Err(Status::unimplemented(""))
    }

    async fn modify_order(
        &self,
        request: Request<proto::ModifyOrderRequest>,
    ) -> Result<Response<proto::ModifyOrderResponse>, Status> {
        self.seen
            .lock()
            .unwrap()
            .modifies
            .push(request.get_ref().clone());
        self.record("ModifyOrder", &request)?;
        Ok(Response::new(proto::ModifyOrderResponse {
            order: Some(order("g-1", "c-1")),
        }))
    }

    async fn cancel_order(
        &self,
        request: Request<proto::CancelOrderRequest>,
    ) -> Result<Response<proto::CancelOrderResponse>, Status> {
        self.seen
            .lock()
            .unwrap()
            .cancels
            .push(request.get_ref().clone());
        self.record("CancelOrder", &request)?;
        Ok(Response::new(proto::CancelOrderResponse {
            order: Some(order("g-1", "c-1")),
        }))
    }

    async fn cancel_all_orders(
        &self,
        _: Request<proto::CancelAllOrdersRequest>,
    ) -> Result<Response<proto::CancelAllOrdersResponse>, Status> {
        Err(Status::unimplemented(""))
    }

    async fn get_order(
        &self,
        request: Request<proto::GetOrderRequest>,
    ) -> Result<Response<proto::GetOrderResponse>, Status> {
        self.seen
            .lock()
            .unwrap()
            .gets
            .push(request.get_ref().clone());
        self.record("GetOrder", &request)?;
        let delay = self.script.lock().unwrap().get_delay;
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        Ok(Response::new(proto::GetOrderResponse {
            order: Some(order("g-1", "c-1")),
        }))
    }

    async fn list_orders(
        &self,
        request: Request<proto::ListOrdersRequest>,
    ) -> Result<Response<proto::ListOrdersResponse>, Status> {
        let token = request.get_ref().page_token.clone();
        self.seen.lock().unwrap().page_tokens.push(token.clone());
        self.record("ListOrders", &request)?;
        let page = self.script.lock().unwrap().pages.get(&token).cloned();
        page.map(Response::new)
            .ok_or_else(|| Status::invalid_argument("unknown page token"))
    }

    async fn list_fills(
        &self,
        _: Request<proto::ListFillsRequest>,
    ) -> Result<Response<proto::ListFillsResponse>, Status> {
        Err(Status::unimplemented(""))
    }

    type StreamOrderEventsStream =
        BoxStream<'static, Result<proto::StreamOrderEventsResponse, Status>>;

    async fn stream_order_events(
        &self,
        request: Request<proto::StreamOrderEventsRequest>,
    ) -> Result<Response<Self::StreamOrderEventsStream>, Status> {
        let mut seen = self.seen.lock().unwrap();
        seen.stream_afters.push(request.get_ref().after_sequence);
        seen.stream_requests.push(request.get_ref().clone());
        drop(seen);
        use stream_order_events_response::Payload;
        let messages = self.session().map(|m| {
            m.map(|m| proto::StreamOrderEventsResponse {
                payload: Some(match m {
                    Msg::Event(seq) => Payload::Event(event(seq)),
                    Msg::Heartbeat(last) => Payload::Heartbeat(proto::Heartbeat {
                        last_sequence: last,
                        time: None,
                    }),
                }),
            })
        });
        Ok(Response::new(messages.boxed()))
    }

    type StreamFillsStream = BoxStream<'static, Result<proto::StreamFillsResponse, Status>>;

    async fn stream_fills(
        &self,
        request: Request<proto::StreamFillsRequest>,
    ) -> Result<Response<Self::StreamFillsStream>, Status> {
        self.seen
            .lock()
            .unwrap()
            .stream_afters
            .push(request.get_ref().after_sequence);
        use stream_fills_response::Payload;
        let messages = self.session().map(|m| {
            m.map(|m| proto::StreamFillsResponse {
                payload: Some(match m {
                    Msg::Event(seq) => Payload::Event(proto::OrderEvent {
                        kind: Some(proto::order_event::Kind::Fill(proto::Fill {
                            quantity: "1".to_owned(),
                            price: "100.5".to_owned(),
                            sequence: seq,
                            ..Default::default()
                        })),
                        ..event(seq)
                    }),
                    Msg::Heartbeat(last) => Payload::Heartbeat(proto::Heartbeat {
                        last_sequence: last,
                        time: None,
                    }),
                }),
            })
        });
        Ok(Response::new(messages.boxed()))
    }

    async fn set_kill_switch(
        &self,
        request: Request<proto::SetKillSwitchRequest>,
    ) -> Result<Response<proto::SetKillSwitchResponse>, Status> {
        let set = request.get_ref().clone();
        self.seen.lock().unwrap().kill_switch_sets.push(set.clone());
        self.record("SetKillSwitch", &request)?;
        Ok(Response::new(proto::SetKillSwitchResponse {
            kill_switch: Some(proto::KillSwitch {
                engaged: set.engaged,
                reason: set.reason,
                ..Default::default()
            }),
            cancelled_orders: vec![order("g-7", "c-7")],
        }))
    }

    async fn get_kill_switch(
        &self,
        request: Request<proto::GetKillSwitchRequest>,
    ) -> Result<Response<proto::GetKillSwitchResponse>, Status> {
        self.record("GetKillSwitch", &request)?;
        Ok(Response::new(proto::GetKillSwitchResponse {
            kill_switch: Some(proto::KillSwitch {
                engaged: true,
                reason: "drill".to_owned(),
                ..Default::default()
            }),
        }))
    }

    async fn list_audit_records(
        &self,
        request: Request<proto::ListAuditRecordsRequest>,
    ) -> Result<Response<proto::ListAuditRecordsResponse>, Status> {
        let token = request.get_ref().page_token.clone();
        self.seen.lock().unwrap().page_tokens.push(token.clone());
        self.record("ListAuditRecords", &request)?;
        let page = self.script.lock().unwrap().audit_pages.get(&token).cloned();
        page.map(Response::new)
            .ok_or_else(|| Status::invalid_argument("unknown page token"))
    }

    async fn preview_order(
        &self,
        request: Request<proto::PreviewOrderRequest>,
    ) -> Result<Response<proto::PreviewOrderResponse>, Status> {
        self.seen
            .lock()
            .unwrap()
            .previews
            .push(request.get_ref().clone());
        self.record("PreviewOrder", &request)?;
        Ok(Response::new(proto::PreviewOrderResponse {
            order: request.into_inner().order,
            estimated_price: "110".to_owned(),
            estimated_commission: String::new(),
            position_before: "60".to_owned(),
            position_after: "20".to_owned(),
            breaches: vec![proto::LimitBreach {
                reason: "RISK_MAX_POSITION".to_owned(),
                ..Default::default()
            }],
            ..Default::default()
        }))
    }
}

#[tonic::async_trait]
impl AccountService for Fake {
    async fn list_positions(
        &self,
        request: Request<proto::ListPositionsRequest>,
    ) -> Result<Response<proto::ListPositionsResponse>, Status> {
        self.record("ListPositions", &request)?;
        Ok(Response::new(proto::ListPositionsResponse {
            positions: vec![proto::Position {
                account: request.get_ref().account.clone(),
                quantity: "60".to_owned(),
                average_cost: "100.01".to_owned(),
                realized_pnl: "398.6".to_owned(),
                commissions: "2".to_owned(),
                ..Default::default()
            }],
            last_sequence: 9,
        }))
    }

    async fn get_account_summary(
        &self,
        request: Request<proto::GetAccountSummaryRequest>,
    ) -> Result<Response<proto::GetAccountSummaryResponse>, Status> {
        self.record("GetAccountSummary", &request)?;
        Ok(Response::new(proto::GetAccountSummaryResponse {
            summary: Some(proto::AccountSummary {
                account: request.get_ref().account.clone(),
                currency: "USD".to_owned(),
                cash: "994398.10".to_owned(),
                ..Default::default()
            }),
        }))
    }

    type StreamPositionsStream = BoxStream<'static, Result<proto::StreamPositionsResponse, Status>>;

    async fn stream_positions(
        &self,
        request: Request<proto::StreamPositionsRequest>,
    ) -> Result<Response<Self::StreamPositionsStream>, Status> {
        self.record("StreamPositions", &request)?;
        let mut seen = self.seen.lock().unwrap();
        seen.stream_afters.push(request.get_ref().after_sequence);
        seen.position_requests.push(request.get_ref().clone());
        drop(seen);
        let session = self.script.lock().unwrap().position_sessions.pop_front();
        use proto::stream_positions_response::Payload;
        let messages = Self::play(session).map(|m| {
            m.map(|m| proto::StreamPositionsResponse {
                payload: Some(match m {
                    Msg::Event(seq) => Payload::Event(proto::PositionEvent {
                        sequence: seq,
                        position: Some(proto::Position {
                            quantity: (seq * 10).to_string(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                    Msg::Heartbeat(last) => Payload::Heartbeat(proto::Heartbeat {
                        last_sequence: last,
                        time: None,
                    }),
                }),
            })
        });
        Ok(Response::new(messages.boxed()))
    }
}

/// Both services of the fake on one server, told apart by path (tonic's router needs
/// a feature of its own for this).
#[derive(Clone)]
struct Both {
    accounts: AccountServiceServer<Fake>,
    gateway: OrderGatewayServiceServer<Fake>,
}

impl tonic::codegen::Service<tonic::codegen::http::Request<tonic::body::Body>> for Both {
    type Response = tonic::codegen::http::Response<tonic::body::Body>;
    type Error = std::convert::Infallible;
    type Future = tonic::codegen::BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: tonic::codegen::http::Request<tonic::body::Body>) -> Self::Future {
        if request
            .uri()
            .path()
            .starts_with("/ibkr.gateway.v1.AccountService/")
        {
            self.accounts.call(request)
        } else {
            self.gateway.call(request)
        }
    }
}

impl tonic::server::NamedService for Both {
    const NAME: &'static str = "ibkr.gateway.v1";
}

/// A running fake, served until this is dropped.
pub struct Served {
    pub addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

/// Serves `fake` on `addr` (port 0 for any free port).
pub async fn serve_on(fake: Arc<Fake>, addr: &str) -> Served {
    serve_with(fake, addr, tonic::transport::Server::builder()).await
}

/// Serves `fake` over TLS with the certificate and key (PEM) on a free port.
pub async fn serve_tls(fake: Arc<Fake>, cert_pem: &str, key_pem: &str) -> Served {
    let tls = tonic::transport::ServerTlsConfig::new()
        .identity(tonic::transport::Identity::from_pem(cert_pem, key_pem));
    let server = tonic::transport::Server::builder().tls_config(tls).unwrap();
    serve_with(fake, "127.0.0.1:0", server).await
}

async fn serve_with(fake: Arc<Fake>, addr: &str, server: tonic::transport::Server) -> Served {
    let listener = TcpListener::bind(addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let both = Both {
            accounts: AccountServiceServer::from_arc(fake.clone()),
            gateway: OrderGatewayServiceServer::from_arc(fake),
        };
        let _ = server
            .serve_with_incoming_shutdown(both, TcpListenerStream::new(listener), async {
                let _ = stopped.await;
            })
            .await;
    });
    Served { addr, _stop: stop }
}

/// Quick pauses: the policies' shape is under test, not their length.
pub const FAST: RetryPolicy = RetryPolicy {
    max_attempts: 3,
    initial_backoff: Duration::from_millis(1),
    max_backoff: Duration::from_millis(5),
    multiplier: 2.0,
};

pub fn builder(addr: SocketAddr) -> ClientBuilder {
    Client::builder(addr.to_string())
        .retry_policy(FAST)
        .stream_backoff(FAST)
}

/// A fake with `script`, served, and a client of it.
pub async fn start(script: Script) -> (Arc<Fake>, Served, Client) {
    let fake = Arc::new(Fake {
        script: Mutex::new(script),
        seen: Mutex::default(),
    });
    let served = serve_on(fake.clone(), "127.0.0.1:0").await;
    let client = builder(served.addr).connect().await.unwrap();
    (fake, served, client)
}

/// A TCP relay in front of a server, whose connections can be cut at once, as a crash
/// or a network failure cuts them, while the server behind it lives on.
pub struct Relay {
    pub addr: SocketAddr,
    tasks: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Relay {
    /// Relays `addr` (port 0 for any free port) to `to`.
    pub async fn start(addr: &str, to: SocketAddr) -> Relay {
        let listener = TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let tasks: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let registry = tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let connection = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(to).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                registry.lock().unwrap().push(connection);
            }
        });
        tasks.lock().unwrap().push(accept);
        Relay { addr, tasks }
    }

    /// Closes the listener and every relayed connection.
    pub async fn cut(self) {
        let tasks = std::mem::take(&mut *self.tasks.lock().unwrap());
        for task in tasks {
            task.abort();
            let _ = task.await;
        }
    }
}
