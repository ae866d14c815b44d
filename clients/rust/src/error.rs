use std::collections::HashMap;
use std::fmt;

use tonic::Code;
use tonic_types::StatusExt;

/// The `google.rpc.ErrorInfo` domain of the gateway's own errors.
pub const ERROR_DOMAIN: &str = "ibkr-gateway";

/// A failed call, sorted by its gRPC status code.
///
/// Every variant carries the same [`Details`]: the code, the status message, the
/// `google.rpc.ErrorInfo` reason and the `google.rpc.BadRequest` field violations the
/// gateway attached to the status. Codes without a variant of their own are
/// [`Error::Other`]; [`Error::code`] always gives the exact code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A request the gateway refused as malformed; see [`Error::field_violations`].
    InvalidArgument(Box<Details>),
    /// An unknown order.
    NotFound(Box<Details>),
    /// A `client_order_id` reused with a different spec.
    AlreadyExists(Box<Details>),
    /// A cancel or modify of an order that is no longer working, a halted account, ...
    FailedPrecondition(Box<Details>),
    /// A stream consumer that fell too far behind, or a rate limit.
    ResourceExhausted(Box<Details>),
    /// The gateway is unreachable, shutting down, or its store failed; the call may be
    /// retried.
    Unavailable(Box<Details>),
    /// The call ran out of time: the client's call timeout or the gateway's deadline.
    DeadlineExceeded(Box<Details>),
    /// The token may not do this.
    PermissionDenied(Box<Details>),
    /// No token, or one the gateway does not know.
    Unauthenticated(Box<Details>),
    /// The call was cancelled before it finished.
    Cancelled(Box<Details>),
    /// Any other code.
    Other(Box<Details>),
}

/// What a failed call reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    /// The gRPC status code.
    pub code: Code,
    /// The status message.
    pub message: String,
    /// `google.rpc.ErrorInfo.reason`, e.g. `ORDER_NOT_FOUND`; empty without ErrorInfo.
    pub reason: String,
    /// `google.rpc.ErrorInfo.domain`; [`ERROR_DOMAIN`] for the gateway's errors.
    pub domain: String,
    /// `google.rpc.ErrorInfo.metadata`.
    pub metadata: HashMap<String, String>,
    /// `google.rpc.BadRequest` field violations, in order.
    pub field_violations: Vec<FieldViolation>,
}

/// One invalid request field, named by its path in the request, e.g. `order.limit_price`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
}

impl Details {
    /// Details with a code and a message only.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            reason: String::new(),
            domain: String::new(),
            metadata: HashMap::new(),
            field_violations: Vec::new(),
        }
    }
}

impl Error {
    /// Sorts `details` into the variant of its code.
    pub fn from_details(details: Details) -> Self {
        let details = Box::new(details);
        match details.code {
            Code::InvalidArgument => Self::InvalidArgument(details),
            Code::NotFound => Self::NotFound(details),
            Code::AlreadyExists => Self::AlreadyExists(details),
            Code::FailedPrecondition => Self::FailedPrecondition(details),
            Code::ResourceExhausted => Self::ResourceExhausted(details),
            Code::Unavailable => Self::Unavailable(details),
            Code::DeadlineExceeded => Self::DeadlineExceeded(details),
            Code::PermissionDenied => Self::PermissionDenied(details),
            Code::Unauthenticated => Self::Unauthenticated(details),
            Code::Cancelled => Self::Cancelled(details),
            _ => Self::Other(details),
        }
    }

    /// An error of `code` with a message and nothing else.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self::from_details(Details::new(code, message))
    }

    /// Decodes `status` and the `google.rpc.Status` in its `grpc-status-details-bin`
    /// trailer: ErrorInfo and BadRequest. Details of other types are ignored, and
    /// undecodable details leave the error with its code and message.
    ///
    /// A connection lost mid-call is UNAVAILABLE, as in every other gRPC client, so that
    /// it is retried and resumed like a gateway that refuses: tonic reports it as
    /// UNKNOWN or INTERNAL, told apart from the gateway's own statuses by the transport
    /// error it carries as its source.
    pub fn from_status(status: &tonic::Status) -> Self {
        let transport_failure = matches!(status.code(), Code::Unknown | Code::Internal)
            && std::error::Error::source(status).is_some();
        if transport_failure {
            return Self::new(
                Code::Unavailable,
                format!("connection lost: {}", status.message()),
            );
        }
        let mut details = Details::new(status.code(), status.message());
        let rich = status.get_error_details();
        if let Some(info) = rich.error_info() {
            details.reason.clone_from(&info.reason);
            details.domain.clone_from(&info.domain);
            details.metadata = info.metadata.clone();
        }
        if let Some(bad) = rich.bad_request() {
            details.field_violations = bad
                .field_violations
                .iter()
                .map(|v| FieldViolation {
                    field: v.field.clone(),
                    description: v.description.clone(),
                })
                .collect();
        }
        Self::from_details(details)
    }

    /// Decodes a `google.rpc.Status` sent as data (one item of a SubmitOrders answer)
    /// as [`Error::from_status`] decodes the same status sent in a call's trailer.
    pub fn from_rpc_status(status: &tonic_types::Status) -> Self {
        let trailer = tonic::Status::with_details(
            Code::from(status.code),
            status.message.clone(),
            prost::Message::encode_to_vec(status).into(),
        );
        Self::from_status(&trailer)
    }

    /// Everything the failure reported.
    pub fn details(&self) -> &Details {
        match self {
            Self::InvalidArgument(d)
            | Self::NotFound(d)
            | Self::AlreadyExists(d)
            | Self::FailedPrecondition(d)
            | Self::ResourceExhausted(d)
            | Self::Unavailable(d)
            | Self::DeadlineExceeded(d)
            | Self::PermissionDenied(d)
            | Self::Unauthenticated(d)
            | Self::Cancelled(d)
            | Self::Other(d) => d,
        }
    }

    pub fn code(&self) -> Code {
        self.details().code
    }

    pub fn message(&self) -> &str {
        &self.details().message
    }

    /// The ErrorInfo reason, e.g. `CLIENT_ORDER_ID_CONFLICT`; empty when there was none.
    pub fn reason(&self) -> &str {
        &self.details().reason
    }

    pub fn field_violations(&self) -> &[FieldViolation] {
        &self.details().field_violations
    }

    /// The description of the violation of `field`, if the request had one.
    pub fn violation(&self, field: &str) -> Option<&str> {
        self.field_violations()
            .iter()
            .find(|v| v.field == field)
            .map(|v| v.description.as_str())
    }
}

impl From<tonic::Status> for Error {
    fn from(status: tonic::Status) -> Self {
        Self::from_status(&status)
    }
}

impl fmt::Display for Error {
    /// `NOT_FOUND: message [REASON] (field: description; ...)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.details();
        write!(f, "{}: {}", code_name(d.code), d.message)?;
        if !d.reason.is_empty() {
            write!(f, " [{}]", d.reason)?;
        }
        for (i, v) in d.field_violations.iter().enumerate() {
            f.write_str(if i == 0 { " (" } else { "; " })?;
            write!(f, "{}: {}", v.field, v.description)?;
        }
        if !d.field_violations.is_empty() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The canonical name of a status code, `ALREADY_EXISTS`, as every other gRPC
/// implementation and the gateway's audit trail spell it.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

#[cfg(test)]
mod tests {
    use tonic_types::{ErrorDetails, StatusExt};

    use super::*;

    #[test]
    fn decodes_error_info_and_bad_request_from_the_status_details() {
        let mut rich = ErrorDetails::with_error_info(
            "INVALID_ORDER",
            ERROR_DOMAIN,
            HashMap::from([("symbol".to_owned(), "AAPL".to_owned())]),
        );
        rich.add_bad_request_violation("order.quantity", "must be positive")
            .add_bad_request_violation("order.limit_price", "required for LIMIT");
        let status = tonic::Status::with_error_details(Code::InvalidArgument, "bad order", rich);

        let err = Error::from(status);

        assert!(matches!(err, Error::InvalidArgument(_)));
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(err.reason(), "INVALID_ORDER");
        assert_eq!(err.details().domain, ERROR_DOMAIN);
        assert_eq!(err.details().metadata["symbol"], "AAPL");
        assert_eq!(err.violation("order.quantity"), Some("must be positive"));
        assert_eq!(err.violation("order.side"), None);
        assert_eq!(
            err.to_string(),
            "INVALID_ARGUMENT: bad order [INVALID_ORDER] \
             (order.quantity: must be positive; order.limit_price: required for LIMIT)"
        );
    }

    #[test]
    fn a_status_without_details_keeps_code_and_message() {
        let err = Error::from(tonic::Status::not_found("no such order"));
        assert!(matches!(err, Error::NotFound(_)));
        assert_eq!(err.reason(), "");
        assert!(err.field_violations().is_empty());
        assert_eq!(err.to_string(), "NOT_FOUND: no such order");
    }

    #[test]
    fn undecodable_details_are_ignored() {
        let status =
            tonic::Status::with_details(Code::Unavailable, "down", bytes_of(&[0xff, 0xff, 0xff]));
        let err = Error::from(status);
        assert!(matches!(err, Error::Unavailable(_)));
        assert_eq!(err.message(), "down");
        assert_eq!(err.reason(), "");
    }

    #[test]
    fn codes_without_a_variant_are_other_with_the_exact_code() {
        let err = Error::new(Code::Aborted, "conflict");
        assert!(matches!(err, Error::Other(_)));
        assert_eq!(err.code(), Code::Aborted);
        assert_eq!(code_name(err.code()), "ABORTED");
    }

    #[test]
    fn a_connection_lost_mid_call_is_unavailable() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        let err = Error::from(tonic::Status::from_error(Box::new(io)));
        assert!(matches!(err, Error::Unavailable(_)), "{err}");
        assert!(err.message().starts_with("connection lost: "), "{err}");

        let from_the_gateway = Error::from(tonic::Status::unknown("a handler failed"));
        assert_eq!(from_the_gateway.code(), Code::Unknown);
    }

    fn bytes_of(data: &[u8]) -> tonic::codegen::Bytes {
        tonic::codegen::Bytes::copy_from_slice(data)
    }
}
