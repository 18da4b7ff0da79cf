//! `--moderation-provider azure-content-safety`: the `text:analyze` client against a stand-in for
//! the service on 127.0.0.1 with injected faults (429 with `Retry-After`, 5xx, 401/403, malformed
//! and huge answers, slow answers and timeouts), the severity family in the cache and in exported
//! scores, kept apart from OpenAI's, and `check` / `moderate` end to end on
//! `fixtures/azure-content-safety/` — with a sentinel key that must appear in no output, error,
//! cache file or export.

mod common;
#[path = "support/loopback.rs"]
mod loopback;

use loopback::{Reply, Request, Server};

use common::{files_below, stderr, stdout};
use ftlint::moderation::azure::{AzureClient, AzureConfig, OutputType};
use ftlint::moderation::cache::Cache;
use ftlint::moderation::client::ClientError;
use ftlint::moderation::import::{write_records, ImportedScores, ScoreRecord};
use ftlint::moderation::transport::{BatchDone, Scorer, Sleeper};
use ftlint::moderation::{
    Category, ModerationCheck, Profile, Provider, Resolved, ScoreStore, TextUnit, UnitMode,
};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Shaped like an Azure key (32 hex-like characters), with a marker to search for.
const SENTINEL: &str = "SENTINEL0c5a9e7d41f2b8a6c3e1d0f9";

/// The stand-in's judgement: `SEX<n>`, `VIO<n>`, `HATE<n>`, `SELF<n>` in a text set that
/// category's severity to n; the fixture's two rated sentences get theirs (see its README);
/// everything else is 0. `FourSeverityLevels` reports n rounded down to even, as the service
/// maps [2,3] to 2.
fn analysis(req: &Request) -> String {
    let text = req.text();
    let marker = |tag: &str| -> u64 {
        text.match_indices(tag)
            .filter_map(|(i, _)| text[i + tag.len()..].chars().next()?.to_digit(10))
            .map(u64::from)
            .max()
            .unwrap_or(0)
    };
    let mut sev = [
        ("Hate", marker("HATE")),
        ("SelfHarm", marker("SELF")),
        ("Sexual", marker("SEX")),
        ("Violence", marker("VIO")),
    ];
    if text.contains("made love until dawn") {
        sev[2].1 = 4;
    }
    if text.contains("drew his sword") {
        sev[3].1 = 3;
    }
    let four = req.body["outputType"] == "FourSeverityLevels";
    let list: Vec<Value> = sev
        .iter()
        .map(|(c, s)| json!({"category": c, "severity": if four { s - s % 2 } else { *s }}))
        .collect();
    json!({"blocklistsMatch": [], "categoriesAnalysis": list}).to_string()
}

#[derive(Default)]
struct Recorder(Mutex<Vec<Duration>>);

impl Sleeper for Recorder {
    fn sleep(&self, d: Duration) {
        self.0.lock().unwrap().push(d);
    }
}

impl Recorder {
    fn sleeps(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

/// A config for the server: no pacing (tests that need it set it), a short timeout.
fn config_for(server: &Server) -> AzureConfig {
    let mut c = AzureConfig::from_vars(Some(server.url("/")), Some(SENTINEL.into())).unwrap();
    c.min_interval = Duration::ZERO;
    c.timeout = Duration::from_secs(10);
    c
}

fn client_with(c: AzureConfig) -> (AzureClient, Arc<Recorder>) {
    let rec = Arc::new(Recorder::default());
    let client = AzureClient::new(c).unwrap().with_sleeper(rec.clone());
    (client, rec)
}

fn client_for(server: &Server) -> (AzureClient, Arc<Recorder>) {
    client_with(config_for(server))
}

fn no_progress(_: BatchDone<'_>) {}

fn assert_no_key(s: &str) {
    assert!(!s.contains("SENTINEL"), "key leaked: {s}");
    assert!(!s.contains("0c5a9e7d41f2b8a6"), "key part leaked: {s}");
}

fn sexual(score: &ftlint::moderation::Score) -> Option<f64> {
    score.get(Category::Sexual)
}

// ---------------------------------------------------------------------------------------------
// The client.

#[test]
fn one_text_per_request_in_order_with_the_documented_request() {
    let server = Server::start(|_, r| Reply::ok(analysis(r)));
    let (client, rec) = client_for(&server);
    let texts: Vec<String> = (0..10).map(|i| format!("text {i}: SEX{}", i % 8)).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let progress = Mutex::new(Vec::new());
    let scores = client
        .score(&refs, &|b: BatchDone<'_>| {
            progress
                .lock()
                .unwrap()
                .push((b.first, b.scores.len(), b.total))
        })
        .unwrap();
    assert_eq!(scores.len(), 10);
    for (i, s) in scores.iter().enumerate() {
        assert_eq!(sexual(s), Some((i % 8) as f64), "text {i}");
        assert_eq!(s.get(Category::Violence), Some(0.0));
        assert_eq!(s.category_scores.len(), 4);
        assert_eq!(s.provider, Provider::AzureContentSafety);
        assert_eq!(
            s.model,
            "azure-content-safety-2024-09-01-EightSeverityLevels"
        );
        assert!(!s.flagged);
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 10, "one request per text");
    let mut sent: Vec<&str> = reqs.iter().map(Request::text).collect();
    sent.sort();
    let mut want = refs.clone();
    want.sort();
    assert_eq!(sent, want);
    for r in &reqs {
        assert_eq!(
            r.target,
            "/contentsafety/text:analyze?api-version=2024-09-01"
        );
        assert_eq!(r.header("ocp-apim-subscription-key"), Some(SENTINEL));
        assert_eq!(r.header("authorization"), None);
        assert_eq!(
            r.body["categories"],
            json!(["Hate", "SelfHarm", "Sexual", "Violence"])
        );
        assert_eq!(r.body["outputType"], "EightSeverityLevels");
    }
    let mut p = progress.into_inner().unwrap();
    p.sort();
    assert_eq!(p, (0..10).map(|i| (i, 1, 10)).collect::<Vec<_>>());
    assert!(rec.sleeps().is_empty());
}

#[test]
fn four_severity_levels_are_asked_for_and_keyed_apart() {
    let server = Server::start(|_, r| Reply::ok(analysis(r)));
    let mut c = config_for(&server);
    c.output = OutputType::Four;
    let (client, _) = client_with(c);
    let scores = client.score(&["SEX5", "SEX3"], &no_progress).unwrap();
    assert_eq!(sexual(&scores[0]), Some(4.0));
    assert_eq!(sexual(&scores[1]), Some(2.0));
    assert_eq!(
        scores[0].model,
        "azure-content-safety-2024-09-01-FourSeverityLevels"
    );
    assert!(server
        .requests()
        .iter()
        .all(|r| r.body["outputType"] == "FourSeverityLevels"));
}

#[test]
fn concurrency_is_bounded_and_request_starts_are_paced() {
    let server = Server::start(|_, r| Reply::ok(analysis(r)).after(Duration::from_millis(80)));
    let mut c = config_for(&server);
    c.concurrency = 3;
    let (client, _) = client_with(c);
    let texts: Vec<String> = (0..12).map(|i| format!("t{i}")).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    client.score(&refs, &no_progress).unwrap();
    // Never more than asked; and more than one at a time (each answer takes 80 ms).
    let peak = server.peak();
    assert!((2..=3).contains(&peak), "{peak}");

    // The service's limit, 1000 requests per 10 s, spaces starts 10 ms apart; 40 ms here, so
    // six starts span at least 200 ms (less some transit jitter), where unpaced they would
    // come within a few.
    let server = Server::start(|_, r| Reply::ok(analysis(r)));
    let mut c = config_for(&server);
    c.concurrency = 4;
    c.min_interval = Duration::from_millis(40);
    let (client, _) = client_with(c);
    client.score(&refs[..6], &no_progress).unwrap();
    let mut at: Vec<Instant> = server.requests().iter().map(|r| r.arrived).collect();
    at.sort();
    let span = at[5] - at[0];
    assert!(span >= Duration::from_millis(150), "{span:?}");
}

#[test]
fn long_texts_are_split_and_keep_their_worst_severity() {
    let server = Server::start(|_, r| Reply::ok(analysis(r)));
    let mut c = config_for(&server);
    c.max_text_chars = 40;
    let (client, _) = client_with(c);
    let text = format!(
        "{} SEX2 VIO1\n{} SEX5\n{} VIO6 SEX1",
        "a".repeat(20),
        "b".repeat(25),
        "c".repeat(20)
    );
    let scores = client.score(&[text.as_str()], &no_progress).unwrap();
    assert_eq!(sexual(&scores[0]), Some(5.0));
    assert_eq!(scores[0].get(Category::Violence), Some(6.0));
    let mut pieces: Vec<(Instant, String)> = server
        .requests()
        .iter()
        .map(|r| (r.arrived, r.text().to_string()))
        .collect();
    pieces.sort();
    let pieces: Vec<String> = pieces.into_iter().map(|(_, t)| t).collect();
    assert_eq!(pieces.len(), 3, "{pieces:?}");
    assert!(pieces.iter().all(|p| p.chars().count() <= 40), "{pieces:?}");
    assert_eq!(pieces.concat(), text);
}

#[test]
fn rate_limited_429_honours_retry_after() {
    for (header, value, want) in [
        ("retry-after", "3", Duration::from_secs(3)),
        ("x-ms-retry-after-ms", "1500", Duration::from_millis(1500)),
    ] {
        let server = Server::start(move |i, r| {
            if i == 0 {
                Reply::status(
                    429,
                    r#"{"error":{"code":"TooManyRequests","message":"Rate limit is exceeded. Try again in 3 seconds."}}"#,
                )
                .header(header, value)
            } else {
                Reply::ok(analysis(r))
            }
        });
        let (client, rec) = client_for(&server);
        let scores = client.score(&["SEX2"], &no_progress).unwrap();
        assert_eq!(sexual(&scores[0]), Some(2.0));
        // The server's delay, spread up to a quarter later (never sooner).
        let s = rec.sleeps();
        assert!(
            s.len() == 1 && s[0] >= want && s[0] <= want.mul_f64(1.25),
            "{header}: {s:?}"
        );
        assert_eq!(server.requests().len(), 2);
    }
}

#[test]
fn server_error_then_success_backs_off() {
    let server = Server::start(|i, r| match i {
        0 => Reply::status(
            500,
            r#"{"error":{"code":"InternalError","message":"Unexpected situation."}}"#,
        ),
        1 => Reply::status(
            503,
            r#"{"error":{"code":"ServiceUnavailable","message":"Busy."}}"#,
        ),
        _ => Reply::ok(analysis(r)),
    });
    let (client, rec) = client_for(&server);
    let scores = client.score(&["VIO4"], &no_progress).unwrap();
    assert_eq!(scores[0].get(Category::Violence), Some(4.0));
    let s = rec.sleeps();
    assert_eq!(s.len(), 2);
    // 0.5 s then 1 s, each times a jitter factor in (0.5, 1].
    assert!(
        s[0] > Duration::from_millis(250) && s[0] <= Duration::from_millis(500),
        "{s:?}"
    );
    assert!(
        s[1] > Duration::from_millis(500) && s[1] <= Duration::from_secs(1),
        "{s:?}"
    );
}

#[test]
fn persistent_server_busy_gives_up_after_a_bounded_budget() {
    let server = Server::start(|_, _| {
        Reply::status(
            503,
            r#"{"error":{"code":"ServerBusy","message":"The server side cannot process the request temporarily."}}"#,
        )
    });
    let mut c = config_for(&server);
    c.max_retries = 3;
    let (client, rec) = client_with(c);
    let err = client.score(&["a"], &no_progress).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Azure AI Content Safety failed 4 times; giving up (last: HTTP 503: The server side cannot process the request temporarily.)"
    );
    assert_eq!(server.requests().len(), 4);
    assert_eq!(rec.sleeps().len(), 3);
}

#[test]
fn unauthorized_and_forbidden_stop_at_once_without_the_key() {
    for (status, want) in [
        (
            401,
            "Azure AI Content Safety refused the key (401): check CONTENT_SAFETY_KEY and that it belongs to the resource at CONTENT_SAFETY_ENDPOINT (Access denied due to invalid subscription key <redacted> or wrong API endpoint.)",
        ),
        (
            403,
            "Azure AI Content Safety denied access (403): check the resource's network rules and the key's access (Access denied due to invalid subscription key <redacted> or wrong API endpoint.)",
        ),
        (
            400,
            "Azure AI Content Safety rejected the request (400): Access denied due to invalid subscription key <redacted> or wrong API endpoint.",
        ),
        (
            404,
            "Azure AI Content Safety answered 404: check CONTENT_SAFETY_ENDPOINT (Access denied due to invalid subscription key <redacted> or wrong API endpoint.)",
        ),
    ] {
        // A server that echoes the key: it must be scrubbed from what ftlint says.
        let server = Server::start(move |_, _| {
            Reply::status(
                status,
                &format!(
                    r#"{{"error":{{"code":"{status}","message":"Access denied due to invalid subscription key {SENTINEL} or wrong API endpoint."}}}}"#
                ),
            )
        });
        let mut c = config_for(&server);
        c.concurrency = 2;
        let (client, rec) = client_with(c);
        let texts: Vec<String> = (0..20).map(|i| format!("t{i}")).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let err = client.score(&refs, &no_progress).unwrap_err();
        assert!(matches!(err, ClientError::Azure(_)), "{err:?}");
        assert_eq!(err.to_string(), want);
        assert_no_key(&err.to_string());
        assert_no_key(&format!("{err:?}"));
        assert!(rec.sleeps().is_empty(), "{status} was retried");
        // The two requests in flight when the first refusal came, and no more.
        assert!(server.requests().len() <= 2, "{status}");
    }
}

#[test]
fn malformed_answers_are_errors_without_retry() {
    for (body, want) in [
        ("<html>gateway</html>".to_string(), "the answer is not JSON"),
        (
            json!({"categoriesAnalysis": {"Hate": 2}}).to_string(),
            "the answer has no `categoriesAnalysis` array",
        ),
        (
            json!({"categoriesAnalysis": [{"category": "Hate", "severity": 2}]}).to_string(),
            "the answer has no severity for `SelfHarm`",
        ),
        // Out of the family's range: a broken or hostile server, never scored or cached.
        (
            json!({"categoriesAnalysis": [
                {"category": "Hate", "severity": 0}, {"category": "SelfHarm", "severity": 0},
                {"category": "Sexual", "severity": 12}, {"category": "Violence", "severity": 0}]})
            .to_string(),
            "the severity of `Sexual` is 12, not an integer severity between 0 and 7",
        ),
        (
            json!({"categoriesAnalysis": [
                {"category": "Hate", "severity": 0.25}, {"category": "SelfHarm", "severity": 0},
                {"category": "Sexual", "severity": 0}, {"category": "Violence", "severity": 0}]})
            .to_string(),
            "the severity of `Hate` is 0.25, not an integer severity between 0 and 7",
        ),
    ] {
        let server = Server::start(move |_, _| Reply::ok(body.clone()));
        let (client, rec) = client_for(&server);
        let err = client.score(&["a"], &no_progress).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!(
                "Azure AI Content Safety sent an unexpected answer: {want}"
            )),
            "{shown}"
        );
        assert_eq!(server.requests().len(), 1);
        assert!(rec.sleeps().is_empty());
    }
}

#[test]
fn a_huge_answer_is_refused_without_reading_it_whole() {
    let huge = format!(
        "{{\"categoriesAnalysis\": [], \"padding\": \"{}\"}}",
        "x".repeat(4 << 20)
    );
    let server = Server::start(move |_, _| Reply::ok(huge.clone()));
    let (client, rec) = client_for(&server);
    let err = client.score(&["a"], &no_progress).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Azure AI Content Safety sent an unexpected answer: the answer is larger than 65536 bytes"
    );
    assert_eq!(server.requests().len(), 1);
    assert!(rec.sleeps().is_empty());
}

#[test]
fn a_slow_answer_times_out_and_is_retried() {
    let server = Server::start(|i, r| {
        let reply = Reply::ok(analysis(r));
        if i == 0 {
            reply.after(Duration::from_secs(3))
        } else {
            reply
        }
    });
    let mut c = config_for(&server);
    c.timeout = Duration::from_millis(300);
    let (client, rec) = client_with(c);
    let start = Instant::now();
    let scores = client.score(&["SEX1"], &no_progress).unwrap();
    assert_eq!(sexual(&scores[0]), Some(1.0));
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(rec.sleeps().len(), 1);
    assert_eq!(server.requests().len(), 2);

    // Slow every time: given up, naming the timeout.
    let server = Server::start(|_, r| Reply::ok(analysis(r)).after(Duration::from_secs(2)));
    let mut c = config_for(&server);
    c.timeout = Duration::from_millis(200);
    c.max_retries = 1;
    let (client, _) = client_with(c);
    let err = client.score(&["a"], &no_progress).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.starts_with("Azure AI Content Safety failed 2 times; giving up (last: timed out"),
        "{shown}"
    );
    assert_no_key(&shown);
}

#[test]
fn offline_opens_no_socket() {
    let server = Server::start(|_, r| Reply::ok(analysis(r)));
    let mut c = config_for(&server);
    c.offline = true;
    let (client, _) = client_with(c);
    let err = client.score(&["a", "b"], &no_progress).unwrap_err();
    assert_eq!(err, ClientError::Offline);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(server.connections(), 0);
}

#[test]
fn key_never_in_debug_or_display() {
    let c =
        AzureConfig::from_vars(Some("http://127.0.0.1:1".into()), Some(SENTINEL.into())).unwrap();
    assert_no_key(&format!("{c:?}"));
    let client = AzureClient::new(c).unwrap();
    assert_no_key(&format!("{client:?}"));
}

// ---------------------------------------------------------------------------------------------
// Store and cache: severities cached under their own key, never answering for OpenAI.

fn lines() -> Vec<Value> {
    include_str!("../fixtures/azure-content-safety/train.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn check(profile: &str) -> ModerationCheck {
    ModerationCheck {
        profile: Profile::builtin(profile).unwrap(),
        unit_mode: UnitMode::Message,
        report_unscored: true,
        require_scores: true,
    }
}

/// Every finding on the fixture as `line pointer code message`, then M003.
fn findings_of(store: &ScoreStore, check: &ModerationCheck) -> Vec<String> {
    let mut out = Vec::new();
    let mut summaries = Vec::new();
    for (i, v) in lines().iter().enumerate() {
        let (events, s) = check.check_line(store, i as u64 + 1, v);
        summaries.push(s);
        for e in events {
            let f = ftlint::rules::moderation::describe(&e);
            out.push(format!(
                "{} {} {} {}",
                i + 1,
                e.pointer,
                f.rule.code(),
                f.message
            ));
        }
    }
    if let Some(g) = check.check_file(&summaries).gate {
        out.push(ftlint::rules::moderation::m003_too_many_flagged::message(
            &g.verdict,
            &g.worst_lines,
        ));
    }
    out
}

const AZURE_KEY: &str = "azure-content-safety-2024-09-01-EightSeverityLevels";

fn azure_store(cache: Option<Cache>, imported: Option<ImportedScores>) -> ScoreStore {
    ScoreStore::new(AZURE_KEY, cache, imported).with_provider(Provider::AzureContentSafety)
}

#[test]
fn cache_round_trip_and_providers_never_answer_for_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(|_, r| Reply::ok(analysis(r)));
    let (client, _) = client_for(&server);
    let store = azure_store(Some(Cache::new(dir.path())), None);
    let todo: Vec<String> = lines()
        .iter()
        .enumerate()
        .flat_map(|(i, v)| store.unscored_texts(i as u64 + 1, v, UnitMode::Message))
        .collect();
    assert_eq!(todo.len(), 12);
    let stats = store
        .fetch(&client as &dyn Scorer, &todo, &|_, _| {})
        .unwrap();
    // The system prompt repeats on every line: sent once.
    assert_eq!((stats.distinct, stats.fetched), (9, 9));
    assert_eq!(server.requests().len(), 9);
    let live = findings_of(&store, &check("azure-finetune"));
    assert_eq!(
        live,
        [
            "2 /messages/2/content M002 `sexual` severity `4` (medium) is at or over the error threshold `4` (medium) of profile `azure-finetune` (model `azure-content-safety-2024-09-01-EightSeverityLevels`)",
            "3 /messages/2/content M002 `violence` severity `3` (low) is at or over the warn threshold `3` (low) of profile `azure-finetune` (model `azure-content-safety-2024-09-01-EightSeverityLevels`)",
            "`1` of `4` examples are flagged; profile `azure-finetune` allows at most 0 flagged: the service would block the file. Flagged lines: 2",
        ]
    );

    // A new run, offline: every text from the cache, the same findings.
    let again = azure_store(Some(Cache::new(dir.path())), None);
    for (i, v) in lines().iter().enumerate() {
        assert!(again
            .unscored_texts(i as u64 + 1, v, UnitMode::Message)
            .is_empty());
    }
    assert_eq!(findings_of(&again, &check("azure-finetune")), live);
    // The cache holds severities under the Azure key, tagged with their provider, and no key.
    let files = files_below(dir.path());
    assert!(files
        .iter()
        .any(|p| p.to_string_lossy().contains(AZURE_KEY)));
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        assert_no_key(&String::from_utf8_lossy(&bytes));
        if f.extension().is_some_and(|e| e == "json") {
            let v: Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(v["score"]["provider"], "azure-content-safety", "{f:?}");
        }
    }

    // An OpenAI run asking for the same key finds nothing: severities are not probabilities.
    let openai = ScoreStore::new(AZURE_KEY, Some(Cache::new(dir.path())), None);
    let unit = TextUnit {
        pointer: "/messages/2/content".into(),
        text: "They undressed each other slowly and made love until dawn.".into(),
    };
    assert_eq!(openai.resolve(2, 2, &unit), Resolved::Unscored);
    assert!(matches!(
        again.resolve(2, 2, &unit),
        Resolved::Scored { ref score, .. } if sexual(score) == Some(4.0)
    ));
    // An Azure fetch of a cached text sends nothing…
    let sent = server.requests().len();
    let (client, _) = client_for(&server);
    let refetch = azure_store(Some(Cache::new(dir.path())), None)
        .fetch(&client, std::slice::from_ref(&unit.text), &|_, _| {})
        .unwrap();
    assert_eq!((refetch.known, refetch.fetched), (1, 0));
    assert_eq!(server.requests().len(), sent);
    // …but an OpenAI score cached under the Azure key is no Azure score: unscored, and fetched.
    let text = "SEX6 an OpenAI-scored text".to_string();
    let probability = ftlint::moderation::Score::from_result(
        "omni-moderation-2024-09-26",
        &json!({"flagged": false, "category_scores": {"sexual": 0.9}}),
    )
    .unwrap();
    let hash = ftlint::moderation::text_hash(&text);
    Cache::new(dir.path())
        .put(AZURE_KEY, &hash, &probability)
        .unwrap();
    let store = azure_store(Some(Cache::new(dir.path())), None);
    let u = TextUnit {
        pointer: "/prompt".into(),
        text: text.clone(),
    };
    assert_eq!(store.resolve(1, 0, &u), Resolved::Unscored);
    let stats = store.fetch(&client, &[text], &|_, _| {}).unwrap();
    assert_eq!((stats.known, stats.fetched), (0, 1));
    assert!(matches!(
        azure_store(Some(Cache::new(dir.path())), None).resolve(1, 0, &u),
        Resolved::Scored { ref score, .. } if sexual(score) == Some(6.0)
    ));
}

#[test]
fn export_then_import_carries_the_provider() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(|_, r| Reply::ok(analysis(r)));
    let (client, _) = client_for(&server);
    let store = azure_store(Some(Cache::new(dir.path())), None);
    let todo: Vec<String> = lines()
        .iter()
        .enumerate()
        .flat_map(|(i, v)| store.unscored_texts(i as u64 + 1, v, UnitMode::Message))
        .collect();
    store.fetch(&client, &todo, &|_, _| {}).unwrap();
    let live = findings_of(&store, &check("azure-finetune"));
    let records: Vec<ScoreRecord> = lines()
        .iter()
        .enumerate()
        .flat_map(|(i, v)| store.records_for_line(i as u64 + 1, v, UnitMode::Message))
        .collect();
    assert_eq!(records.len(), 12);
    let mut buf = Vec::new();
    write_records(&mut buf, &records).unwrap();
    let text = String::from_utf8(buf).unwrap();
    assert_no_key(&text);
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["provider"], "azure-content-safety");
        assert_eq!(v["model"], AZURE_KEY);
    }
    let imported = ImportedScores::parse(&text).unwrap();
    assert_eq!(imported.providers(), [Provider::AzureContentSafety]);
    assert_eq!(
        Provider::OpenAi.check_imported(&imported).unwrap_err().to_string(),
        "the scores file holds `azure-content-safety` scores only, but the moderation provider is `openai`; pass `--moderation-provider azure-content-safety` or scores of `openai`"
    );
    let offline = azure_store(None, Some(imported));
    assert_eq!(findings_of(&offline, &check("azure-finetune")), live);
    // The same records imported into an OpenAI store answer nothing.
    let openai = ScoreStore::new(
        "omni-moderation-latest",
        None,
        Some(ImportedScores::parse(&text).unwrap()),
    );
    let f = findings_of(&openai, &check("finetune"));
    assert_eq!(f.len(), 12, "{f:#?}");
    assert!(f.iter().all(|l| l.contains(" M004 ")), "{f:#?}");
}

// ---------------------------------------------------------------------------------------------
// End to end: the binary against the stand-in, found through CONTENT_SAFETY_ENDPOINT.

const FIXTURE: &str = "fixtures/azure-content-safety/train.jsonl";

/// ftlint in the crate root with score cache `cache`, the stand-in at `endpoint` and the
/// sentinel key.
fn ftlint(cache: &Path, endpoint: &str, args: &[&str]) -> Output {
    common::command(Path::new(env!("CARGO_MANIFEST_DIR")), cache)
        .args(args)
        .env("CONTENT_SAFETY_ENDPOINT", endpoint)
        .env("CONTENT_SAFETY_KEY", SENTINEL)
        .output()
        .unwrap()
}

fn assert_no_key_in(o: &Output) {
    assert_no_key(&stdout(o));
    assert_no_key(&stderr(o));
}

const CHECK_AZURE: &[&str] = &[
    "check",
    FIXTURE,
    // Azure's own gate: the verdict (M006) speaks of it.
    "--target",
    "azure-openai",
    "--moderation-provider",
    "azure-content-safety",
    "--select",
    "M",
    "--output-format",
    "concise",
];

#[test]
fn check_end_to_end_live_then_offline_from_the_cache() {
    let server = Server::start(|_, r| Reply::ok(analysis(r)));
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let live = ftlint(
        &cache,
        &server.url("/"),
        &[CHECK_AZURE, &["--moderation", "api"]].concat(),
    );
    assert_eq!(live.status.code(), Some(1), "{}", stderr(&live));
    assert_eq!(
        stdout(&live),
        "fixtures/azure-content-safety/train.jsonl:1:1: error: M003 `1` of `4` examples are flagged; profile `azure-finetune` allows at most 0 flagged: the service would block the file. Flagged lines: 2\n\
         fixtures/azure-content-safety/train.jsonl:1:1: error: M006 high moderation risk for the `azure-openai` content gate under profile `azure-finetune` (6 points, high from 4): 1) 1 of 4 examples is flagged or at an error level (line 2), past the profile's gate; 2) `sexual` is past its warn level severity 2 on 1 of 4 scored examples, up to severity 4 (2.0×, line 2); 3) `violence` is past its warn level severity 3 on 1 of 4 scored examples, up to severity 3 (1.0×, line 3). Azure OpenAI's training-data safety check uses fixed thresholds it does not publish: this is ftlint's estimate\n\
         fixtures/azure-content-safety/train.jsonl:2:170: error: M002 `sexual` severity `4` (medium) is at or over the error threshold `4` (medium) of profile `azure-finetune` (model `azure-content-safety-2024-09-01-EightSeverityLevels`)\n\
         fixtures/azure-content-safety/train.jsonl:3:191: warning: M002 `violence` severity `3` (low) is at or over the warn threshold `3` (low) of profile `azure-finetune` (model `azure-content-safety-2024-09-01-EightSeverityLevels`)\n"
    );
    assert_eq!(server.requests().len(), 9);
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("ocp-apim-subscription-key") == Some(SENTINEL)));

    // The rerun is offline, from the cache: no request, the same bytes.
    let offline = ftlint(
        &cache,
        "http://127.0.0.1:9",
        &[CHECK_AZURE, &["--moderation", "cache", "--offline"]].concat(),
    );
    assert_eq!(offline.stdout, live.stdout);
    assert_eq!(offline.status.code(), Some(1));
    assert_eq!(server.requests().len(), 9);

    // The full report names the riskiest examples in severities.
    let full = ftlint(
        &cache,
        "http://127.0.0.1:9",
        &[
            "check",
            FIXTURE,
            "--moderation-provider",
            "azure-content-safety",
            "--select",
            "M",
            "--offline",
        ],
    );
    let text = stdout(&full);
    assert!(
        text.contains("line 2: sexual severity 4 (medium) at /messages/2/content (flagged)"),
        "{text}"
    );
    assert!(
        text.contains("line 3: violence severity 3 (low) at /messages/2/content"),
        "{text}"
    );
    // Texts rated 0 in every category are not "risky".
    assert!(!text.contains("severity 0"), "{text}");

    // OpenAI's check of the same file with the same cache sees no score (and exits 0 with the
    // moderation-not-checked note): the severities were not taken for probabilities.
    let openai = ftlint(
        &cache,
        "http://127.0.0.1:9",
        &[
            "check",
            FIXTURE,
            "--select",
            "M",
            "--offline",
            "--output-format",
            "concise",
        ],
    );
    assert_eq!(openai.status.code(), Some(0), "{}", stderr(&openai));
    assert_eq!(stdout(&openai), "");

    for o in [&live, &offline, &full, &openai] {
        assert_no_key_in(o);
    }
    for f in files_below(&cache) {
        assert_no_key(&String::from_utf8_lossy(&std::fs::read(&f).unwrap()));
    }
}

#[test]
fn moderate_exports_azure_scores_that_check_imports() {
    let server = Server::start(|_, r| Reply::ok(analysis(r)));
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let export = dir.path().join("scores.ndjson");
    let o = ftlint(
        &cache,
        &server.url("/"),
        &[
            "moderate",
            FIXTURE,
            "--moderation-provider",
            "azure-content-safety",
            "--export",
            export.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "fetched 9 new scores into the cache\n");
    assert_no_key_in(&o);
    let exported = std::fs::read_to_string(&export).unwrap();
    assert_no_key(&exported);
    assert_eq!(exported.lines().count(), 12);
    let first: Value = serde_json::from_str(exported.lines().next().unwrap()).unwrap();
    assert_eq!(first["provider"], "azure-content-safety");
    assert_eq!(first["model"], AZURE_KEY);

    // Imported into a run with an empty cache and no network: the same findings.
    let empty = dir.path().join("empty");
    let o = ftlint(
        &empty,
        "http://127.0.0.1:9",
        &[
            CHECK_AZURE,
            &["--offline", "--scores", export.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(":2:170: error: M002 `sexual` severity `4` (medium)"),
        "{out}"
    );
    assert!(!out.contains("M004"), "{out}");

    // The same file for an OpenAI run is refused: it holds no OpenAI score.
    let o = ftlint(
        &empty,
        "http://127.0.0.1:9",
        &[
            "check",
            FIXTURE,
            "--offline",
            "--scores",
            export.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ftlint: error: the scores file holds `azure-content-safety` scores only, but the moderation provider is `openai`; pass `--moderation-provider azure-content-safety` or scores of `openai`\n"
    );
}

#[test]
fn setup_errors_exit_2_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("c");
    let run = |env: &[(&str, &str)], extra: &[&str]| {
        let mut c = common::command(Path::new(env!("CARGO_MANIFEST_DIR")), &cache);
        c.args(CHECK_AZURE).args(extra);
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    /// Environment, extra flags, the error line.
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str], &'a str);
    let cases: [Case<'_>; 5] = [
        (
            &[("CONTENT_SAFETY_ENDPOINT", "http://127.0.0.1:9")],
            &["--moderation", "api"],
            "`CONTENT_SAFETY_KEY` is not set: `--moderation-provider azure-content-safety` with `--moderation api` needs it (or use `--moderation cache` with `--scores FILE`)",
        ),
        (
            &[("CONTENT_SAFETY_KEY", SENTINEL)],
            &["--moderation", "api"],
            "`CONTENT_SAFETY_ENDPOINT` is not set: it is your Content Safety resource's URL, e.g. `https://<resource>.cognitiveservices.azure.com`",
        ),
        (
            &[],
            &["--profile", "finetune"],
            "profile `finetune` has thresholds in probabilities (0–1), but `azure-content-safety` scores in severities (0–7); use `--profile azure-finetune` or a profile with `scale = \"severity\"`",
        ),
        (
            &[],
            &["--moderation-model", "omni-moderation-latest"],
            "`--moderation-model omni-moderation-latest` is not an output type of `azure-content-safety`; expected `EightSeverityLevels` or `FourSeverityLevels`",
        ),
        (
            &[("CONTENT_SAFETY_KEY", SENTINEL)],
            &["--moderation", "api", "--offline"],
            "`--offline` forbids `--moderation api` (use `--moderation cache`)",
        ),
    ];
    for (env, extra, want) in cases {
        let o = run(env, extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        assert_eq!(stderr(&o), format!("ftlint: error: {want}\n"), "{extra:?}");
        assert_no_key_in(&o);
    }
}

#[test]
fn a_refused_key_stops_the_run_and_is_never_shown() {
    let server = Server::start(|_, _| {
        Reply::status(
            401,
            &format!(
                r#"{{"error":{{"code":"401","message":"Access denied due to invalid subscription key {SENTINEL}."}}}}"#
            ),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let o = ftlint(
        &cache,
        &server.url("/"),
        &[CHECK_AZURE, &["--moderation", "api", "--concurrency", "1"]].concat(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ftlint: error: moderation not checked in full: Azure AI Content Safety refused the key (401): check CONTENT_SAFETY_KEY and that it belongs to the resource at CONTENT_SAFETY_ENDPOINT (Access denied due to invalid subscription key <redacted>.)\n"
    );
    assert_eq!(server.requests().len(), 1);
    assert_no_key_in(&o);
    assert!(files_below(&cache)
        .iter()
        .all(|f| !String::from_utf8_lossy(&std::fs::read(f).unwrap()).contains("SENTINEL")));
}

#[test]
fn config_shows_the_provider_its_profile_and_model_key() {
    let dir = tempfile::tempdir().unwrap();
    let o = ftlint(
        &dir.path().join("c"),
        "http://127.0.0.1:9",
        &[
            "config",
            "--isolated",
            "--moderation-provider",
            "azure-content-safety",
            "--moderation-model",
            "FourSeverityLevels",
            FIXTURE,
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for line in [
        "moderation-provider = \"azure-content-safety\"  # flag",
        "profile = \"azure-finetune\"  # default",
        "moderation-model = \"azure-content-safety-2024-09-01-FourSeverityLevels\"  # flag",
    ] {
        assert!(out.lines().any(|l| l == line), "{line}\n{out}");
    }
}
