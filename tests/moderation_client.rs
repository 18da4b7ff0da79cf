//! The moderation client, store and cache against a local HTTP server (127.0.0.1 only) with
//! injected faults; cache safety under concurrent processes and kills; the profile dataset's
//! recorded scores under both built-in profiles; the API key never leaking.

mod common;
#[path = "support/loopback.rs"]
mod loopback;

use loopback::{Reply, Request, Server};

use common::files_below;
use ftlint::moderation::cache::Cache;
use ftlint::moderation::client::{BatchDone, ClientConfig, ClientError, ModerationClient, Sleeper};
use ftlint::moderation::import::{write_records, ImportedScores, ScoreRecord};
use ftlint::moderation::scores::{text_hash, ModerationResponse};
use ftlint::moderation::{
    Category, ModerationCheck, Profile, Resolved, ScoreStore, TextUnit, UnitMode,
};
use ftlint::rules::Severity;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SENTINEL: &str = "sk-proj-SENTINEL0123456789abcdefXYZ";

/// A moderation answer for the request: each text `t<N>` gets `sexual` = N / 100000 so order
/// is checkable; a text containing "FLAG" is flagged for violence.
fn answer(req: &Request) -> String {
    let results: Vec<Value> = req
        .inputs()
        .iter()
        .map(|t| {
            let n: f64 = t
                .trim_start_matches('t')
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap_or(0.0);
            let flag = t.contains("FLAG");
            json!({
                "flagged": flag,
                "categories": {"sexual": false, "violence": flag, "illicit": null},
                "category_scores": {"sexual": n / 100000.0, "violence": if flag {0.93} else {0.001},
                                    "illicit": null, "self_harm": 0.0001}
            })
        })
        .collect();
    json!({"id": "modr-1", "model": "omni-moderation-2024-09-26", "results": results}).to_string()
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

fn client_for(server: &Server) -> (ModerationClient, Arc<Recorder>) {
    let mut c = ClientConfig::from_vars(Some(SENTINEL.into()), Some(server.url("/v1/"))).unwrap();
    c.timeout = Duration::from_secs(10);
    client_with(c)
}

fn client_with(c: ClientConfig) -> (ModerationClient, Arc<Recorder>) {
    let rec = Arc::new(Recorder::default());
    let client = ModerationClient::new(c).unwrap().with_sleeper(rec.clone());
    (client, rec)
}

fn texts(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("t{i} some text")).collect()
}

fn refs(t: &[String]) -> Vec<&str> {
    t.iter().map(String::as_str).collect()
}

fn no_progress(_: BatchDone<'_>) {}

fn assert_no_key(s: &str) {
    assert!(!s.contains("SENTINEL"), "key leaked: {s}");
    assert!(!s.contains("XYZ"), "key tail leaked: {s}");
}

// ---------------------------------------------------------------------------------------------
// Client behaviour.

#[test]
fn batches_keep_order_under_concurrency() {
    let server = Server::start(|_, r| Reply::ok(answer(r)));
    let (client, rec) = client_for(&server);
    let t = texts(70);
    let progress = Mutex::new(Vec::new());
    let scores = client
        .score(&refs(&t), &|b: BatchDone<'_>| {
            progress
                .lock()
                .unwrap()
                .push((b.first, b.scores.len(), b.done, b.total))
        })
        .unwrap();
    assert_eq!(scores.len(), 70);
    for (i, s) in scores.iter().enumerate() {
        assert_eq!(
            s.get(Category::Sexual),
            Some(i as f64 / 100000.0),
            "text {i}"
        );
        assert_eq!(s.model, "omni-moderation-2024-09-26");
    }
    let reqs = server.requests();
    let mut sizes: Vec<usize> = reqs.iter().map(|r| r.inputs().len()).collect();
    sizes.sort();
    assert_eq!(sizes, [6, 32, 32]);
    for r in &reqs {
        assert_eq!(r.target, "/v1/moderations");
        assert_eq!(
            r.header("authorization"),
            Some(&*format!("Bearer {SENTINEL}"))
        );
        assert_eq!(r.body["model"], "omni-moderation-latest");
    }
    let mut p = progress.into_inner().unwrap();
    p.sort();
    assert_eq!(
        p.iter().map(|x| (x.0, x.1)).collect::<Vec<_>>(),
        [(0, 32), (32, 32), (64, 6)]
    );
    assert!(p.iter().all(|x| x.3 == 70));
    assert_eq!(p.iter().map(|x| x.2).max(), Some(70));
    assert!(rec.sleeps().is_empty());
}

#[test]
fn byte_budget_splits_batches() {
    let server = Server::start(|_, r| Reply::ok(answer(r)));
    let mut c = ClientConfig::from_vars(Some(SENTINEL.into()), Some(server.url("/v1/"))).unwrap();
    c.max_batch_bytes = 100;
    c.concurrency = 1;
    let (client, _) = client_with(c);
    let t: Vec<String> = (0..5).map(|i| format!("t{i} {}", "x".repeat(40))).collect();
    let scores = client.score(&refs(&t), &no_progress).unwrap();
    assert_eq!(scores.len(), 5);
    let sizes: Vec<usize> = server.requests().iter().map(|r| r.inputs().len()).collect();
    assert_eq!(sizes, [2, 2, 1]);
}

#[test]
fn retry_after_ms_is_honoured() {
    let server = Server::start(|i, r| {
        if i == 0 {
            Reply::status(429, r#"{"error":{"message":"Rate limit reached"}}"#)
                .header("retry-after-ms", "1234")
                .header("retry-after", "9")
        } else {
            Reply::ok(answer(r))
        }
    });
    let (client, rec) = client_for(&server);
    let t = texts(3);
    assert_eq!(client.score(&refs(&t), &no_progress).unwrap().len(), 3);
    let s = rec.sleeps();
    // The server's delay, spread up to a quarter later (never sooner).
    assert!(
        s.len() == 1
            && s[0] >= Duration::from_millis(1234)
            && s[0] <= Duration::from_micros(1_542_500),
        "{s:?}"
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn retry_after_seconds_and_http_date_are_honoured() {
    let server = Server::start(|i, r| match i {
        0 => Reply::status(429, "slow down").header("retry-after", "3"),
        1 => {
            let at = std::time::SystemTime::now() + Duration::from_secs(20);
            Reply::status(429, "slow down").header("retry-after", &httpdate::fmt_http_date(at))
        }
        _ => Reply::ok(answer(r)),
    });
    let mut c = ClientConfig::from_vars(Some(SENTINEL.into()), Some(server.url("/v1/"))).unwrap();
    c.concurrency = 1;
    let (client, rec) = client_with(c);
    let t = texts(2);
    assert_eq!(client.score(&refs(&t), &no_progress).unwrap().len(), 2);
    let sleeps = rec.sleeps();
    assert!(
        sleeps[0] >= Duration::from_secs(3) && sleeps[0] <= Duration::from_millis(3750),
        "{sleeps:?}"
    );
    // An HTTP date 20 s ahead (whole seconds, so 18–20 s after transit), up to 25% more.
    assert!(
        sleeps[1] >= Duration::from_secs(18) && sleeps[1] <= Duration::from_secs(25),
        "{sleeps:?}"
    );
}

#[test]
fn server_error_then_success_backs_off_with_jitter() {
    let server = Server::start(|i, r| {
        if i < 2 {
            Reply::status(500, "oops")
        } else {
            Reply::ok(answer(r))
        }
    });
    let (client, rec) = client_for(&server);
    let t = texts(1);
    assert_eq!(client.score(&refs(&t), &no_progress).unwrap().len(), 1);
    let s = rec.sleeps();
    assert_eq!(s.len(), 2);
    // 0.5 s then 1 s, each times a jitter factor in (0.5, 1].
    assert!(
        s[0] > Duration::from_millis(250) && s[0] <= Duration::from_millis(500),
        "{s:?}"
    );
    assert!(
        s[1] > Duration::from_millis(500) && s[1] <= Duration::from_millis(1000),
        "{s:?}"
    );
}

#[test]
fn persistent_503_gives_up_after_bounded_tries() {
    let server = Server::start(|_, _| Reply::status(503, r#"{"error":{"message":"overloaded"}}"#));
    let (client, rec) = client_for(&server);
    let t = texts(1);
    let err = client.score(&refs(&t), &no_progress).unwrap_err();
    assert!(
        matches!(err, ClientError::GaveUp { tries: 6, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("overloaded"), "{err}");
    assert_eq!(server.requests().len(), 6);
    let s = rec.sleeps();
    assert_eq!(s.len(), 5);
    // Capped at 8 s.
    assert!(s.iter().all(|d| *d <= Duration::from_secs(8)));
    assert!(s[4] > Duration::from_secs(4), "{s:?}");
}

#[test]
fn timeout_is_retried() {
    let server = Server::start(|i, r| {
        let mut reply = Reply::ok(answer(r));
        if i == 0 {
            reply.delay = Duration::from_secs(3);
        }
        reply
    });
    let mut c = ClientConfig::from_vars(Some(SENTINEL.into()), Some(server.url("/v1/"))).unwrap();
    c.timeout = Duration::from_millis(300);
    let (client, rec) = client_with(c);
    let t = texts(2);
    let start = Instant::now();
    assert_eq!(client.score(&refs(&t), &no_progress).unwrap().len(), 2);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(rec.sleeps().len(), 1);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn timeouts_every_time_give_up_naming_the_timeout() {
    let server = Server::start(|_, r| {
        let mut reply = Reply::ok(answer(r));
        reply.delay = Duration::from_secs(2);
        reply
    });
    let mut c = ClientConfig::from_vars(Some(SENTINEL.into()), Some(server.url("/v1/"))).unwrap();
    c.timeout = Duration::from_millis(200);
    c.max_retries = 1;
    let (client, _) = client_with(c);
    let t = texts(1);
    let err = client.score(&refs(&t), &no_progress).unwrap_err();
    assert!(
        matches!(err, ClientError::GaveUp { tries: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("timed out"), "{err}");
    assert_no_key(&err.to_string());
}

#[test]
fn malformed_bodies_are_errors_without_retry() {
    for body in [
        "this is not json".to_string(),
        json!({"model": "m", "results": [{"flagged": false, "category_scores": {}}]}).to_string(),
        json!({"model": "m"}).to_string(),
        // Probabilities out of range: a broken or hostile server, never scored or cached.
        json!({"model": "m", "results": [
            {"flagged": false, "category_scores": {"hate": -0.5}},
            {"flagged": false, "category_scores": {"violence": 5.0}},
        ]})
        .to_string(),
    ] {
        let server = Server::start(move |_, _| Reply::ok(body.clone()));
        let (client, rec) = client_for(&server);
        let t = texts(2);
        let err = client.score(&refs(&t), &no_progress).unwrap_err();
        assert!(matches!(err, ClientError::Malformed(_)), "{err:?}");
        assert_eq!(server.requests().len(), 1);
        assert!(rec.sleeps().is_empty());
    }
}

#[test]
fn unauthorized_stops_at_once_without_leaking_the_key() {
    let server = Server::start(|_, _| {
        Reply::status(
            401,
            r#"{"error":{"message":"Incorrect API key provided: sk-proj-****************************XYZ. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","code":"invalid_api_key"}}"#,
        )
    });
    let (client, rec) = client_for(&server);
    let t = texts(40);
    let err = client.score(&refs(&t), &no_progress).unwrap_err();
    assert!(matches!(err, ClientError::Unauthorized(_)), "{err:?}");
    let shown = err.to_string();
    assert!(shown.contains("check OPENAI_API_KEY"), "{shown}");
    assert!(shown.contains("Incorrect API key provided"), "{shown}");
    assert_no_key(&shown);
    assert_no_key(&format!("{err:?}"));
    assert!(rec.sleeps().is_empty());
    // Both batches may have started before the first 401 stopped the run; none was retried.
    assert!(server.requests().len() <= 2);
}

#[test]
fn bad_request_and_forbidden_stop_at_once() {
    for (status, want) in [(400, "400"), (403, "403"), (404, "404")] {
        let server =
            Server::start(move |_, _| Reply::status(status, r#"{"error":{"message":"nope"}}"#));
        let mut c =
            ClientConfig::from_vars(Some(SENTINEL.into()), Some(server.url("/v1/"))).unwrap();
        c.concurrency = 1;
        let (client, rec) = client_with(c);
        let err = client.score(&["a"], &no_progress).unwrap_err();
        assert!(err.to_string().contains(want), "{err}");
        assert!(err.to_string().contains("nope"), "{err}");
        assert_eq!(server.requests().len(), 1);
        assert!(rec.sleeps().is_empty());
    }
}

#[test]
fn x_should_retry_false_stops_a_retryable_status() {
    let server = Server::start(|_, _| Reply::status(500, "no").header("x-should-retry", "false"));
    let (client, _) = client_for(&server);
    let err = client.score(&["a"], &no_progress).unwrap_err();
    assert!(
        matches!(err, ClientError::Status { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn connection_refused_is_retried_then_reported() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut c = ClientConfig::from_vars(
        Some(SENTINEL.into()),
        Some(format!("http://127.0.0.1:{port}/v1")),
    )
    .unwrap();
    c.max_retries = 2;
    let (client, rec) = client_with(c);
    let err = client.score(&["a"], &no_progress).unwrap_err();
    assert!(
        matches!(err, ClientError::GaveUp { tries: 3, .. }),
        "{err:?}"
    );
    assert_eq!(rec.sleeps().len(), 2);
    assert_no_key(&err.to_string());
}

#[test]
fn offline_opens_no_socket() {
    let server = Server::start(|_, r| Reply::ok(answer(r)));
    let mut c = ClientConfig::from_vars(Some(SENTINEL.into()), Some(server.url("/v1/"))).unwrap();
    c.offline = true;
    let (client, _) = client_with(c);
    let err = client.score(&["a", "b"], &no_progress).unwrap_err();
    assert_eq!(err, ClientError::Offline);
    assert!(err.to_string().contains("--offline"));
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(server.connections(), 0);
}

#[test]
fn missing_key_is_a_clear_error() {
    let err = ClientConfig::from_vars(None, None).unwrap_err();
    assert_eq!(err, ClientError::NoApiKey);
    assert!(err.to_string().contains("OPENAI_API_KEY"));
}

#[test]
fn key_never_in_debug_or_display() {
    let c = ClientConfig::from_vars(Some(SENTINEL.into()), Some("http://127.0.0.1:1/v1".into()))
        .unwrap();
    assert_no_key(&format!("{c:?}"));
    assert_no_key(&format!("{:?} {}", c.api_key, c.api_key));
    let client = ModerationClient::new(c).unwrap();
    assert_no_key(&format!("{client:?}"));
}

// ---------------------------------------------------------------------------------------------
// Store + cache: fetch once, then offline and identical.

fn dataset_lines() -> Vec<Value> {
    vec![
        json!({"messages": [{"role": "user", "content": "t10 hello"}, {"role": "assistant", "content": "t20 hi"}]}),
        json!({"messages": [{"role": "user", "content": "t30 FLAG fight"}, {"role": "assistant", "content": "t6000 details"}]}),
        json!({"messages": [{"role": "user", "content": "t10 hello"}, {"role": "assistant", "content": "t40 bye"}]}),
    ]
}

fn findings_of(store: &ScoreStore, check: &ModerationCheck) -> Vec<String> {
    let mut out = Vec::new();
    let mut summaries = Vec::new();
    for (i, v) in dataset_lines().iter().enumerate() {
        let (f, s) = check.check_line(store, i as u64 + 1, v);
        summaries.push(s);
        out.extend(f.into_iter().map(|e| {
            let f = Worded::of(e);
            format!(
                "{}:{}:{}:{:?}:{}",
                i + 1,
                f.pointer,
                f.rule.code(),
                f.severity,
                f.message
            )
        }));
    }
    let report = check.check_file(&summaries);
    if let Some(g) = report.gate {
        let message =
            ftlint::rules::moderation::m003_too_many_flagged::message(&g.verdict, &g.worst_lines);
        out.push(format!("0::M003:{message}"));
    }
    out
}

fn unscored_texts(store: &ScoreStore, mode: UnitMode) -> Vec<String> {
    let mut out = Vec::new();
    for (i, v) in dataset_lines().iter().enumerate() {
        for (k, u) in ftlint::moderation::text_units(v, mode)
            .into_iter()
            .enumerate()
        {
            if !matches!(store.resolve(i as u64 + 1, k, &u), Resolved::Scored { .. }) {
                out.push(u.text);
            }
        }
    }
    out
}

#[test]
fn cache_round_trip_rerun_is_offline_and_identical() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(|_, r| Reply::ok(answer(r)));
    let check = ModerationCheck {
        profile: Profile::builtin("finetune").unwrap(),
        unit_mode: UnitMode::Message,
        report_unscored: true,
        require_scores: false,
    };

    // Live run: 5 distinct texts (one repeated) fetched.
    let store = ScoreStore::new("omni-moderation-latest", Some(Cache::new(dir.path())), None);
    let todo = unscored_texts(&store, UnitMode::Message);
    assert_eq!(todo.len(), 6);
    let (client, _) = client_for(&server);
    let calls = AtomicUsize::new(0);
    let stats = store
        .fetch(&client, &todo, &|done, total| {
            calls.fetch_add(1, Ordering::SeqCst);
            assert!(done <= total);
        })
        .unwrap();
    assert_eq!((stats.distinct, stats.known, stats.fetched), (5, 0, 5));
    assert!(calls.load(Ordering::SeqCst) >= 1);
    let live = findings_of(&store, &check);
    assert!(live.iter().any(|f| f.contains("M001")), "{live:?}");
    assert!(live.iter().any(|f| f.contains("M002")), "{live:?}");
    assert!(live.iter().any(|f| f.starts_with("0::M003")), "{live:?}");
    assert!(!live.iter().any(|f| f.contains("M004")), "{live:?}");

    // Rerun with the cache only, offline: same findings, no request.
    let before = server.requests().len();
    let store2 = ScoreStore::new("omni-moderation-latest", Some(Cache::new(dir.path())), None);
    assert!(unscored_texts(&store2, UnitMode::Message).is_empty());
    assert_eq!(findings_of(&store2, &check), live);
    let mut off = ClientConfig::from_vars(Some(SENTINEL.into()), Some(server.url("/v1/"))).unwrap();
    off.offline = true;
    let (offline_client, _) = client_with(off);
    // Nothing left to fetch, so even the offline client succeeds without a request.
    let stats = store2.fetch(&offline_client, &todo, &|_, _| {}).unwrap();
    assert_eq!((stats.known, stats.fetched), (5, 0));
    assert_eq!(server.requests().len(), before);

    // A rerun after an edit scores only the new text.
    let (client, _) = client_for(&server);
    let stats = store2
        .fetch(&client, &["t10 hello".into(), "t77 new".into()], &|_, _| {})
        .unwrap();
    assert_eq!((stats.known, stats.fetched), (1, 1));
    assert_eq!(server.requests().last().unwrap().inputs(), ["t77 new"]);

    // The key is in no cache file.
    for f in files_below(dir.path()) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("SENTINEL"),
            "{}",
            f.display()
        );
    }
}

#[test]
fn unscored_texts_are_m004_only_when_asked() {
    let store = ScoreStore::new("omni-moderation-latest", None, None);
    let mut check = ModerationCheck {
        profile: Profile::builtin("finetune").unwrap(),
        unit_mode: UnitMode::Message,
        report_unscored: true,
        require_scores: true,
    };
    let f = findings_of(&store, &check);
    assert_eq!(f.len(), 6);
    assert!(f.iter().all(|f| f.contains("M004:Error")), "{f:?}");
    check.report_unscored = false;
    assert!(findings_of(&store, &check).is_empty());
    let (_, s) = check.check_line(&store, 1, &dataset_lines()[0]);
    let report = check.check_file(&[s]);
    assert!(report.not_checked_note.is_some());
}

// ---------------------------------------------------------------------------------------------
// Cache safety: several processes at once; kill -9 mid-write.

const WRITER_ENV: &str = "FTLINT_TEST_CACHE_WRITER";

fn writer_score(i: usize) -> ftlint::moderation::Score {
    let v = json!({"flagged": false, "category_scores": {"hate": (i % 1000) as f64 / 1000.0}});
    ftlint::moderation::Score::from_result("omni-moderation-2024-09-26", &v).unwrap()
}

/// Not a test of its own: the body of the child processes below (does nothing unless the
/// parent test set the environment variable).
#[test]
fn cache_writer_child() {
    let Ok(spec) = std::env::var(WRITER_ENV) else {
        return;
    };
    let mut parts = spec.split('|');
    let dir = parts.next().unwrap();
    let count: usize = parts.next().unwrap().parse().unwrap();
    let cache = Cache::new(dir);
    let out = std::io::stdout();
    for i in 0..count {
        // Every writer writes the same texts, so they race on every record.
        let text = format!("shared text {i}");
        cache.put("m", &text_hash(&text), &writer_score(i)).unwrap();
        let mut o = out.lock();
        writeln!(o, "done {i}").unwrap();
        o.flush().unwrap();
    }
}

/// The index of a child's `done N` line. libtest prints `test cache_writer_child ... ` without
/// a newline before the test's own output, so the first one may have a prefix.
fn done_index(line: &str) -> Option<usize> {
    line.rsplit_once("done ")?.1.trim().parse().ok()
}

fn spawn_writer(dir: &Path, count: usize) -> std::process::Child {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "cache_writer_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(WRITER_ENV, format!("{}|{count}", dir.display()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn concurrent_writer_processes_never_corrupt_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let n = 300;
    let children: Vec<_> = (0..4).map(|_| spawn_writer(dir.path(), n)).collect();
    // Read while they write: every record seen is either absent or whole.
    let cache = Cache::new(dir.path());
    let mut seen_whole = 0;
    for _ in 0..3 {
        for i in 0..n {
            if let Some(s) = cache.get("m", &text_hash(&format!("shared text {i}"))) {
                assert_eq!(s, writer_score(i));
                seen_whole += 1;
            }
        }
    }
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success());
        let done = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(done_index)
            .count();
        assert_eq!(done, n);
    }
    for i in 0..n {
        assert_eq!(
            cache.get("m", &text_hash(&format!("shared text {i}"))),
            Some(writer_score(i)),
            "record {i}"
        );
    }
    let stray = files_below(dir.path())
        .iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".tmp-")
        })
        .count();
    assert_eq!(stray, 0);
    eprintln!("records read whole while writers ran: {seen_whole}");
}

#[test]
fn kill_9_loses_no_completed_score_and_leaves_no_torn_record() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..3 {
        let mut child = spawn_writer(dir.path(), 1_000_000);
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            for i in BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| done_index(&l))
            {
                let _ = tx.send(i);
            }
        });
        // Kill only once the writer is under way (process start may be slow on a busy machine).
        let first = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the writer made no progress");
        std::thread::sleep(Duration::from_millis(50 + 100 * round));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        reader.join().unwrap();
        let done: Vec<usize> = std::iter::once(first).chain(rx.try_iter()).collect();
        let cache = Cache::new(dir.path());
        for &i in &done {
            assert_eq!(
                cache.get("m", &text_hash(&format!("shared text {i}"))),
                Some(writer_score(i)),
                "completed record {i} lost"
            );
        }
        // Whatever else is on disk under a record name is whole.
        for f in files_below(dir.path()) {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".json") {
                let v: Value = serde_json::from_slice(&std::fs::read(&f).unwrap())
                    .unwrap_or_else(|e| panic!("torn record {name}: {e}"));
                assert!(v.get("score").is_some());
            }
        }
        eprintln!(
            "round {round}: {} records completed before the kill",
            done.len()
        );
    }
}

#[test]
fn torn_record_on_disk_is_skipped_and_repaired_by_a_fetch() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(|_, r| Reply::ok(answer(r)));
    let (client, _) = client_for(&server);
    let store = ScoreStore::new("omni-moderation-latest", Some(Cache::new(dir.path())), None);
    store
        .fetch(&client, &["t1 a".into(), "t2 b".into()], &|_, _| {})
        .unwrap();
    // Tear one record as a crash before the data reached the disk would.
    let victim = files_below(dir.path())
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    let bytes = std::fs::read(&victim).unwrap();
    std::fs::write(&victim, &bytes[..bytes.len() / 3]).unwrap();
    let unit = |t: &str| TextUnit {
        pointer: "/messages/0/content".into(),
        text: t.into(),
    };
    // The fetch also packed both scores: the pack still has the torn one.
    let store = ScoreStore::new("omni-moderation-latest", Some(Cache::new(dir.path())), None);
    for t in ["t1 a", "t2 b"] {
        assert!(matches!(
            store.resolve(1, 0, &unit(t)),
            Resolved::Scored { .. }
        ));
    }
    // Without the pack, the torn record reads as missing, and a fetch repairs it.
    let pack = files_below(dir.path())
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == "pack-v2.bin"))
        .expect("the fetch wrote a pack");
    std::fs::remove_file(pack).unwrap();
    let store = ScoreStore::new("omni-moderation-latest", Some(Cache::new(dir.path())), None);
    let unscored: Vec<String> = ["t1 a", "t2 b"]
        .iter()
        .filter(|t| matches!(store.resolve(1, 0, &unit(t)), Resolved::Unscored))
        .map(|t| t.to_string())
        .collect();
    assert_eq!(unscored.len(), 1);
    let stats = store.fetch(&client, &unscored, &|_, _| {}).unwrap();
    assert_eq!(stats.fetched, 1);
    assert_eq!(std::fs::read(&victim).unwrap(), bytes);
}

// ---------------------------------------------------------------------------------------------
// The profile dataset with its recorded scores.

fn profile_dataset() -> Vec<Value> {
    include_str!("../fixtures/profile-dataset/train.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The recording scored all eleven Q&A as one text; give that score to every example through
/// a per-text scores file.
fn recorded_scores_file(mode: UnitMode) -> String {
    let recorded = ModerationResponse::parse(include_str!(
        "../fixtures/profile-dataset/moderation-response.json"
    ))
    .unwrap()
    .results
    .remove(0);
    let mut records = Vec::new();
    for (i, v) in profile_dataset().iter().enumerate() {
        for u in ftlint::moderation::text_units(v, mode) {
            records.push(ScoreRecord::new(
                i as u64 + 1,
                &u.pointer,
                &text_hash(&u.text),
                &recorded,
            ));
        }
    }
    let mut buf = Vec::new();
    write_records(&mut buf, &records).unwrap();
    String::from_utf8(buf).unwrap()
}

/// A moderation result as its rule words it.
#[derive(Debug)]
struct Worded {
    rule: &'static ftlint::rules::RuleMeta,
    severity: Severity,
    pointer: String,
    message: String,
}

impl Worded {
    fn of(e: ftlint::moderation::UnitEvent) -> Worded {
        let f = ftlint::rules::moderation::describe(&e);
        Worded {
            rule: f.rule,
            severity: f.severity.unwrap_or(f.rule.severity),
            pointer: e.pointer,
            message: f.message,
        }
    }
}

fn run_profile(profile: &str) -> (Vec<(u64, Worded)>, ftlint::moderation::FileReport) {
    let imported = ImportedScores::parse(&recorded_scores_file(UnitMode::Example)).unwrap();
    let store = ScoreStore::new("omni-moderation-latest", None, Some(imported));
    let check = ModerationCheck {
        profile: Profile::builtin(profile).unwrap(),
        unit_mode: UnitMode::Example,
        report_unscored: true,
        require_scores: true,
    };
    let mut findings = Vec::new();
    let mut summaries = Vec::new();
    for (i, v) in profile_dataset().iter().enumerate() {
        let (f, s) = check.check_line(&store, i as u64 + 1, v);
        findings.extend(f.into_iter().map(|e| (i as u64 + 1, Worded::of(e))));
        summaries.push(s);
    }
    (findings, check.check_file(&summaries))
}

#[test]
fn profile_dataset_under_finetune_explains_the_risk() {
    let (findings, report) = run_profile("finetune");
    assert_eq!(findings.len(), 22, "{findings:#?}");
    for line in 1..=11u64 {
        let msgs: Vec<&str> = findings
            .iter()
            .filter(|(l, _)| *l == line)
            .map(|(_, f)| {
                assert_eq!(f.rule.code(), "M002");
                assert_eq!(f.severity, Severity::Warning);
                assert_eq!(f.pointer, "");
                f.message.as_str()
            })
            .collect();
        assert_eq!(
            msgs,
            [
                "`sexual` score `0.0687` is at or over the warn threshold `0.0500` of profile `finetune` (model `text-moderation-007`)",
                "`sexual/minors` score `0.0162` is at or over the warn threshold `0.0100` of profile `finetune` (model `text-moderation-007`)",
            ]
        );
    }
    assert!(report.gate.is_none());
    // One score of the whole text on every example ranks nothing: no riskiest list (M007).
    assert!(report.riskiest.is_empty());
    match &report.ranking.cannot_rank {
        Some(ftlint::moderation::ranking::CannotRank::Identical {
            examples,
            model,
            top: Some((category, _)),
        }) => {
            assert_eq!((*examples, model.as_str()), (11, "text-moderation-007"));
            assert_eq!(*category, Category::SexualMinors);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn profile_dataset_under_api_says_nothing() {
    let (findings, report) = run_profile("api");
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(report.gate.is_none());
}

#[test]
fn profile_dataset_per_message_scores_and_stale_detection() {
    let file = recorded_scores_file(UnitMode::Message);
    let imported = ImportedScores::parse(&file).unwrap();
    let store = ScoreStore::new("omni-moderation-latest", None, Some(imported));
    let check = ModerationCheck {
        profile: Profile::builtin("finetune").unwrap(),
        unit_mode: UnitMode::Message,
        report_unscored: true,
        require_scores: false,
    };
    let mut lines = profile_dataset();
    let (f, _) = check.check_line(&store, 1, &lines[0]);
    assert_eq!(f.len(), 6);
    assert_eq!(f[0].pointer, "/messages/0/content");
    // Edit line 5's answer: its record is stale now (M005), the others still apply.
    lines[4]["messages"][2]["content"] = json!("東京都品川区です。");
    let (f, _) = check.check_line(&store, 5, &lines[4]);
    let codes: Vec<_> = f
        .iter()
        .map(|e| {
            (
                ftlint::rules::moderation::describe(e).rule.code(),
                e.pointer.as_str(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("M002", "/messages/0/content"),
            ("M002", "/messages/0/content"),
            ("M002", "/messages/1/content"),
            ("M002", "/messages/1/content"),
            ("M005", "/messages/2/content"),
        ]
    );
}

#[test]
fn export_then_import_reproduces_the_live_findings() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(|_, r| Reply::ok(answer(r)));
    let (client, _) = client_for(&server);
    let check = ModerationCheck {
        profile: Profile::builtin("finetune").unwrap(),
        unit_mode: UnitMode::Message,
        report_unscored: true,
        require_scores: true,
    };
    let store = ScoreStore::new("omni-moderation-latest", Some(Cache::new(dir.path())), None);
    let todo: Vec<String> = dataset_lines()
        .iter()
        .enumerate()
        .flat_map(|(i, v)| store.unscored_texts(i as u64 + 1, v, UnitMode::Message))
        .collect();
    store.fetch(&client, &todo, &|_, _| {}).unwrap();
    let live = findings_of(&store, &check);
    let records: Vec<ScoreRecord> = dataset_lines()
        .iter()
        .enumerate()
        .flat_map(|(i, v)| store.records_for_line(i as u64 + 1, v, UnitMode::Message))
        .collect();
    assert_eq!(records.len(), 6);
    let mut buf = Vec::new();
    write_records(&mut buf, &records).unwrap();
    assert_no_key(&String::from_utf8_lossy(&buf));
    let imported = ImportedScores::parse(std::str::from_utf8(&buf).unwrap()).unwrap();
    let offline = ScoreStore::new("omni-moderation-latest", None, Some(imported));
    assert_eq!(findings_of(&offline, &check), live);
}

/// Timings for the report: `cargo test --release --test moderation_client -- --ignored --nocapture`.
#[test]
#[ignore]
fn measure() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path());
    let n = 30_000;
    let texts: Vec<String> = (0..n).map(|i| format!("t{i} measured text")).collect();
    let score = writer_score(1);
    let t = Instant::now();
    for s in &texts {
        cache.put("m", &text_hash(s), &score).unwrap();
    }
    eprintln!("cache put: {n} records in {:?}", t.elapsed());
    let t = Instant::now();
    let hits = texts
        .iter()
        .filter(|s| cache.get("m", &text_hash(s)).is_some())
        .count();
    eprintln!("cache get: {hits} hits in {:?}", t.elapsed());
    let t = Instant::now();
    let misses = texts
        .iter()
        .filter(|s| cache.get("m", &text_hash(&format!("{s}!"))).is_none())
        .count();
    eprintln!("cache get: {misses} misses in {:?}", t.elapsed());

    let server = Server::start(|_, r| Reply::ok(answer(r)));
    let (client, _) = client_for(&server);
    let fresh = tempfile::tempdir().unwrap();
    let store = ScoreStore::new("m", Some(Cache::new(fresh.path())), None);
    let t = Instant::now();
    let stats = store.fetch(&client, &texts[..10_000], &|_, _| {}).unwrap();
    eprintln!(
        "fetch: {} texts in {} requests (loopback, 4 at once, cache writes included) in {:?}",
        stats.fetched,
        server.requests().len(),
        t.elapsed()
    );

    let lines = profile_dataset();
    let check = ModerationCheck {
        profile: Profile::builtin("finetune").unwrap(),
        unit_mode: UnitMode::Message,
        report_unscored: false,
        require_scores: false,
    };
    let empty = ScoreStore::new("m", None, None);
    let t = Instant::now();
    for k in 0..100_000u64 {
        let _ = check.check_line(&empty, k + 1, &lines[(k % 11) as usize]);
    }
    eprintln!(
        "check_line, no scores anywhere: 100000 lines in {:?}",
        t.elapsed()
    );
    let imported = ImportedScores::parse(&recorded_scores_file(UnitMode::Message)).unwrap();
    let store = ScoreStore::new("m", None, Some(imported));
    let t = Instant::now();
    for k in 0..100_000u64 {
        let _ = check.check_line(&store, (k % 11) + 1, &lines[(k % 11) as usize]);
    }
    eprintln!(
        "check_line, imported scores (3 texts/line): 100000 lines in {:?}",
        t.elapsed()
    );
}
