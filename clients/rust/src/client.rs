use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tonic::Code;
use tonic::metadata::{AsciiMetadataValue, MetadataValue};
use tonic::transport::{Channel, Endpoint};

use crate::error::Error;
use crate::proto::account_service_client::AccountServiceClient;
use crate::proto::order_gateway_service_client::OrderGatewayServiceClient;
use crate::retry::RetryPolicy;
use crate::stream::StreamRetry;

/// Bounds connecting up front, and each later attempt of the client to reconnect.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The deadline of each attempt of a unary call: a gateway that accepts a call and
/// never answers must not hold the caller forever.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// How many stream reconnects in a row may fail before a stream gives up: with
/// [`RetryPolicy::STREAM_DEFAULT`] that rides out a gateway restart of a few seconds
/// and reports a gateway that stays away within about ten.
pub const DEFAULT_MAX_RECONNECTS: u32 = 5;

/// Hears of every stream failure that a reconnect follows; see
/// [`ClientBuilder::on_retry`].
pub type OnRetry = Arc<dyn Fn(&StreamRetry) + Send + Sync>;

/// Configures a [`Client`]; from [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    target: String,
    connect_timeout: Duration,
    #[cfg(feature = "tls")]
    tls: Option<tonic::transport::ClientTlsConfig>,
    pub(crate) settings: Settings,
}

/// What every call of a client shares.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) call_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) stream_backoff: RetryPolicy,
    pub(crate) max_reconnects: Option<u32>,
    pub(crate) on_retry: Option<OnRetry>,
    pub(crate) authorization: Option<AsciiMetadataValue>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            call_timeout: Some(DEFAULT_CALL_TIMEOUT),
            retry: RetryPolicy::DEFAULT,
            stream_backoff: RetryPolicy::STREAM_DEFAULT,
            max_reconnects: Some(DEFAULT_MAX_RECONNECTS),
            on_retry: None,
            authorization: None,
        }
    }
}

impl ClientBuilder {
    /// How long [`ClientBuilder::connect`] waits for the gateway, and how long each
    /// later connection attempt may take ([`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The deadline of each attempt of a unary call ([`DEFAULT_CALL_TIMEOUT`]); None
    /// sets none. [`Client::with_call_timeout`] changes it for some calls.
    pub fn call_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.call_timeout = timeout;
        self
    }

    /// How calls that are safe to repeat are retried on UNAVAILABLE.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// The pauses between stream reconnects; its `max_attempts` is not used.
    pub fn stream_backoff(mut self, policy: RetryPolicy) -> Self {
        self.settings.stream_backoff = policy;
        self
    }

    /// How many stream reconnects may fail in a row before the stream ends with the
    /// last error ([`DEFAULT_MAX_RECONNECTS`]); None reconnects for as long as the
    /// stream is polled. A reconnect fails when its call ends before anything, event or
    /// heartbeat, arrives; anything arriving starts the count again. 0 ends a stream on
    /// its first failure.
    pub fn max_reconnects(mut self, max: Option<u32>) -> Self {
        self.settings.max_reconnects = max;
        self
    }

    /// Hears of every stream failure that a reconnect follows, before its pause: a
    /// stream that is struggling shows up here before it gives up.
    pub fn on_retry(mut self, f: impl Fn(&StreamRetry) + Send + Sync + 'static) -> Self {
        self.settings.on_retry = Some(Arc::new(f));
        self
    }

    /// Sends `authorization: Bearer <token>` with every call.
    pub fn bearer_token(mut self, token: &str) -> Result<Self, Error> {
        let value = MetadataValue::try_from(format!("Bearer {token}")).map_err(|_| {
            Error::new(
                Code::InvalidArgument,
                "a token must be printable ASCII (it travels in a header)",
            )
        })?;
        self.settings.authorization = Some(value);
        Ok(self)
    }

    /// Connects over TLS with `config`: the CA that signed the gateway's certificate
    /// ([`crate::Certificate`]; the system's roots when none is given), the name to
    /// verify it for when the target names the host otherwise, a client certificate
    /// ([`crate::Identity`]) for mutual TLS.
    ///
    /// ```no_run
    /// # fn run(ca_pem: &[u8]) -> Result<(), ibkr_gateway_client::Error> {
    /// use ibkr_gateway_client::{Certificate, Client, ClientTlsConfig};
    /// let tls = ClientTlsConfig::new()
    ///     .ca_certificate(Certificate::from_pem(ca_pem))
    ///     .domain_name("gateway.internal");
    /// let client = Client::builder("10.0.0.5:50051").tls(tls).connect_lazy()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// An `https://` target without this verifies the gateway against the system's
    /// roots.
    #[cfg(feature = "tls")]
    pub fn tls(mut self, config: tonic::transport::ClientTlsConfig) -> Self {
        self.tls = Some(config);
        self
    }

    fn endpoint(&self) -> Result<Endpoint, Error> {
        let invalid = |e: &dyn fmt::Display| {
            Error::new(
                Code::InvalidArgument,
                format!("invalid gateway address {:?}: {e}", self.target),
            )
        };
        let uri = if self.target.contains("://") {
            self.target.clone()
        } else if self.secure() {
            format!("https://{}", self.target)
        } else {
            format!("http://{}", self.target)
        };
        let endpoint = Endpoint::from_shared(uri).map_err(|e| invalid(&e))?;
        #[cfg(feature = "tls")]
        let endpoint = match (&self.tls, self.target.starts_with("https://")) {
            (Some(config), _) => endpoint.tls_config(config.clone()),
            (None, true) => {
                endpoint.tls_config(tonic::transport::ClientTlsConfig::new().with_native_roots())
            }
            (None, false) => Ok(endpoint),
        }
        .map_err(|e| invalid(&e))?;
        Ok(endpoint.connect_timeout(self.connect_timeout))
    }

    #[cfg(feature = "tls")]
    fn secure(&self) -> bool {
        self.tls.is_some()
    }

    #[cfg(not(feature = "tls"))]
    fn secure(&self) -> bool {
        false
    }

    /// Connects now and returns once the connection is up, so that a wrong address or
    /// a stopped gateway shows up here rather than on the first order. A gateway that
    /// refuses is tried again (one still starting is waited for) until the connect
    /// timeout, then this fails with UNAVAILABLE naming the address.
    pub async fn connect(self) -> Result<Client, Error> {
        let endpoint = self.endpoint()?;
        let deadline = Instant::now() + self.connect_timeout;
        let mut pause = Duration::from_millis(50);
        let last = loop {
            let error = match tokio::time::timeout_at(deadline, endpoint.connect()).await {
                Ok(Ok(channel)) => return Ok(Client::new(channel, self.settings)),
                Ok(Err(e)) => e.to_string(),
                Err(_) => "timed out".to_owned(),
            };
            let now = Instant::now();
            if now >= deadline {
                break error;
            }
            tokio::time::sleep(pause.min(deadline - now)).await;
            pause = (pause * 2).min(Duration::from_secs(1));
        };
        Err(Error::new(
            Code::Unavailable,
            format!(
                "no connection to {} within {:?} ({last})",
                self.target, self.connect_timeout
            ),
        ))
    }

    /// A client that connects on its first call, which then fails with UNAVAILABLE,
    /// after its retries, if the gateway is not there.
    pub fn connect_lazy(self) -> Result<Client, Error> {
        let channel = self.endpoint()?.connect_lazy();
        Ok(Client::new(channel, self.settings))
    }

    /// A client over a channel the caller built (TLS, interceptors, ...); the target
    /// and connect timeout of this builder are not used.
    pub fn with_channel(self, channel: Channel) -> Client {
        Client::new(channel, self.settings)
    }
}

/// Calls the order gateway. Cheap to clone; clones share the connection.
///
/// Nothing waits silently: connecting up front gives up after the connect timeout,
/// each attempt of a unary call has a deadline, and the event streams end with the
/// last error after a bounded number of failed reconnects in a row.
#[derive(Clone)]
pub struct Client {
    pub(crate) rpc: OrderGatewayServiceClient<Channel>,
    pub(crate) accounts: AccountServiceClient<Channel>,
    channel: Channel,
    pub(crate) settings: Arc<Settings>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("call_timeout", &self.settings.call_timeout)
            .field("retry", &self.settings.retry)
            .field("max_reconnects", &self.settings.max_reconnects)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Configures a client of the gateway at `target` (`host:port`, or a URI such as
    /// `http://host:port`).
    pub fn builder(target: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            target: target.into(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            #[cfg(feature = "tls")]
            tls: None,
            settings: Settings::default(),
        }
    }

    /// Connects to `target` with the defaults; see [`ClientBuilder::connect`].
    pub async fn connect(target: impl Into<String>) -> Result<Self, Error> {
        Self::builder(target).connect().await
    }

    fn new(channel: Channel, settings: Settings) -> Self {
        Self {
            rpc: OrderGatewayServiceClient::new(channel.clone()),
            accounts: AccountServiceClient::new(channel.clone()),
            channel,
            settings: Arc::new(settings),
        }
    }

    /// This client with another deadline for each attempt of its unary calls (None:
    /// none), sharing the connection.
    pub fn with_call_timeout(&self, timeout: Option<Duration>) -> Self {
        let mut settings = (*self.settings).clone();
        settings.call_timeout = timeout;
        Self {
            rpc: self.rpc.clone(),
            accounts: self.accounts.clone(),
            channel: self.channel.clone(),
            settings: Arc::new(settings),
        }
    }

    /// The connection, e.g. for the simulator's `SimulatorControlService` in tests.
    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    /// The generated stub, without the client's retries, deadline or token.
    pub fn raw(&self) -> OrderGatewayServiceClient<Channel> {
        self.rpc.clone()
    }

    /// Wraps `message` for one attempt: the deadline travels to the gateway, and the
    /// token, if any, with it.
    pub(crate) fn request<M>(&self, message: M, deadline: Option<Duration>) -> tonic::Request<M> {
        let mut request = tonic::Request::new(message);
        if let Some(deadline) = deadline {
            request.set_timeout(deadline);
        }
        if let Some(auth) = &self.settings.authorization {
            request.metadata_mut().insert("authorization", auth.clone());
        }
        request
    }
}
