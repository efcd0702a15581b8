//! Pushes fired and resolved alerts to Alertmanager (`POST /api/v2/alerts`) and to a generic
//! webhook, off the pipeline task.
//!
//! The processor hands alerts over a bounded channel (full: the alert is dropped and counted);
//! one task posts them with retries (exponential backoff from 1 s, `max_retries` attempts more,
//! each bounded by `timeout`). Alertmanager forgets an alert that is not re-sent within its
//! `resolve_timeout`, so the task re-posts every firing alert each `resend_interval`, as
//! Prometheus does. The webhook gets each change once, as the JSON of `/v1/anomalies` entries.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use serde_json::json;
use tokio::sync::mpsc;

use crate::client::{http_client, ClientOptions, HttpClient};

use super::alert::{Alert, State};

pub const NOTIFICATIONS_TOTAL: &str = "spotter_baseline_notifications_total";

/// Where and how to push.
#[derive(Debug, Clone)]
pub struct Targets {
    /// Alertmanager base URL (`http://127.0.0.1:9093`).
    pub alertmanager: Option<String>,
    /// Webhook URL, posted as is.
    pub webhook: Option<String>,
    pub resend_interval: Duration,
    pub timeout: Duration,
    pub max_retries: u32,
}

/// The processor's end of the channel.
pub struct Notifier {
    tx: mpsc::Sender<Alert>,
}

impl Notifier {
    /// Start the pushing task on the current Tokio runtime; `None` without targets or runtime.
    pub fn start(targets: Targets) -> Option<Notifier> {
        if targets.alertmanager.is_none() && targets.webhook.is_none() {
            return None;
        }
        let handle = tokio::runtime::Handle::try_current().ok()?;
        let (tx, rx) = mpsc::channel(1024);
        handle.spawn(run(targets, rx));
        Some(Notifier { tx })
    }

    pub fn send(&self, alert: &Alert) {
        if self.tx.try_send(alert.clone()).is_err() {
            metrics::counter!(NOTIFICATIONS_TOTAL, "target" => "queue", "result" => "dropped")
                .increment(1);
        }
    }
}

async fn run(targets: Targets, mut rx: mpsc::Receiver<Alert>) {
    let client = http_client(ClientOptions::default());
    let mut firing: BTreeMap<String, Alert> = BTreeMap::new();
    let mut resend = tokio::time::interval(targets.resend_interval.max(Duration::from_secs(1)));
    resend.tick().await;
    loop {
        tokio::select! {
            msg = rx.recv() => {
                let Some(alert) = msg else { break };
                let id = format!("{:?}", alert.key);
                if alert.state == State::Firing {
                    firing.insert(id, alert.clone());
                } else {
                    firing.remove(&id);
                }
                if let Some(am) = &targets.alertmanager {
                    post(&client, &targets, "alertmanager", &alertmanager_url(am), alertmanager_body(&[&alert])).await;
                }
                if let Some(hook) = &targets.webhook {
                    let body = serde_json::to_vec(&alert).unwrap_or_default();
                    post(&client, &targets, "webhook", hook, body).await;
                }
            }
            _ = resend.tick() => {
                if let (Some(am), false) = (&targets.alertmanager, firing.is_empty()) {
                    let all: Vec<&Alert> = firing.values().collect();
                    post(&client, &targets, "alertmanager", &alertmanager_url(am), alertmanager_body(&all)).await;
                }
            }
        }
    }
}

fn alertmanager_url(base: &str) -> String {
    format!("{}/api/v2/alerts", base.trim_end_matches('/'))
}

async fn post(
    client: &HttpClient,
    targets: &Targets,
    target: &'static str,
    url: &str,
    body: Vec<u8>,
) {
    let body = Bytes::from(body);
    let mut delay = Duration::from_secs(1);
    for attempt in 0..=targets.max_retries {
        let req = http::Request::post(url)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Full::new(body.clone()));
        let Ok(req) = req else {
            tracing::warn!(url, "baseline notification: invalid URL");
            break;
        };
        let outcome = tokio::time::timeout(targets.timeout, client.request(req)).await;
        let retryable = match outcome {
            Ok(Ok(resp)) if resp.status().is_success() => {
                metrics::counter!(NOTIFICATIONS_TOTAL, "target" => target, "result" => "sent")
                    .increment(1);
                return;
            }
            Ok(Ok(resp)) => {
                let s = resp.status().as_u16();
                tracing::warn!(url, status = s, attempt, "baseline notification refused");
                s == 429 || s >= 500
            }
            Ok(Err(e)) => {
                tracing::warn!(url, error = %e, attempt, "baseline notification failed");
                true
            }
            Err(_) => {
                tracing::warn!(url, attempt, "baseline notification timed out");
                true
            }
        };
        if !retryable || attempt == targets.max_retries {
            break;
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(30));
    }
    metrics::counter!(NOTIFICATIONS_TOTAL, "target" => target, "result" => "failed").increment(1);
}

/// Alertmanager's API v2 body: a list of postable alerts.
pub fn alertmanager_body(alerts: &[&Alert]) -> Vec<u8> {
    let list: Vec<serde_json::Value> = alerts
        .iter()
        .map(|a| {
            let mut labels = serde_json::Map::new();
            labels.insert("alertname".into(), json!("SpotterBaselineAnomaly"));
            labels.insert("severity".into(), json!("warning"));
            for (k, v) in [
                ("workflow", &a.key.workflow),
                ("signal", &a.key.signal),
                ("tool", &a.key.tool),
                ("class", &a.key.class),
                ("release", &a.key.release),
            ] {
                if !v.is_empty() {
                    labels.insert(k.into(), json!(v));
                }
            }
            let mut annotations = serde_json::Map::new();
            annotations.insert(
                "summary".into(),
                json!(format!(
                    "{} of {} is {:.4} against an expected {:.4} ({:+.0}%)",
                    a.key.signal,
                    a.key.workflow,
                    a.observed,
                    a.expected,
                    a.relative_effect * 100.0
                )),
            );
            for (k, v) in [
                ("expected", Some(a.expected)),
                ("observed", Some(a.observed)),
                ("relative_effect", Some(a.relative_effect)),
                ("absolute_effect", Some(a.absolute_effect)),
                ("p_value", a.p_value),
                ("e_value", a.e_value),
            ] {
                if let Some(v) = v {
                    annotations.insert(k.into(), json!(format!("{v}")));
                }
            }
            annotations.insert("window".into(), json!(a.window));
            let mut alert = json!({
                "labels": labels,
                "annotations": annotations,
                "startsAt": rfc3339(a.firing_since_unix_nano.max(a.pending_since_unix_nano)),
            });
            if a.state == State::Resolved {
                alert["endsAt"] = json!(rfc3339(a.resolved_at_unix_nano));
            }
            alert
        })
        .collect();
    serde_json::to_vec(&list).unwrap_or_default()
}

/// Unix nanoseconds as RFC 3339 UTC (`2026-12-07T04:12:24.000Z`).
pub fn rfc3339(unix_nano: u64) -> String {
    let secs = unix_nano / 1_000_000_000;
    let millis = (unix_nano / 1_000_000) % 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_000_000_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(
            rfc3339(1_796_616_744_123_000_000),
            "2026-12-07T04:12:24.123Z"
        );
    }
}
