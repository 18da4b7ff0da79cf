//! The Azure AI Content Safety client: `POST {endpoint}/contentsafety/text:analyze`, one text a
//! request, `--concurrency` requests in flight, request starts spaced to the service's rate
//! limit, retried like the OpenAI client (`Retry-After` honoured on 408/409/429/5xx, a bounded
//! budget), 401/403 stop at once, the answer's size capped, the key never written anywhere.
//!
//! Every fact about the service — API version, path, key header, environment variable names,
//! the 10,000-character limit, the rate limit, categories, output types — is data, with its
//! source and date, in `rules/moderation/services/azure-content-safety.toml`.
//!
//! What is sent: each text, its four categories (`Hate`, `SelfHarm`, `Sexual`, `Violence`) and
//! the output type (`EightSeverityLevels`, or `FourSeverityLevels` with `--moderation-model
//! FourSeverityLevels`). A text longer than the service's limit is split into pieces (cut after a
//! newline or a space where one is near the limit) and scored piece by piece; the text gets, per
//! category, the highest severity of its pieces, so a long text is never judged milder than its
//! worst part.
//!
//! A score from this client has provider `azure-content-safety`, the family of severities (see
//! `scale.rs`), `flagged: false` (the service gives no verdict of its own; a profile's thresholds
//! judge the severities) and the model key `azure-content-safety-<api version>-<output type>`,
//! which is also its cache key: scores of the two output types, and of OpenAI, are never mixed.

use super::client::ClientError;
use super::provider::Provider;
use super::scale::Scale;
use super::scores::{Category, Score};
use super::transport::{
    self, ApiKey, BatchDone, Failure, Jitter, RetryBudget, RetryPolicy, Scorer, Sleeper,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

/// The service facts of `rules/moderation/services/azure-content-safety.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    pub api_version: String,
    pub path: String,
    pub key_header: String,
    pub endpoint_env: String,
    pub key_env: String,
    pub max_text_chars: usize,
    pub texts_per_request: usize,
    pub requests_per_10_seconds: u32,
    pub categories: Vec<String>,
    pub output_types: Vec<String>,
}

/// The embedded facts. The file is part of the binary and tested (`facts_parse`), so it always
/// parses.
pub static FACTS: LazyLock<Facts> = LazyLock::new(|| {
    toml::from_str(include_str!(
        "../../rules/moderation/services/azure-content-safety.toml"
    ))
    .expect("the embedded azure-content-safety.toml is tested")
});

/// The categories requested and how ftlint names them.
const CATEGORIES: [(&str, Category); 4] = [
    ("Hate", Category::Hate),
    ("SelfHarm", Category::SelfHarm),
    ("Sexual", Category::Sexual),
    ("Violence", Category::Violence),
];

/// The largest answer read. An answer is four small objects (~150 bytes); anything near this is
/// not an answer to the request sent.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// `outputType`: the severity scale asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputType {
    /// 0–7 (ftlint's default: finer than four levels, and the same thresholds apply).
    #[default]
    Eight,
    /// 0, 2, 4, 6 (the service's default).
    Four,
}

impl OutputType {
    /// Azure's name: `EightSeverityLevels`, `FourSeverityLevels`.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputType::Eight => "EightSeverityLevels",
            OutputType::Four => "FourSeverityLevels",
        }
    }

    /// The model key of this output type: the name scores are cached and looked up under.
    pub fn model_key(self) -> String {
        format!(
            "azure-content-safety-{}-{}",
            FACTS.api_version,
            self.as_str()
        )
    }

    /// Azure's name or the model key.
    pub fn parse(name: &str) -> Option<OutputType> {
        [OutputType::Eight, OutputType::Four]
            .into_iter()
            .find(|o| name == o.as_str() || name == o.model_key())
    }
}

/// Everything the client needs. `Debug` is safe to print (the key is redacted).
#[derive(Debug, Clone)]
pub struct AzureConfig {
    /// The resource's endpoint, without the trailing slash.
    pub endpoint: String,
    pub api_key: ApiKey,
    pub output: OutputType,
    /// Requests in flight at once (at least 1).
    pub concurrency: usize,
    /// Retries after the first try of a request.
    pub max_retries: u32,
    /// Whole-request timeout.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// The largest response body read; a larger answer is refused as malformed.
    pub max_body_bytes: usize,
    /// The longest piece of text sent, in Unicode code points.
    pub max_text_chars: usize,
    /// The least time between two request starts (the service's rate limit).
    pub min_interval: Duration,
    /// `--offline`: every request attempt fails before a socket is opened.
    pub offline: bool,
    /// Fixes the retry waits' jitter (tests); `None`: seeded from the clock and the process id.
    pub jitter_seed: Option<u64>,
}

impl AzureConfig {
    /// Defaults: eight severity levels, 4 requests at once, 5 retries, the service's limits.
    pub fn new(endpoint: &str, api_key: ApiKey) -> AzureConfig {
        AzureConfig {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            api_key,
            output: OutputType::Eight,
            concurrency: 4,
            max_retries: 5,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_body_bytes: MAX_BODY_BYTES,
            max_text_chars: FACTS.max_text_chars,
            min_interval: Duration::from_secs(10) / FACTS.requests_per_10_seconds.max(1),
            offline: false,
            jitter_seed: None,
        }
    }

    /// Reads `CONTENT_SAFETY_ENDPOINT` and `CONTENT_SAFETY_KEY` (both required).
    pub fn from_env() -> Result<AzureConfig, ClientError> {
        Self::from_vars(
            std::env::var(&FACTS.endpoint_env).ok(),
            std::env::var(&FACTS.key_env).ok(),
        )
    }

    /// [`AzureConfig::from_env`] with the values given.
    pub fn from_vars(
        endpoint: Option<String>,
        api_key: Option<String>,
    ) -> Result<AzureConfig, ClientError> {
        let key = api_key
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .ok_or(AzureError::NoKey)?;
        let endpoint = endpoint
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .ok_or(AzureError::NoEndpoint)?;
        let c = AzureConfig::new(&endpoint, ApiKey::new(key));
        c.validate()?;
        Ok(c)
    }

    /// What no retry can fix, found before a request is sent: an endpoint that is not an
    /// http(s) URL, a key that cannot be sent as a header value. Neither message shows the key.
    pub fn validate(&self) -> Result<(), AzureError> {
        let url_ok = (self.endpoint.starts_with("http://")
            || self.endpoint.starts_with("https://"))
            && reqwest::Url::parse(&self.url()).is_ok_and(|u| u.host().is_some());
        if !url_ok {
            return Err(AzureError::InvalidEndpoint(self.endpoint.clone()));
        }
        transport::check_header_value(self.api_key.expose()).map_err(AzureError::InvalidKey)
    }

    /// `{endpoint}/contentsafety/text:analyze?api-version=…`.
    pub fn url(&self) -> String {
        format!(
            "{}{}?api-version={}",
            self.endpoint, FACTS.path, FACTS.api_version
        )
    }
}

/// What went wrong, in Azure's terms. Messages never contain the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AzureError {
    NoKey,
    NoEndpoint,
    InvalidEndpoint(String),
    /// The key cannot be sent as a header value: why (never the key).
    InvalidKey(String),
    /// 400: the server's reason.
    BadRequest(String),
    /// 401.
    Unauthorized(String),
    /// 403.
    Forbidden(String),
    /// Another status that is not retried (404, 415, …).
    Status {
        status: u16,
        message: String,
    },
    /// Retryable failures until the tries ran out; the last one's description.
    GaveUp {
        tries: u32,
        last: String,
    },
    /// A success whose body is not an analysis of the text sent.
    Malformed(String),
}

impl fmt::Display for AzureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (key, endpoint) = (&FACTS.key_env, &FACTS.endpoint_env);
        match self {
            AzureError::NoKey => write!(
                f,
                "`{key}` is not set: `--moderation-provider azure-content-safety` with `--moderation api` needs it (or use `--moderation cache` with `--scores FILE`)"
            ),
            AzureError::NoEndpoint => write!(
                f,
                "`{endpoint}` is not set: it is your Content Safety resource's URL, e.g. `https://<resource>.cognitiveservices.azure.com`"
            ),
            AzureError::InvalidEndpoint(u) => {
                write!(f, "`{endpoint}` is `{u}`; expected an http:// or https:// URL")
            }
            AzureError::InvalidKey(why) => write!(
                f,
                "`{key}` cannot be sent as a header: it {why}; check it for a stray newline or quote"
            ),
            AzureError::BadRequest(m) => {
                write!(f, "Azure AI Content Safety rejected the request (400): {m}")
            }
            AzureError::Unauthorized(m) => write!(
                f,
                "Azure AI Content Safety refused the key (401): check {key} and that it belongs to the resource at {endpoint} ({m})"
            ),
            AzureError::Forbidden(m) => write!(
                f,
                "Azure AI Content Safety denied access (403): check the resource's network rules and the key's access ({m})"
            ),
            AzureError::Status {
                status: 404,
                message,
            } => write!(
                f,
                "Azure AI Content Safety answered 404: check {endpoint} ({message})"
            ),
            AzureError::Status { status, message } => {
                write!(f, "Azure AI Content Safety answered {status}: {message}")
            }
            AzureError::GaveUp { tries, last } => write!(
                f,
                "Azure AI Content Safety failed {tries} times; giving up (last: {last})"
            ),
            AzureError::Malformed(m) => {
                write!(f, "Azure AI Content Safety sent an unexpected answer: {m}")
            }
        }
    }
}

impl std::error::Error for AzureError {}

/// Spaces request starts at least `interval` apart, across every worker.
#[derive(Debug)]
struct Pacer {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    fn wait(&self) {
        if self.interval.is_zero() {
            return;
        }
        let now = Instant::now();
        let at = match self.next.lock() {
            Ok(mut next) => {
                let at = next.map_or(now, |n| n.max(now));
                *next = Some(at + self.interval);
                at
            }
            Err(_) => now,
        };
        // Pacing is not a retry: it always waits for real.
        if at > now {
            std::thread::sleep(at - now);
        }
    }
}

/// The client. Building it opens no socket.
pub struct AzureClient {
    config: AzureConfig,
    http: Option<reqwest::blocking::Client>,
    sleeper: Arc<dyn Sleeper>,
    pacer: Pacer,
    jitter: Jitter,
}

impl fmt::Debug for AzureClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AzureClient {
    /// A client for `config`. With `offline`, no HTTP client is even built.
    pub fn new(config: AzureConfig) -> Result<AzureClient, ClientError> {
        config.validate()?;
        let http = if config.offline {
            None
        } else {
            Some(transport::http_client(
                &config.endpoint,
                config.timeout,
                config.connect_timeout,
                &config.api_key,
            )?)
        };
        let pacer = Pacer {
            interval: config.min_interval,
            next: Mutex::new(None),
        };
        let jitter = Jitter::new(config.jitter_seed);
        Ok(AzureClient {
            config,
            http,
            sleeper: Arc::new(transport::ThreadSleeper),
            pacer,
            jitter,
        })
    }

    /// Replaces the sleeper (tests).
    pub fn with_sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> AzureClient {
        self.sleeper = sleeper;
        self
    }

    pub fn config(&self) -> &AzureConfig {
        &self.config
    }

    /// One text's score: each piece analysed, the highest severity per category kept.
    fn score_text(
        &self,
        http: &reqwest::blocking::Client,
        text: &str,
        budget: &RetryBudget,
    ) -> Result<Score, ClientError> {
        let mut worst: BTreeMap<Category, f64> = BTreeMap::new();
        for piece in split_text(text, self.config.max_text_chars) {
            if piece.trim().is_empty() {
                continue; // nothing to judge; the service may refuse a blank text
            }
            for (cat, sev) in self.analyze(http, piece, budget)? {
                let w = worst.entry(cat).or_insert(sev);
                *w = w.max(sev);
            }
        }
        Ok(Score {
            model: self.config.output.model_key(),
            provider: Provider::AzureContentSafety,
            flagged: false,
            categories: Vec::new(),
            category_scores: worst,
        })
    }

    /// One request: a piece of at most `max_text_chars` code points.
    fn analyze(
        &self,
        http: &reqwest::blocking::Client,
        piece: &str,
        budget: &RetryBudget,
    ) -> Result<BTreeMap<Category, f64>, ClientError> {
        let key = &self.config.api_key;
        let body = serde_json::json!({
            "text": piece,
            "categories": CATEGORIES.map(|(name, _)| name),
            "outputType": self.config.output.as_str(),
        });
        let url = self.config.url();
        let policy = RetryPolicy {
            max_retries: self.config.max_retries,
            max_body_bytes: self.config.max_body_bytes,
            sleeper: &*self.sleeper,
            jitter: &self.jitter,
            budget,
            key,
        };
        let send = || {
            self.pacer.wait();
            http.post(&url)
                .header(FACTS.key_header.as_str(), key.expose())
                .json(&body)
                .send()
        };
        let e = match transport::send_with_retries(&policy, &send) {
            Ok(text) => {
                return parse_analysis(&text)
                    .map_err(|m| AzureError::Malformed(transport::scrub(&m, key)).into())
            }
            Err(Failure::Status { status, message }) => match status {
                400 => AzureError::BadRequest(message),
                401 => AzureError::Unauthorized(message),
                403 => AzureError::Forbidden(message),
                _ => AzureError::Status { status, message },
            },
            Err(Failure::GaveUp { tries, last }) => AzureError::GaveUp { tries, last },
            Err(Failure::TooLarge { limit }) => {
                AzureError::Malformed(format!("the answer is larger than {limit} bytes"))
            }
            Err(Failure::ErrorTooLarge { status, limit }) => AzureError::Status {
                status,
                message: format!(
                    "an error answer larger than {limit} bytes (not read further, not retried)"
                ),
            },
            Err(Failure::Invalid(m)) => return Err(ClientError::Setup(m)),
        };
        Err(e.into())
    }
}

impl Scorer for AzureClient {
    /// One request per text (or per piece of a long text), `concurrency` at a time; `on_batch`
    /// hears of each text as it is scored.
    fn score(
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
        let done = AtomicUsize::new(0);
        let budget = RetryBudget::new();
        transport::run_jobs(
            texts.len(),
            self.config.concurrency,
            &|i| self.score_text(http, texts[i], &budget),
            &|i, score: &Score| {
                on_batch(BatchDone {
                    first: i,
                    scores: std::slice::from_ref(score),
                    done: done.fetch_add(1, Ordering::SeqCst) + 1,
                    total: texts.len(),
                });
            },
        )
    }
}

/// Splits `text` into pieces of at most `max_chars` Unicode code points (the service counts
/// code points), cutting after the last newline, else the last whitespace, in the final quarter
/// of a piece, else at the limit. The pieces, joined, are the text.
pub fn split_text(text: &str, max_chars: usize) -> Vec<&str> {
    let max_chars = max_chars.max(1);
    let mut pieces = Vec::new();
    let mut rest = text;
    loop {
        let Some((hard, _)) = rest.char_indices().nth(max_chars) else {
            if !rest.is_empty() {
                pieces.push(rest);
            }
            return pieces;
        };
        let window_from = rest
            .char_indices()
            .nth(max_chars - max_chars / 4)
            .map_or(0, |(i, _)| i);
        let window = &rest[window_from..hard];
        let cut = window
            .rfind('\n')
            .or_else(|| window.rfind(char::is_whitespace))
            .map(|i| {
                let c = window[i..].chars().next().map_or(1, char::len_utf8);
                window_from + i + c
            })
            .unwrap_or(hard);
        pieces.push(&rest[..cut]);
        rest = &rest[cut..];
    }
}

/// The severities of a `text:analyze` answer: `{"categoriesAnalysis": [{"category",
/// "severity"}, …]}`. Each requested category must be there with an integer severity in 0–7;
/// categories the client did not ask for are ignored (a newer service may add some).
pub fn parse_analysis(body: &str) -> Result<BTreeMap<Category, f64>, String> {
    let v: Value =
        serde_json::from_str(body).map_err(|e| format!("the answer is not JSON: {e}"))?;
    let list = v
        .get("categoriesAnalysis")
        .and_then(Value::as_array)
        .ok_or("the answer has no `categoriesAnalysis` array")?;
    let mut out = BTreeMap::new();
    for item in list {
        let name = item
            .get("category")
            .and_then(Value::as_str)
            .ok_or("an entry of `categoriesAnalysis` has no `category` string")?;
        let Some(&(_, cat)) = CATEGORIES.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        let sev = item.get("severity").and_then(Value::as_f64);
        let sev = sev
            .filter(|s| Scale::Severity.is_valid(*s))
            .ok_or_else(|| {
                format!(
                    "the severity of `{name}` is {}, not {}",
                    item.get("severity")
                        .map_or("missing".into(), Value::to_string),
                    Scale::Severity.expected()
                )
            })?;
        let w = out.entry(cat).or_insert(sev);
        *w = w.max(sev);
    }
    if let Some((name, _)) = CATEGORIES.iter().find(|(_, c)| !out.contains_key(c)) {
        return Err(format!("the answer has no severity for `{name}`"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_parse_and_match_the_client() {
        let f = &*FACTS;
        assert_eq!(f.api_version, "2024-09-01");
        assert_eq!(f.key_header, "Ocp-Apim-Subscription-Key");
        assert_eq!(
            (f.endpoint_env.as_str(), f.key_env.as_str()),
            ("CONTENT_SAFETY_ENDPOINT", "CONTENT_SAFETY_KEY")
        );
        assert_eq!(f.max_text_chars, 10_000);
        assert_eq!(f.texts_per_request, 1);
        let names: Vec<&str> = CATEGORIES.iter().map(|(n, _)| *n).collect();
        assert_eq!(f.categories, names);
        assert_eq!(
            f.output_types,
            [OutputType::Eight.as_str(), OutputType::Four.as_str()]
        );
        let c = AzureConfig::new("https://r.cognitiveservices.azure.com/", ApiKey::new("k"));
        assert_eq!(
            c.url(),
            "https://r.cognitiveservices.azure.com/contentsafety/text:analyze?api-version=2024-09-01"
        );
        assert_eq!(c.min_interval, Duration::from_millis(10));
    }

    #[test]
    fn config_from_vars() {
        let err = |e: Option<&str>, k: Option<&str>| {
            AzureConfig::from_vars(e.map(String::from), k.map(String::from))
                .unwrap_err()
                .to_string()
        };
        assert!(err(Some("https://x"), None).starts_with("`CONTENT_SAFETY_KEY` is not set"));
        assert!(err(None, Some("k")).starts_with("`CONTENT_SAFETY_ENDPOINT` is not set"));
        assert!(err(Some("  "), Some("k")).starts_with("`CONTENT_SAFETY_ENDPOINT` is not set"));
        assert_eq!(
            err(Some("ftp://x"), Some("k")),
            "`CONTENT_SAFETY_ENDPOINT` is `ftp://x`; expected an http:// or https:// URL"
        );
        let c =
            AzureConfig::from_vars(Some(" http://127.0.0.1:9/ ".into()), Some("k".into())).unwrap();
        assert_eq!(c.endpoint, "http://127.0.0.1:9");
    }

    #[test]
    fn output_types_name_their_cache_keys() {
        assert_eq!(
            OutputType::default().model_key(),
            "azure-content-safety-2024-09-01-EightSeverityLevels"
        );
        assert_eq!(
            OutputType::parse("FourSeverityLevels"),
            Some(OutputType::Four)
        );
        assert_eq!(
            OutputType::parse(&OutputType::Eight.model_key()),
            Some(OutputType::Eight)
        );
        assert_eq!(OutputType::parse("eight"), None);
    }

    #[test]
    fn long_texts_split_at_line_or_word_ends_within_the_limit() {
        let pieces = split_text("aaaa bbbb\ncccc dddd", 12);
        assert_eq!(pieces, ["aaaa bbbb\n", "cccc dddd"]);
        // No newline in the last quarter: after the last space there.
        assert_eq!(split_text("aaaaaaaaa bbbbbb", 12), ["aaaaaaaaa ", "bbbbbb"]);
        // No break at all: at the limit, counted in code points, not bytes.
        let jp = "あ".repeat(25);
        let pieces = split_text(&jp, 10);
        assert_eq!(
            pieces.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            [10, 10, 5]
        );
        for text in ["", "short", &"x y\n".repeat(5000), &"é".repeat(30_001)] {
            let pieces = split_text(text, 10_000);
            assert_eq!(pieces.concat(), text);
            assert!(pieces.iter().all(|p| !p.is_empty()));
            assert!(pieces.iter().all(|p| p.chars().count() <= 10_000));
        }
        assert_eq!(split_text(&"é".repeat(30_001), 10_000).len(), 4);
    }

    #[test]
    fn analyses_are_read_strictly() {
        let ok = r#"{"blocklistsMatch": [], "categoriesAnalysis": [
            {"category": "Hate", "severity": 2}, {"category": "SelfHarm", "severity": 0},
            {"category": "Sexual", "severity": 5}, {"category": "Violence", "severity": 0},
            {"category": "Future", "severity": 99}]}"#;
        let s = parse_analysis(ok).unwrap();
        assert_eq!(s[&Category::Hate], 2.0);
        assert_eq!(s[&Category::Sexual], 5.0);
        assert_eq!(s.len(), 4);
        for (bad, why) in [
            ("nope", "the answer is not JSON"),
            ("{}", "the answer has no `categoriesAnalysis` array"),
            (
                r#"{"categoriesAnalysis": [{"category": "Hate", "severity": 2}]}"#,
                "the answer has no severity for `SelfHarm`",
            ),
            (
                r#"{"categoriesAnalysis": [{"category": "Hate", "severity": 9}]}"#,
                "the severity of `Hate` is 9, not an integer severity between 0 and 7",
            ),
            (
                r#"{"categoriesAnalysis": [{"category": "Hate", "severity": 1.5}]}"#,
                "the severity of `Hate` is 1.5, not an integer severity between 0 and 7",
            ),
            (
                r#"{"categoriesAnalysis": [{"category": "Hate"}]}"#,
                "the severity of `Hate` is missing, not an integer severity between 0 and 7",
            ),
            (
                r#"{"categoriesAnalysis": [{"severity": 1}]}"#,
                "an entry of `categoriesAnalysis` has no `category` string",
            ),
        ] {
            let e = parse_analysis(bad).unwrap_err();
            assert!(e.starts_with(why), "{bad}: {e}");
        }
    }
}
