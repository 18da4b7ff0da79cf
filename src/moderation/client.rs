//! The live Moderation API client: `POST {base}/moderations`, batched, concurrent, retried
//! like the official SDKs, with an injectable sleeper so tests never wait.
//!
//! The API key lives in [`ApiKey`], whose `Debug`/`Display` print `<redacted>`; every error
//! message is built without it and scrubbed of it (and of `sk-…` strings the server may echo)
//! before it leaves this module.

use super::scores::{ModerationResponse, Score};
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// The official SDKs' default base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// The default moderation model.
pub const DEFAULT_MODEL: &str = "omni-moderation-latest";
/// Most texts in one request.
pub const MAX_BATCH_ITEMS: usize = 32;
/// Most bytes of text in one request (a single longer text is sent alone).
pub const MAX_BATCH_BYTES: usize = 64 * 1024;

/// A secret API key. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into())
    }

    fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

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
    /// `--offline`: every request attempt fails before a socket is opened.
    pub offline: bool,
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
            offline: false,
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
        if let Some(base) = base_url.map(|b| b.trim().to_string()) {
            if !base.is_empty() {
                if !(base.starts_with("http://") || base.starts_with("https://")) {
                    return Err(ClientError::InvalidBaseUrl(base));
                }
                c.base_url = base.trim_end_matches('/').to_string();
            }
        }
        Ok(c)
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
        }
    }
}

impl std::error::Error for ClientError {}

/// Waits between retries. Tests inject one that records instead of sleeping.
pub trait Sleeper: Send + Sync {
    fn sleep(&self, d: Duration);
}

/// Sleeps the calling thread.
#[derive(Debug, Default)]
pub struct ThreadSleeper;

impl Sleeper for ThreadSleeper {
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// Reported after each completed batch, from the worker thread that completed it.
#[derive(Debug)]
pub struct BatchDone<'a> {
    /// Index (into the `texts` given to [`ModerationClient::score`]) of `scores[0]`.
    pub first: usize,
    pub scores: &'a [Score],
    /// Texts scored so far, of `total`.
    pub done: usize,
    pub total: usize,
}

/// The client. Building it opens no socket.
pub struct ModerationClient {
    config: ClientConfig,
    http: Option<reqwest::blocking::Client>,
    sleeper: Arc<dyn Sleeper>,
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
        let http = if config.offline {
            None
        } else {
            let mut b = reqwest::blocking::Client::builder()
                .timeout(config.timeout)
                .connect_timeout(config.connect_timeout)
                .user_agent(concat!("ftlint/", env!("CARGO_PKG_VERSION")));
            if is_loopback(&config.base_url) {
                // A local server must never be reached through a proxy from the environment.
                b = b.no_proxy();
            }
            Some(
                b.build()
                    .map_err(|e| ClientError::Setup(scrub(&e.to_string(), &config.api_key)))?,
            )
        };
        Ok(ModerationClient {
            config,
            http,
            sleeper: Arc::new(ThreadSleeper),
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
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let results: Mutex<Vec<Option<Vec<Score>>>> = Mutex::new(vec![None; batches.len()]);
        let first_error: Mutex<Option<(usize, ClientError)>> = Mutex::new(None);
        let workers = self.config.concurrency.clamp(1, batches.len());
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| loop {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(range) = batches.get(i) else { return };
                    match self.send_with_retries(http, &texts[range.clone()]) {
                        Ok(scores) => {
                            let n = done.fetch_add(scores.len(), Ordering::SeqCst) + scores.len();
                            on_batch(BatchDone {
                                first: range.start,
                                scores: &scores,
                                done: n,
                                total: texts.len(),
                            });
                            if let Ok(mut r) = results.lock() {
                                r[i] = Some(scores);
                            }
                        }
                        Err(e) => {
                            stop.store(true, Ordering::SeqCst);
                            if let Ok(mut fe) = first_error.lock() {
                                // Keep the error of the earliest batch: deterministic output.
                                if fe.as_ref().is_none_or(|(j, _)| i < *j) {
                                    *fe = Some((i, e));
                                }
                            }
                            return;
                        }
                    }
                });
            }
        });
        if let Some((_, e)) = first_error.into_inner().ok().flatten() {
            return Err(e);
        }
        let results = results
            .into_inner()
            .map_err(|_| ClientError::Malformed("a worker failed".into()))?;
        let mut out = Vec::with_capacity(texts.len());
        for r in results {
            out.extend(r.ok_or_else(|| ClientError::Malformed("a batch was lost".into()))?);
        }
        Ok(out)
    }

    fn send_with_retries(
        &self,
        http: &reqwest::blocking::Client,
        batch: &[&str],
    ) -> Result<Vec<Score>, ClientError> {
        let key = &self.config.api_key;
        let body = serde_json::json!({ "model": self.config.model, "input": batch });
        let mut retries_done = 0u32;
        loop {
            let attempt = http
                .post(self.config.endpoint())
                .bearer_auth(key.expose())
                .json(&body)
                .send();
            // Every arm that does not return is a retryable failure.
            let (hint, last) = match attempt {
                Err(e) => (RetryHint::default(), describe_transport(&e)),
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let hint = RetryHint::from_headers(resp.headers(), SystemTime::now());
                    let text = resp.text();
                    match (status, text) {
                        (200..=299, Ok(text)) => return parse_batch(&text, batch.len(), key),
                        (200..=299, Err(e)) => (hint, describe_transport(&e)),
                        (_, text) => {
                            let message = server_message(&text.unwrap_or_default(), key);
                            let retry = hint.should_retry.unwrap_or(is_retryable_status(status));
                            if !retry {
                                return Err(match status {
                                    400 => ClientError::BadRequest(message),
                                    401 => ClientError::Unauthorized(message),
                                    403 => ClientError::Forbidden(message),
                                    _ => ClientError::Status { status, message },
                                });
                            }
                            (hint, format!("HTTP {status}: {message}"))
                        }
                    }
                }
            };
            if retries_done >= self.config.max_retries {
                return Err(ClientError::GaveUp {
                    tries: retries_done + 1,
                    last: scrub(&last, key),
                });
            }
            let delay = retry_delay(&hint, retries_done, jitter_unit());
            self.sleeper.sleep(delay);
            retries_done += 1;
        }
    }
}

/// What a failed response said about retrying.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetryHint {
    /// From `retry-after-ms`, else `retry-after` (seconds or an HTTP date).
    pub retry_after: Option<Duration>,
    /// `x-should-retry: true|false`, which overrides the status-based decision.
    pub should_retry: Option<bool>,
}

impl RetryHint {
    /// Reads the hint headers; `now` resolves an HTTP-date `retry-after`.
    pub fn from_headers(headers: &reqwest::header::HeaderMap, now: SystemTime) -> RetryHint {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let secs = |s: f64| (s.is_finite() && s >= 0.0).then(|| Duration::from_secs_f64(s));
        let retry_after = get("retry-after-ms")
            .and_then(|v| v.parse::<f64>().ok())
            .and_then(|ms| secs(ms / 1000.0))
            .or_else(|| {
                let v = get("retry-after")?;
                match v.parse::<f64>() {
                    Ok(s) => secs(s),
                    Err(_) => httpdate::parse_http_date(v)
                        .ok()
                        .map(|t| t.duration_since(now).unwrap_or(Duration::ZERO)),
                }
            });
        let should_retry = match get("x-should-retry") {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        };
        RetryHint {
            retry_after,
            should_retry,
        }
    }
}

/// The SDKs' rule: a server-given delay in (0, 60] s is honoured as is; otherwise
/// 0.5 s × 2^retries, capped at 8 s, times a jitter factor in (0.75, 1] (`unit` in [0, 1)).
pub fn retry_delay(hint: &RetryHint, retries_done: u32, unit: f64) -> Duration {
    if let Some(d) = hint.retry_after {
        if d > Duration::ZERO && d <= Duration::from_secs(60) {
            return d;
        }
    }
    let base = (0.5 * 2f64.powi(retries_done.min(30) as i32)).min(8.0);
    let jitter = 1.0 - 0.25 * unit.clamp(0.0, 1.0);
    Duration::from_secs_f64(base * jitter)
}

/// Statuses the SDKs retry: 408, 409, 429 and every 5xx.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 429) || status >= 500
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
        .map_err(|e| ClientError::Malformed(scrub(&e.to_string(), key)))?;
    if r.results.len() != expected {
        return Err(ClientError::Malformed(format!(
            "{} results for {expected} texts",
            r.results.len()
        )));
    }
    Ok(r.results)
}

/// The `error.message` of an OpenAI error body, else a short excerpt of the body; scrubbed.
fn server_message(body: &str, key: &ApiKey) -> String {
    let msg = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("error")
                .and_then(|e| e.get("message"))
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| {
            body.chars()
                .take(200)
                .collect::<String>()
                .trim()
                .to_string()
        });
    let msg = if msg.is_empty() {
        "no details".to_string()
    } else {
        msg
    };
    scrub(&msg, key)
}

fn describe_transport(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    // reqwest's Display names the URL, never headers; std::error::Error::source adds the cause.
    let mut s = format!("{kind}: {e}");
    let mut src = std::error::Error::source(e);
    while let Some(cause) = src {
        s.push_str(&format!(": {cause}"));
        src = cause.source();
    }
    s
}

/// Removes the key, and any `sk-…` token (the API echoes a masked key in its 401 message).
fn scrub(s: &str, key: &ApiKey) -> String {
    let mut out = if key.expose().is_empty() {
        s.to_string()
    } else {
        s.replace(key.expose(), "<redacted>")
    };
    let mut from = 0;
    while let Some(pos) = out[from..].find("sk-") {
        let at = from + pos;
        let end = out[at..]
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '*')))
            .map_or(out.len(), |(i, _)| at + i);
        out.replace_range(at..end, "sk-<redacted>");
        from = at + "sk-<redacted>".len();
    }
    out
}

fn is_loopback(base: &str) -> bool {
    let rest = base
        .strip_prefix("http://")
        .or_else(|| base.strip_prefix("https://"))
        .unwrap_or(base);
    let host = rest.split('/').next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]")
}

/// A number in [0, 1) for jitter: a small xorshift seeded from the clock. Quality does not
/// matter; spreading retries of concurrent workers does.
fn jitter_unit() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        x = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15)
            | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

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
    fn retry_delays_follow_the_sdk() {
        let none = RetryHint::default();
        assert_eq!(retry_delay(&none, 0, 0.0), Duration::from_millis(500));
        assert_eq!(retry_delay(&none, 1, 0.0), Duration::from_secs(1));
        assert_eq!(retry_delay(&none, 4, 0.0), Duration::from_secs(8));
        assert_eq!(retry_delay(&none, 9, 0.0), Duration::from_secs(8));
        assert_eq!(
            retry_delay(&none, 0, 0.999_999),
            Duration::from_secs_f64(0.5 * (1.0 - 0.25 * 0.999_999))
        );
        let hint = |d| RetryHint {
            retry_after: Some(d),
            should_retry: None,
        };
        assert_eq!(
            retry_delay(&hint(Duration::from_millis(20)), 3, 0.5),
            Duration::from_millis(20)
        );
        // Out of (0, 60]: ignored, backoff instead.
        assert_eq!(
            retry_delay(&hint(Duration::from_secs(61)), 0, 0.0),
            Duration::from_millis(500)
        );
        assert_eq!(
            retry_delay(&hint(Duration::ZERO), 0, 0.0),
            Duration::from_millis(500)
        );
    }

    #[test]
    fn retry_headers() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("2"));
        h.insert("retry-after-ms", HeaderValue::from_static("150.5"));
        let r = RetryHint::from_headers(&h, now);
        assert_eq!(r.retry_after, Some(Duration::from_micros(150_500)));
        h.remove("retry-after-ms");
        assert_eq!(
            RetryHint::from_headers(&h, now).retry_after,
            Some(Duration::from_secs(2))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(7));
        h.insert("retry-after", HeaderValue::from_str(&date).unwrap());
        assert_eq!(
            RetryHint::from_headers(&h, now).retry_after,
            Some(Duration::from_secs(7))
        );
        h.insert("retry-after", HeaderValue::from_static("soon"));
        h.insert("x-should-retry", HeaderValue::from_static("false"));
        let r = RetryHint::from_headers(&h, now);
        assert_eq!(r.retry_after, None);
        assert_eq!(r.should_retry, Some(false));
    }

    #[test]
    fn statuses() {
        for s in [408, 409, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(s), "{s}");
        }
        for s in [400, 401, 403, 404, 422] {
            assert!(!is_retryable_status(s), "{s}");
        }
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

    #[test]
    fn scrub_removes_keys_and_echoed_tokens() {
        let key = ApiKey::new("sk-proj-SENTINEL123");
        let s = scrub(
            "Incorrect API key provided: sk-proj-****L123. key=sk-proj-SENTINEL123 end",
            &key,
        );
        assert!(!s.contains("SENTINEL"), "{s}");
        assert!(!s.contains("L123"), "{s}");
        assert!(s.ends_with("end"), "{s}");
        let odd = ApiKey::new("plainsecret");
        assert_eq!(scrub("a plainsecret b", &odd), "a <redacted> b");
    }

    #[test]
    fn loopback_detection() {
        assert!(is_loopback("http://127.0.0.1:8080/v1"));
        assert!(is_loopback("http://localhost:1/v1"));
        assert!(is_loopback("http://[::1]:1"));
        assert!(!is_loopback("https://api.openai.com/v1"));
    }

    #[test]
    fn jitter_in_range() {
        for _ in 0..1000 {
            let u = jitter_unit();
            assert!((0.0..1.0).contains(&u));
        }
    }
}
