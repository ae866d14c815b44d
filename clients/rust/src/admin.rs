//! The kill switch and the audit trail (admin scope).

use std::time::SystemTime;

use futures_util::stream::BoxStream;

use crate::client::Client;
use crate::error::Error;
use crate::models::{Order, time};
use crate::orders::paginate;
use crate::proto;
use crate::retry::{once, with_retry};

pub use crate::proto::AccountHalt;

/// The kill switch: while `engaged` new orders are refused; `halted_accounts` are
/// halted on their own whatever it says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KillSwitch {
    pub engaged: bool,
    pub reason: String,
    /// The token name of whoever set it.
    pub set_by: String,
    pub set_time: Option<SystemTime>,
    pub halted_accounts: Vec<AccountHalt>,
}

impl KillSwitch {
    pub fn from_proto(k: proto::KillSwitch) -> Self {
        Self {
            engaged: k.engaged,
            reason: k.reason,
            set_by: k.set_by,
            set_time: time(k.set_time),
            halted_accounts: k.halted_accounts,
        }
    }
}

/// The kill switch after a change, and the orders a cancel was requested for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KillSwitchChange {
    pub kill_switch: KillSwitch,
    pub cancelled_orders: Vec<Order>,
}

/// One mutating call as the gateway audited it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditRecord {
    pub id: i64,
    pub time: Option<SystemTime>,
    /// The token name ("local" without authentication).
    pub principal: String,
    /// The full method name, e.g. "/ibkr.gateway.v1.OrderGatewayService/SubmitOrder".
    pub method: String,
    /// The request as protobuf JSON.
    pub request_json: String,
    /// The resulting status code name, e.g. "OK".
    pub status: String,
    pub detail: String,
    pub accounts: Vec<String>,
}

impl AuditRecord {
    pub fn from_proto(r: proto::AuditRecord) -> Self {
        Self {
            id: r.id,
            time: time(r.time),
            principal: r.principal,
            method: r.method,
            request_json: r.request_json,
            status: r.status,
            detail: r.detail,
            accounts: r.accounts,
        }
    }
}

impl Client {
    /// The kill switch as it is now. Retried on UNAVAILABLE.
    pub async fn get_kill_switch(&self) -> Result<KillSwitch, Error> {
        let timeout = self.settings.call_timeout;
        let response = with_retry(&self.settings.retry, timeout, || {
            let mut rpc = self.rpc.clone();
            let request = self.request(proto::GetKillSwitchRequest {}, timeout);
            async move { rpc.get_kill_switch(request).await }
        })
        .await?;
        Ok(KillSwitch::from_proto(
            response.kill_switch.unwrap_or_default(),
        ))
    }

    /// Engages (cancelling every working order, refusing new ones) or releases the
    /// kill switch, gateway-wide when `accounts` is empty, else for those only. Not
    /// retried: a late repeat could undo a change someone made in between.
    pub async fn set_kill_switch(
        &self,
        engaged: bool,
        reason: &str,
        accounts: &[&str],
    ) -> Result<KillSwitchChange, Error> {
        let message = proto::SetKillSwitchRequest {
            engaged,
            reason: reason.to_owned(),
            accounts: accounts.iter().map(|a| (*a).to_owned()).collect(),
        };
        let timeout = self.settings.call_timeout;
        let mut rpc = self.rpc.clone();
        let response = once(timeout, rpc.set_kill_switch(self.request(message, timeout))).await?;
        Ok(KillSwitchChange {
            kill_switch: KillSwitch::from_proto(response.kill_switch.unwrap_or_default()),
            cancelled_orders: response
                .cancelled_orders
                .into_iter()
                .map(Order::from_proto)
                .collect::<Result<_, _>>()?,
        })
    }

    /// Every audit record the token may see, oldest first, fetched page by page
    /// (`page_size` 1..1000; the gateway's default when 0); each page is retried on
    /// its own. An error ends the stream.
    pub fn list_audit_records(
        &self,
        page_size: i32,
    ) -> BoxStream<'static, Result<AuditRecord, Error>> {
        let client = self.clone();
        paginate(move |page_token| {
            let client = client.clone();
            let message = proto::ListAuditRecordsRequest {
                page_size,
                page_token,
            };
            async move {
                let timeout = client.settings.call_timeout;
                let page = with_retry(&client.settings.retry, timeout, || {
                    let mut rpc = client.rpc.clone();
                    let request = client.request(message.clone(), timeout);
                    async move { rpc.list_audit_records(request).await }
                })
                .await?;
                let records = page
                    .records
                    .into_iter()
                    .map(AuditRecord::from_proto)
                    .collect();
                Ok((records, page.next_page_token))
            }
        })
    }
}
