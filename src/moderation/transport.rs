//! What the live scoring clients share (OpenAI's `/moderations` in `client.rs`, Azure AI Content
//! Safety's `text:analyze` in `azure.rs`): the secret key, the HTTP client, one request retried
//! with a bounded budget honouring the server's `Retry-After`, a capped response body, the worker
//! pool that keeps `--concurrency` requests in flight, and the [`Scorer`] both clients are.
//!
//! Retries are spread and budgeted so that a busy but healthy server never makes a run give up
//! and a dead one is not hammered: each wait is jittered ([`Jitter`], seeded from the clock and
//! the process id, or fixed in tests), a server-given `Retry-After` included (up to a quarter
//! later, never earlier), so workers told to wait together do not come back together; a request
//! may retry [`RetryPolicy::max_retries`] times on its own, and more — up to
//! [`EXTRA_RETRY_FACTOR`] times as many — only with retries the run earned by its successes
//! ([`RetryBudget`]). A server that answers nothing but errors stops a request after
//! `max_retries` retries, as before; one that rejects a quarter of the requests at random, which
//! leaves one batch in 4,096 with six rejections in a row, no longer stops a large file's run.
//!
//! Bodies are capped on every path: a success at `max_body_bytes` (refused unread when its
//! declared length is larger), an error at [`MAX_ERROR_BODY_BYTES`] — all a message needs; an
//! error answer larger than that is not retried, since a retry would only download it again.
//! A request that cannot even be built (a key that is no valid header value, a malformed URL)
//! fails at once: nothing about it is transient.
//!
//! The key lives in [`ApiKey`], whose `Debug`/`Display` print `<redacted>`; every message built
//! here from a server's answer or a transport error is scrubbed of it ([`scrub`]).

use super::client::ClientError;
use super::scores::Score;
use reqwest::blocking::{Client, Response};
use std::fmt;
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// A secret API key. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into())
    }

    /// The key itself: only for the request header.
    pub(super) fn expose(&self) -> &str {
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

/// Waits between retries. Tests inject one that records instead of sleeping.
pub trait Sleeper: Send + Sync {
    fn sleep(&self, d: Duration);

    /// Hears of a retry before its wait: retry `retry` of at most `max_retries`, after `delay`,
    /// because of `why` (scrubbed of the key). The CLI says it at once and counts it.
    fn retrying(&self, _retry: u32, _max_retries: u32, _delay: Duration, _why: &str) {}
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
    /// Index (into the `texts` given to [`Scorer::score`]) of `scores[0]`.
    pub first: usize,
    pub scores: &'a [Score],
    /// Texts scored so far, of `total`.
    pub done: usize,
    pub total: usize,
}

/// A live scoring service: OpenAI's moderation endpoint or Azure AI Content Safety.
pub trait Scorer: Sync {
    /// Scores `texts`, one score per text in the same order; `on_batch` hears of each batch as
    /// it completes (write the cache there, so a killed run keeps what it finished). The first
    /// fatal error stops the run.
    fn score(
        &self,
        texts: &[&str],
        on_batch: &(dyn Fn(BatchDone<'_>) + Sync),
    ) -> Result<Vec<Score>, ClientError>;
}

/// The blocking HTTP client of a scoring client: whole-request and connect timeouts, ftlint's
/// user agent, and never a proxy for a loopback server.
pub fn http_client(
    base_url: &str,
    timeout: Duration,
    connect_timeout: Duration,
    key: &ApiKey,
) -> Result<Client, ClientError> {
    let mut b = Client::builder()
        .timeout(timeout)
        .connect_timeout(connect_timeout)
        .user_agent(concat!("ftlint/", env!("CARGO_PKG_VERSION")));
    if is_loopback(base_url) {
        // A local server must never be reached through a proxy from the environment.
        b = b.no_proxy();
    }
    b.build()
        .map_err(|e| ClientError::Setup(scrub(&e.to_string(), key)))
}

/// The most bytes of an error answer read: its message is all ftlint wants from it (OpenAI's
/// and Azure's error objects are a few hundred bytes).
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// A request that used its own [`RetryPolicy::max_retries`] may go on, with retries borrowed
/// from the run's [`RetryBudget`], up to this many times as many retries in all.
pub const EXTRA_RETRY_FACTOR: u32 = 4;

/// How one request is retried and read.
pub struct RetryPolicy<'a> {
    /// Retries after the first try that a request may always make.
    pub max_retries: u32,
    /// The largest response body read; a larger successful answer is refused.
    pub max_body_bytes: usize,
    pub sleeper: &'a dyn Sleeper,
    /// Spreads the waits.
    pub jitter: &'a Jitter,
    /// The run's earned retries, shared by its workers.
    pub budget: &'a RetryBudget,
    /// Scrubbed from every message.
    pub key: &'a ApiKey,
}

/// Why a request failed for good. Messages are scrubbed of the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A status that is not retried (or that `x-should-retry: false` stopped), with the server's
    /// message.
    Status { status: u16, message: String },
    /// Retryable failures until the tries ran out; the last one's description.
    GaveUp { tries: u32, last: String },
    /// A successful answer larger than the cap.
    TooLarge { limit: usize },
    /// An error status whose answer is larger than [`MAX_ERROR_BODY_BYTES`]: not retried.
    ErrorTooLarge { status: u16, limit: usize },
    /// The request could not be built (a header value or URL that is not valid): not retried.
    Invalid(String),
}

/// The retries a run earned: every success adds one (up to [`RetryBudget::CAPACITY`]), and a
/// request that already made its own `max_retries` retries takes one for each retry more. A
/// server that answers most requests keeps it full; one that answers none never fills it.
#[derive(Debug, Default)]
pub struct RetryBudget {
    earned: AtomicU32,
}

impl RetryBudget {
    /// The most retries saved up.
    pub const CAPACITY: u32 = 100;

    pub fn new() -> RetryBudget {
        RetryBudget::default()
    }

    /// A request succeeded.
    pub fn earn(&self) {
        let _ = self
            .earned
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < Self::CAPACITY).then_some(n + 1)
            });
    }

    /// Takes one earned retry, if there is one.
    pub fn take(&self) -> bool {
        self.earned
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    /// Retries saved up now.
    pub fn available(&self) -> u32 {
        self.earned.load(Ordering::SeqCst)
    }
}

/// Sends the request `send` builds until it succeeds, returning the successful body. Retries
/// connection errors, timeouts and the statuses of [`is_retryable_status`] (unless the server
/// says `x-should-retry: false`; `x-should-retry: true` retries any status), waiting as
/// [`retry_delay`] says: `policy.max_retries` times, then — while the run's [`RetryBudget`] has
/// retries to lend — up to [`EXTRA_RETRY_FACTOR`] × `max_retries` times in all.
pub fn send_with_retries(
    policy: &RetryPolicy<'_>,
    send: &dyn Fn() -> reqwest::Result<Response>,
) -> Result<String, Failure> {
    let key = policy.key;
    let mut retries_done = 0u32;
    loop {
        // Every arm that does not return is a retryable failure.
        let (hint, last) = match send() {
            // Nothing was sent: an invalid header value (the key) or URL. Retrying cannot help.
            Err(e) if e.is_builder() => {
                return Err(Failure::Invalid(scrub(&describe_transport(&e), key)))
            }
            Err(e) => (RetryHint::default(), describe_transport(&e)),
            Ok(resp) => {
                let status = resp.status().as_u16();
                let hint = RetryHint::from_headers(resp.headers(), SystemTime::now());
                let success = (200..=299).contains(&status);
                let cap = if success {
                    policy.max_body_bytes
                } else {
                    MAX_ERROR_BODY_BYTES.min(policy.max_body_bytes)
                };
                // A declared length over the cap is refused before a byte of the body is read.
                let body = match resp.content_length() {
                    Some(n) if n > cap as u64 => Ok(Body::Cut),
                    _ => read_capped(resp, cap),
                };
                match (success, body) {
                    (true, Ok(Body::Whole(text))) => {
                        policy.budget.earn();
                        return Ok(text);
                    }
                    (true, Ok(Body::Cut)) => return Err(Failure::TooLarge { limit: cap }),
                    (false, Ok(Body::Cut)) => {
                        return Err(Failure::ErrorTooLarge { status, limit: cap })
                    }
                    (true, Err(e)) => (hint, e),
                    (false, body) => {
                        // An error answer cut short still has its status to decide by.
                        let text = match body {
                            Ok(Body::Whole(t)) => t,
                            _ => String::new(),
                        };
                        let message = server_message(&text, key);
                        if !hint.should_retry.unwrap_or(is_retryable_status(status)) {
                            return Err(Failure::Status { status, message });
                        }
                        (hint, format!("HTTP {status}: {message}"))
                    }
                }
            }
        };
        let may_retry = retries_done < policy.max_retries
            || (retries_done < policy.max_retries.saturating_mul(EXTRA_RETRY_FACTOR)
                && policy.budget.take());
        if !may_retry {
            return Err(Failure::GaveUp {
                tries: retries_done + 1,
                last: scrub(&last, key),
            });
        }
        let delay = retry_delay(&hint, retries_done, policy.jitter.unit());
        policy.sleeper.retrying(
            retries_done + 1,
            policy.max_retries,
            delay,
            &scrub(&last, key),
        );
        policy.sleeper.sleep(delay);
        retries_done += 1;
    }
}

/// A body read up to its cap.
enum Body {
    Whole(String),
    /// A body longer than the cap (the part read is dropped).
    Cut,
}

/// Reads at most `cap` bytes of the body (and one more, to know it is longer): a hostile or
/// broken server cannot make ftlint hold an unbounded answer in memory. A failure while reading
/// (a timeout, a dropped connection) is described as a transport error is.
fn read_capped(resp: Response, cap: usize) -> Result<Body, String> {
    let mut buf = Vec::new();
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    if let Err(e) = resp.take(limit).read_to_end(&mut buf) {
        // reqwest's blocking reader wraps its own errors (timeouts…) in io::Error.
        return Err(
            match e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
            {
                Some(re) => describe_transport(re),
                None => format!("reading the answer failed: {e}"),
            },
        );
    }
    if buf.len() > cap {
        return Ok(Body::Cut);
    }
    Ok(Body::Whole(String::from_utf8_lossy(&buf).into_owned()))
}

/// Runs jobs `0..jobs` on up to `workers` threads, a worker taking the next job as it finishes
/// one; `done(i, &result)` hears of each success from its worker. The first error stops the
/// run (jobs already started finish); the error returned is that of the earliest failing job, so
/// the same failures give the same message whatever the timing.
pub fn run_jobs<T: Send>(
    jobs: usize,
    workers: usize,
    run: &(dyn Fn(usize) -> Result<T, ClientError> + Sync),
    done: &(dyn Fn(usize, &T) + Sync),
) -> Result<Vec<T>, ClientError> {
    if jobs == 0 {
        return Ok(Vec::new());
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..jobs).map(|_| None).collect());
    let first_error: Mutex<Option<(usize, ClientError)>> = Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..workers.clamp(1, jobs) {
            s.spawn(|| loop {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= jobs {
                    return;
                }
                match run(i) {
                    Ok(t) => {
                        done(i, &t);
                        if let Ok(mut r) = results.lock() {
                            r[i] = Some(t);
                        }
                    }
                    Err(e) => {
                        stop.store(true, Ordering::SeqCst);
                        if let Ok(mut fe) = first_error.lock() {
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
    results
        .into_inner()
        .map_err(|_| ClientError::Malformed("a worker failed".into()))?
        .into_iter()
        .map(|r| r.ok_or_else(|| ClientError::Malformed("a batch was lost".into())))
        .collect()
}

/// What a failed response said about retrying.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetryHint {
    /// From `retry-after-ms` (OpenAI's SDKs), else `x-ms-retry-after-ms` (Azure's SDKs), else
    /// `retry-after` (seconds or an HTTP date).
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
        let millis = |name: &str| {
            get(name)
                .and_then(|v| v.parse::<f64>().ok())
                .and_then(|ms| secs(ms / 1000.0))
        };
        let retry_after = millis("retry-after-ms")
            .or_else(|| millis("x-ms-retry-after-ms"))
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

/// How long to wait before a retry, `unit` in [0, 1) drawn from a [`Jitter`]. A server-given
/// delay in (0, 60] s is honoured and spread up to a quarter later (never earlier: workers told
/// to wait together must not come back together); otherwise 0.5 s × 2^retries, capped at 8 s,
/// times a factor in (0.5, 1] ("equal jitter").
pub fn retry_delay(hint: &RetryHint, retries_done: u32, unit: f64) -> Duration {
    let unit = unit.clamp(0.0, 1.0);
    if let Some(d) = hint.retry_after {
        if d > Duration::ZERO && d <= Duration::from_secs(60) {
            return d.mul_f64(1.0 + 0.25 * unit);
        }
    }
    let base = (0.5 * 2f64.powi(retries_done.min(30) as i32)).min(8.0);
    Duration::from_secs_f64(base * (1.0 - 0.5 * unit))
}

/// Whether `v` can be sent as an HTTP header value; if not, why (never the value itself).
pub fn check_header_value(v: &str) -> Result<(), String> {
    if reqwest::header::HeaderValue::from_str(v).is_ok() {
        return Ok(());
    }
    Err(match v.chars().find(|c| c.is_control()) {
        Some('\n' | '\r') => "holds a line break".to_string(),
        Some(c) => format!("holds the control character U+{:04X}", c as u32),
        None => "holds a character a header cannot carry".to_string(),
    })
}

/// Statuses the SDKs retry: 408, 409, 429 and every 5xx.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 429) || status >= 500
}

/// The `error.message` of an error body (OpenAI's and Azure's share the shape), else a short
/// excerpt of the body; scrubbed.
pub fn server_message(body: &str, key: &ApiKey) -> String {
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

/// Removes the key, and any `sk-…` token (OpenAI echoes a masked key in its 401 message).
pub fn scrub(s: &str, key: &ApiKey) -> String {
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

/// Whether a base URL names this machine (no proxy for it).
pub fn is_loopback(base: &str) -> bool {
    let rest = base
        .strip_prefix("http://")
        .or_else(|| base.strip_prefix("https://"))
        .unwrap_or(base);
    let host = rest.split('/').next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]")
}

/// Random numbers for jitter: xorshift64*, seeded from the clock and the process id, or from a
/// fixed seed (tests). Quality does not matter; that concurrent workers, and concurrent
/// processes, wait for different times does. Each draw is one atomic step, so two workers never
/// read the same state.
#[derive(Debug)]
pub struct Jitter(AtomicU64);

impl Jitter {
    /// A generator whose draws are fixed by `seed`.
    pub fn seeded(seed: u64) -> Jitter {
        // xorshift must not start at 0; mix the seed so nearby seeds differ at once.
        Jitter(AtomicU64::new(
            seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03 | 1,
        ))
    }

    /// A generator seeded from the clock and the process id: different in each run and process.
    pub fn from_entropy() -> Jitter {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Jitter::seeded(nanos ^ (u64::from(std::process::id()) << 32))
    }

    /// A generator with `seed`, or from the clock and the process id.
    pub fn new(seed: Option<u64>) -> Jitter {
        seed.map_or_else(Jitter::from_entropy, Jitter::seeded)
    }

    /// The next number in [0, 1).
    pub fn unit(&self) -> f64 {
        let step = |mut x: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let prev = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |x| Some(step(x)))
            .unwrap_or(1);
        let x = step(prev).wrapping_mul(0x2545_F491_4F6C_DD1D);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn retry_delays_back_off_with_equal_jitter() {
        let none = RetryHint::default();
        assert_eq!(retry_delay(&none, 0, 0.0), Duration::from_millis(500));
        assert_eq!(retry_delay(&none, 1, 0.0), Duration::from_secs(1));
        assert_eq!(retry_delay(&none, 4, 0.0), Duration::from_secs(8));
        assert_eq!(retry_delay(&none, 9, 0.0), Duration::from_secs(8));
        // Up to half of the backoff is random.
        assert_eq!(retry_delay(&none, 0, 0.5), Duration::from_millis(375));
        assert_eq!(retry_delay(&none, 4, 0.5), Duration::from_secs(6));
        assert!(retry_delay(&none, 0, 0.999_999) > Duration::from_millis(250));
        let hint = |d| RetryHint {
            retry_after: Some(d),
            should_retry: None,
        };
        // The server's delay, never shorter, up to a quarter longer.
        assert_eq!(
            retry_delay(&hint(Duration::from_millis(20)), 3, 0.0),
            Duration::from_millis(20)
        );
        assert_eq!(
            retry_delay(&hint(Duration::from_millis(20)), 3, 0.5),
            Duration::from_micros(22_500)
        );
        assert!(retry_delay(&hint(Duration::from_secs(1)), 0, 0.999) < Duration::from_millis(1250));
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
        h.insert("x-ms-retry-after-ms", HeaderValue::from_static("700"));
        h.insert("retry-after-ms", HeaderValue::from_static("150.5"));
        let r = RetryHint::from_headers(&h, now);
        assert_eq!(r.retry_after, Some(Duration::from_micros(150_500)));
        h.remove("retry-after-ms");
        assert_eq!(
            RetryHint::from_headers(&h, now).retry_after,
            Some(Duration::from_millis(700))
        );
        h.remove("x-ms-retry-after-ms");
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
    fn jitter_is_in_range_seedable_and_spread() {
        let a = Jitter::seeded(7);
        let draws: Vec<f64> = (0..1000).map(|_| a.unit()).collect();
        assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
        // Spread over the range: each tenth gets a share.
        for tenth in 0..10 {
            let n = draws
                .iter()
                .filter(|u| (**u * 10.0) as usize == tenth)
                .count();
            assert!((50..150).contains(&n), "tenth {tenth}: {n}");
        }
        // The same seed, the same draws; nearby seeds, different ones.
        let again = Jitter::seeded(7);
        assert_eq!((0..1000).map(|_| again.unit()).collect::<Vec<_>>(), draws);
        let other = Jitter::seeded(8);
        assert_ne!(other.unit(), draws[0]);
        // Concurrent draws never repeat a state: 4 threads × 1000 draws, all distinct.
        let shared = Jitter::seeded(1);
        let all = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    let mine: Vec<u64> = (0..1000).map(|_| shared.unit().to_bits()).collect();
                    all.lock().unwrap().extend(mine);
                });
            }
        });
        let mut all = all.into_inner().unwrap();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 4000);
    }

    #[test]
    fn the_budget_lends_only_what_successes_earned() {
        let b = RetryBudget::new();
        assert!(!b.take());
        b.earn();
        b.earn();
        assert!(b.take());
        assert!(b.take());
        assert!(!b.take());
        for _ in 0..1000 {
            b.earn();
        }
        assert_eq!(b.available(), RetryBudget::CAPACITY);
    }

    #[test]
    fn jobs_keep_order_and_report_the_earliest_error() {
        let seen = Mutex::new(Vec::new());
        let out = run_jobs(10, 3, &|i| Ok(i * 2), &|i, v| {
            seen.lock().unwrap().push((i, *v))
        })
        .unwrap();
        assert_eq!(out, (0..10).map(|i| i * 2).collect::<Vec<_>>());
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(seen.len(), 10);
        let e = run_jobs(
            6,
            1,
            &|i| {
                if i >= 2 {
                    Err(ClientError::Malformed(format!("job {i}")))
                } else {
                    Ok(i)
                }
            },
            &|_, _| {},
        )
        .unwrap_err();
        // One worker: job 2 fails and nothing after it runs.
        assert_eq!(e, ClientError::Malformed("job 2".into()));
        assert!(run_jobs(0, 4, &|i| Ok(i), &|_, _| {}).unwrap().is_empty());
    }
}
