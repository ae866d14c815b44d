use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;
use tonic::Code;

use crate::error::Error;
use crate::ids::random_u64;

/// Bounds the attempts of a call and spaces them with exponential backoff and jitter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included: 1 disables retries, 0 retries without end.
    pub max_attempts: u32,
    /// The pause before the second attempt.
    pub initial_backoff: Duration,
    /// The cap on each pause.
    pub max_backoff: Duration,
    /// How much each pause grows after a failed attempt.
    pub multiplier: f64,
}

impl RetryPolicy {
    /// Rides out a gateway restart of about a second: 5 attempts, 0.1 s doubling to 2 s.
    pub const DEFAULT: Self = Self {
        max_attempts: 5,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(2),
        multiplier: 2.0,
    };

    /// The pauses between stream reconnects: 0.5 s doubling to 5 s, so that with the
    /// default bound of 5 failed reconnects they add up to 6-12 s, long enough for a
    /// gateway restart, short enough that a gateway that stays away is reported
    /// promptly. `max_attempts` is not used: [`crate::ClientBuilder::max_reconnects`]
    /// bounds reconnects.
    pub const STREAM_DEFAULT: Self = Self {
        max_attempts: 0,
        initial_backoff: Duration::from_millis(500),
        max_backoff: Duration::from_secs(5),
        multiplier: 2.0,
    };

    /// The pause after `failures` failed attempts (1 for the first), jittered between
    /// half and all of it so that clients cut off together do not come back together.
    pub fn backoff(&self, failures: u32) -> Duration {
        let cap = self.max_backoff.as_secs_f64();
        let mut bound = self.initial_backoff.as_secs_f64();
        let mut i = 1;
        while i < failures && bound < cap {
            bound *= self.multiplier.max(1.0);
            i += 1;
        }
        let bound = bound.min(cap);
        if bound <= 0.0 || !bound.is_finite() {
            return Duration::ZERO;
        }
        let unit = (random_u64() >> 11) as f64 / (1u64 << 53) as f64;
        Duration::from_secs_f64(bound / 2.0 + unit * bound / 2.0)
    }

    fn exhausted(&self, failures: u32) -> bool {
        self.max_attempts > 0 && failures >= self.max_attempts
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Runs `attempt` until it succeeds, fails with anything but UNAVAILABLE, or the policy
/// is spent. Only calls whose repetition cannot do anything twice come here. An expired
/// deadline is never retried: the deadline bounds the caller's wait, which a retry would
/// multiply.
pub(crate) async fn with_retry<T, F, Fut>(
    policy: &RetryPolicy,
    timeout: Option<Duration>,
    mut attempt: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<tonic::Response<T>, tonic::Status>>,
{
    let mut failures = 0;
    loop {
        match once(timeout, attempt()).await {
            Ok(response) => return Ok(response),
            Err(err) => {
                failures += 1;
                if err.code() != Code::Unavailable || policy.exhausted(failures) {
                    return Err(err);
                }
            }
        }
        tokio::time::sleep(policy.backoff(failures)).await;
    }
}

/// One attempt of a unary call, bounded by `timeout`.
pub(crate) async fn once<T>(
    timeout: Option<Duration>,
    call: impl Future<Output = Result<tonic::Response<T>, tonic::Status>>,
) -> Result<T, Error> {
    let Some(limit) = timeout else {
        return call
            .await
            .map(tonic::Response::into_inner)
            .map_err(Error::from);
    };
    let deadline = Instant::now() + limit;
    match tokio::time::timeout_at(deadline, call).await {
        Ok(Ok(response)) => Ok(response.into_inner()),
        // tonic enforces the grpc-timeout header too, and reports its own expiry as
        // CANCELLED; past the deadline that is this call's deadline, whichever timer won.
        Ok(Err(status)) if status.code() == Code::Cancelled && Instant::now() >= deadline => {
            Err(deadline_exceeded(limit))
        }
        Ok(Err(status)) => Err(Error::from(status)),
        Err(_) => Err(deadline_exceeded(limit)),
    }
}

fn deadline_exceeded(limit: Duration) -> Error {
    Error::new(
        Code::DeadlineExceeded,
        format!("no answer within the call deadline of {limit:?}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter_between_half_and_all() {
        let policy = RetryPolicy::STREAM_DEFAULT;
        for (failures, bound_ms) in [
            (1, 500),
            (2, 1000),
            (3, 2000),
            (4, 4000),
            (5, 5000),
            (60, 5000),
        ] {
            for _ in 0..50 {
                let pause = policy.backoff(failures).as_secs_f64() * 1000.0;
                let bound = f64::from(bound_ms);
                assert!(
                    pause >= bound / 2.0 - 1e-6 && pause <= bound + 1e-6,
                    "pause {pause} ms after {failures} failures, bound {bound} ms"
                );
            }
        }
    }

    #[test]
    fn the_default_policies_are_those_of_the_other_clients() {
        assert_eq!(RetryPolicy::default().max_attempts, 5);
        assert_eq!(
            RetryPolicy::DEFAULT.initial_backoff,
            Duration::from_millis(100)
        );
        assert_eq!(RetryPolicy::DEFAULT.max_backoff, Duration::from_secs(2));
        assert_eq!(
            RetryPolicy::STREAM_DEFAULT.initial_backoff,
            Duration::from_millis(500)
        );
        assert_eq!(
            RetryPolicy::STREAM_DEFAULT.max_backoff,
            Duration::from_secs(5)
        );
    }
}
