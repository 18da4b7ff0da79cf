//! The live Moderation API client: `POST {base}/moderations`, batched, concurrent, retried
//! like the official SDKs, with an injectable sleeper so tests never wait. The retry loop, the
//! capped body, the worker pool and the key's redaction are shared with the Azure AI Content
//! Safety client (`transport.rs`).
//!
//! The API key lives in [`ApiKey`], whose `Debug`/`Display` print `<redacted>`; every error
//! message is built without it and scrubbed of it (and of `sk-…` strings the server may echo)
//! before it leaves this module.

use super::scores::{ModerationResponse, Score};
use super::transport::{self, Failure, Jitter, RetryBudget, RetryPolicy};
pub use super::transport::{
    is_retryable_status, retry_delay, ApiKey, BatchDone, RetryHint, Scorer, Sleeper, ThreadSleeper,
};
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The official SDKs' default base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// The default moderation model.
pub const DEFAULT_MODEL: &str = "omni-moderation-latest";
/// Most texts in one request.
pub const MAX_BATCH_ITEMS: usize = 32;
/// Most bytes of text in one request (a single longer text is sent alone).
pub const MAX_BATCH_BYTES: usize = 64 * 1024;
/// The largest answer read: a result is about 1 KiB, so 32 of them are far below this.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Everything the client needs. `Debug` is safe to print (the key is redacted).
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL without the trailing slash, e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    pub api_key: ApiKey,
    pub model: String,
    /// Requests in flight at once (at least 1).
    pub concurrency: usize,
    pub max_batch_items: usize,
    pub max_batch_bytes: usize,
    /// Retries after the first try (the SDKs' default is 2; bulk scoring meets more 429s).
    pub max_retries: u32,
    /// Whole-request timeout.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// The largest response body read; a larger answer is refused as malformed.
    pub max_body_bytes: usize,
    /// `--offline`: every request attempt fails before a socket is opened.
    pub offline: bool,
    /// Fixes the retry waits' jitter (tests); `None`: seeded from the clock and the process id.
    pub jitter_seed: Option<u64>,
}

impl ClientConfig {
    /// Defaults for a key: the default base URL and model, 4 requests at once, 5 retries.
    pub fn new(api_key: ApiKey) -> ClientConfig {
        ClientConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            api_key,
            model: DEFAULT_MODEL.to_string(),
            concurrency: 4,
            max_batch_items: MAX_BATCH_ITEMS,
            max_batch_bytes: MAX_BATCH_BYTES,
            max_retries: 5,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_body_bytes: MAX_BODY_BYTES,
            offline: false,
            jitter_seed: None,
        }
    }

    /// Reads `OPENAI_API_KEY` (required) and `OPENAI_BASE_URL` (optional) from the environment.
    pub fn from_env() -> Result<ClientConfig, ClientError> {
        Self::from_vars(
            std::env::var("OPENAI_API_KEY").ok(),
            std::env::var("OPENAI_BASE_URL").ok(),
        )
    }

    /// [`ClientConfig::from_env`] with the values given (for tests and for config files).
    /// An empty base URL means the default, as in the SDKs; a trailing slash is dropped.
    pub fn from_vars(
        api_key: Option<String>,
        base_url: Option<String>,
    ) -> Result<ClientConfig, ClientError> {
        let key = api_key
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .ok_or(ClientError::NoApiKey)?;
        let mut c = ClientConfig::new(ApiKey::new(key));
        if let Some(base) = base_url.as_deref().map(str::trim) {
            if !base.is_empty() {
                c.base_url = base.trim_end_matches('/').to_string();
            }
        }
        c.validate().map_err(|e| match (e, base_url) {
            // Say what the variable holds, not its trimmed form.
            (ClientError::InvalidBaseUrl(_), Some(given)) => {
                ClientError::InvalidBaseUrl(given.trim().to_string())
            }
            (e, _) => e,
        })?;
        Ok(c)
    }

    /// What no retry can fix, found before a request is sent: a base URL that is not an
    /// http(s) URL, a key that cannot be sent as a header value (a stray newline, a quote
    /// character from a copy). Neither message shows the key.
    pub fn validate(&self) -> Result<(), ClientError> {
        let url_ok = (self.base_url.starts_with("http://")
            || self.base_url.starts_with("https://"))
            && reqwest::Url::parse(&self.endpoint()).is_ok_and(|u| u.host().is_some());
        if !url_ok {
            return Err(ClientError::InvalidBaseUrl(self.base_url.clone()));
        }
        transport::check_header_value(&format!("Bearer {}", self.api_key.expose()))
            .map_err(ClientError::InvalidKey)
    }

    fn endpoint(&self) -> String {
        format!("{}/moderations", self.base_url.trim_end_matches('/'))
    }
}

/// What went wrong talking to the API. Messages never contain the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    NoApiKey,
    Offline,
    InvalidBaseUrl(String),
    /// The key cannot be sent as a header value: why (never the key).
    InvalidKey(String),
    /// 400: the server's reason.
    BadRequest(String),
    /// 401.
    Unauthorized(String),
    /// 403.
    Forbidden(String),
    /// Another status that is not retried (404, 422, …).
    Status {
        status: u16,
        message: String,
    },
    /// Retryable failures until the tries ran out; the last one's description.
    GaveUp {
        tries: u32,
        last: String,
    },
    /// A 200 whose body is not a moderation response for the batch sent.
    Malformed(String),
    /// The HTTP client could not be built.
    Setup(String),
    /// Azure AI Content Safety's own wording (its variables and statuses): `azure.rs`.
    Azure(super::azure::AzureError),
}

impl From<super::azure::AzureError> for ClientError {
    fn from(e: super::azure::AzureError) -> Self {
        ClientError::Azure(e)
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::NoApiKey => f.write_str(
                "`OPENAI_API_KEY` is not set: `--moderation api` needs it (or use `--moderation cache` with `--scores FILE`)",
            ),
            ClientError::Offline => f.write_str(
                "`--offline` forbids network access, but moderation scores were requested from the API",
            ),
            ClientError::InvalidBaseUrl(u) => {
                write!(f, "`OPENAI_BASE_URL` is `{u}`; expected an http:// or https:// URL")
            }
            ClientError::InvalidKey(why) => write!(
                f,
                "`OPENAI_API_KEY` cannot be sent as a header: it {why}; check it for a stray newline or quote"
            ),
            ClientError::BadRequest(m) => write!(f, "the moderation API rejected the request (400): {m}"),
            ClientError::Unauthorized(m) => {
                write!(f, "the moderation API refused the key (401): check OPENAI_API_KEY ({m})")
            }
            ClientError::Forbidden(m) => write!(
                f,
                "the moderation API denied access (403): check the key's project and model access ({m})"
            ),
            ClientError::Status { status, message } => {
                write!(f, "the moderation API answered {status}: {message}")
            }
            ClientError::GaveUp { tries, last } => {
                write!(f, "the moderation API failed {tries} times; giving up (last: {last})")
            }
            ClientError::Malformed(m) => write!(f, "the moderation API sent an unexpected answer: {m}"),
            ClientError::Setup(m) => write!(f, "cannot set up the HTTP client: {m}"),
            ClientError::Azure(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ClientError {}

/// The client. Building it opens no socket.
pub struct ModerationClient {
    config: ClientConfig,
    http: Option<reqwest::blocking::Client>,
    sleeper: Arc<dyn Sleeper>,
    jitter: Jitter,
}

impl fmt::Debug for ModerationClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModerationClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl ModerationClient {
    /// A client for `config`. With `offline`, no HTTP client is even built.
    pub fn new(config: ClientConfig) -> Result<ModerationClient, ClientError> {
        config.validate()?;
        let http = if config.offline {
            None
        } else {
            Some(transport::http_client(
                &config.base_url,
                config.timeout,
                config.connect_timeout,
                &config.api_key,
            )?)
        };
        let jitter = Jitter::new(config.jitter_seed);
        Ok(ModerationClient {
            config,
            http,
            sleeper: Arc::new(ThreadSleeper),
            jitter,
        })
    }

    /// Replaces the sleeper (tests).
    pub fn with_sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> ModerationClient {
        self.sleeper = sleeper;
        self
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Scores `texts`, returning one score per text in the same order. Batches run
    /// `concurrency` at a time; `on_batch` hears of each as it completes (write the cache
    /// there, so a killed run keeps what it finished). The first fatal error stops the run.
    pub fn score(
        &self,
        texts: &[&str],
        on_batch: &(dyn Fn(BatchDone<'_>) + Sync),
    ) -> Result<Vec<Score>, ClientError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let http = match (&self.http, self.config.offline) {
            (Some(h), false) => h,
            _ => return Err(ClientError::Offline),
        };
        let batches = plan_batches(
            texts,
            self.config.max_batch_items,
            self.config.max_batch_bytes,
        );
        let done = AtomicUsize::new(0);
        let budget = RetryBudget::new();
        let results = transport::run_jobs(
            batches.len(),
            self.config.concurrency,
            &|i| self.send_with_retries(http, &texts[batches[i].clone()], &budget),
            &|i, scores: &Vec<Score>| {
                let n = done.fetch_add(scores.len(), Ordering::SeqCst) + scores.len();
                on_batch(BatchDone {
                    first: batches[i].start,
                    scores,
                    done: n,
                    total: texts.len(),
                });
            },
        )?;
        Ok(results.into_iter().flatten().collect())
    }

    fn send_with_retries(
        &self,
        http: &reqwest::blocking::Client,
        batch: &[&str],
        budget: &RetryBudget,
    ) -> Result<Vec<Score>, ClientError> {
        let key = &self.config.api_key;
        let body = serde_json::json!({ "model": self.config.model, "input": batch });
        let policy = RetryPolicy {
            max_retries: self.config.max_retries,
            max_body_bytes: self.config.max_body_bytes,
            sleeper: &*self.sleeper,
            jitter: &self.jitter,
            budget,
            key,
        };
        let send = || {
            http.post(self.config.endpoint())
                .bearer_auth(key.expose())
                .json(&body)
                .send()
        };
        match transport::send_with_retries(&policy, &send) {
            Ok(text) => parse_batch(&text, batch.len(), key),
            Err(Failure::Status { status, message }) => Err(match status {
                400 => ClientError::BadRequest(message),
                401 => ClientError::Unauthorized(message),
                403 => ClientError::Forbidden(message),
                _ => ClientError::Status { status, message },
            }),
            Err(Failure::GaveUp { tries, last }) => Err(ClientError::GaveUp { tries, last }),
            Err(Failure::TooLarge { limit }) => Err(ClientError::Malformed(format!(
                "the answer is larger than {limit} bytes"
            ))),
            Err(Failure::ErrorTooLarge { status, limit }) => Err(ClientError::Status {
                status,
                message: format!(
                    "an error answer larger than {limit} bytes (not read further, not retried)"
                ),
            }),
            Err(Failure::Invalid(m)) => Err(ClientError::Setup(m)),
        }
    }
}

impl Scorer for ModerationClient {
    fn score(
        &self,
        texts: &[&str],
        on_batch: &(dyn Fn(BatchDone<'_>) + Sync),
    ) -> Result<Vec<Score>, ClientError> {
        ModerationClient::score(self, texts, on_batch)
    }
}

/// Splits texts into consecutive batches of at most `max_items` texts and `max_bytes` bytes
/// (a text longer than `max_bytes` goes alone).
pub fn plan_batches(texts: &[&str], max_items: usize, max_bytes: usize) -> Vec<Range<usize>> {
    let max_items = max_items.max(1);
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, t) in texts.iter().enumerate() {
        let full = i - start >= max_items || (i > start && bytes + t.len() > max_bytes);
        if full {
            out.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += t.len();
    }
    if start < texts.len() {
        out.push(start..texts.len());
    }
    out
}

fn parse_batch(text: &str, expected: usize, key: &ApiKey) -> Result<Vec<Score>, ClientError> {
    let r = ModerationResponse::parse(text)
        .map_err(|e| ClientError::Malformed(transport::scrub(&e.to_string(), key)))?;
    if r.results.len() != expected {
        return Err(ClientError::Malformed(format!(
            "{} results for {expected} texts",
            r.results.len()
        )));
    }
    Ok(r.results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_respect_items_and_bytes() {
        let texts: Vec<String> = (0..70).map(|i| "x".repeat(i % 5 + 1)).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let b = plan_batches(&refs, 32, 1 << 20);
        assert_eq!(b, vec![0..32, 32..64, 64..70]);
        let b = plan_batches(&["aaaa", "bb", "cc", "dddddddd", "e"], 32, 5);
        assert_eq!(b, vec![0..1, 1..3, 3..4, 4..5]);
        assert!(plan_batches(&[], 32, 10).is_empty());
    }

    #[test]
    fn config_from_vars() {
        assert_eq!(
            ClientConfig::from_vars(None, None).unwrap_err(),
            ClientError::NoApiKey
        );
        assert_eq!(
            ClientConfig::from_vars(Some("  ".into()), None).unwrap_err(),
            ClientError::NoApiKey
        );
        let c = ClientConfig::from_vars(Some("k".into()), None).unwrap();
        assert_eq!(c.endpoint(), "https://api.openai.com/v1/moderations");
        let c = ClientConfig::from_vars(Some("k".into()), Some("http://127.0.0.1:9/v1/".into()))
            .unwrap();
        assert_eq!(c.endpoint(), "http://127.0.0.1:9/v1/moderations");
        let c = ClientConfig::from_vars(Some("k".into()), Some(String::new())).unwrap();
        assert_eq!(c.base_url, DEFAULT_BASE_URL);
        assert!(ClientConfig::from_vars(Some("k".into()), Some("ftp://x".into())).is_err());
    }
}
