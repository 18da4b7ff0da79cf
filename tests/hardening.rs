//! Issue 19 (hardening): each defect an adversarial run found, reproduced here and kept fixed —
//! a hostile or busy moderation server on 127.0.0.1 (huge bodies, lock-step 429s, bad keys and
//! URLs), a broken score cache (unwritable, FIFOs, `/dev/zero`, flipped bits, stale temporary
//! files), other users' files under `--fix` (as `nobody` via `setpriv` when the tests run as
//! root; skipped with a printed reason otherwise), concurrent `--fix`, hostile directory walks
//! and CR-only line endings.

mod common;
#[path = "support/loopback.rs"]
mod loopback;

use loopback::{Reply, Request, Server};

use common::{stderr, stdout};
use ftlint::moderation::azure::{AzureClient, AzureConfig};
use ftlint::moderation::client::{BatchDone, ClientConfig, ClientError, ModerationClient};
use ftlint::moderation::transport::{Scorer, Sleeper};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "sk-proj-SENTINEL0123456789abcdefXYZ";

/// A moderation answer for the request: every text scores `sexual` 0.001.
fn answer(req: &Request) -> String {
    let results: Vec<Value> = req
        .inputs()
        .iter()
        .map(|_| json!({"flagged": false, "category_scores": {"sexual": 0.001, "violence": 0.001}}))
        .collect();
    json!({"id": "modr-1", "model": "omni-moderation-2024-09-26", "results": results}).to_string()
}

/// Records the waits instead of sleeping.
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

fn openai(server: &Server) -> ClientConfig {
    let mut c = ClientConfig::from_vars(Some(KEY.into()), Some(server.url("/v1"))).unwrap();
    c.timeout = Duration::from_secs(20);
    c
}

fn openai_client(c: ClientConfig) -> (ModerationClient, Arc<Recorder>) {
    let rec = Arc::new(Recorder::default());
    (
        ModerationClient::new(c).unwrap().with_sleeper(rec.clone()),
        rec,
    )
}

fn azure(server: &Server) -> AzureConfig {
    let mut c =
        AzureConfig::from_vars(Some(format!("http://{}/", server.addr)), Some(KEY.into())).unwrap();
    c.timeout = Duration::from_secs(20);
    c.min_interval = Duration::ZERO;
    c
}

fn azure_client(c: AzureConfig) -> (AzureClient, Arc<Recorder>) {
    let rec = Arc::new(Recorder::default());
    (AzureClient::new(c).unwrap().with_sleeper(rec.clone()), rec)
}

fn no_progress(_: BatchDone<'_>) {}

fn texts(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("text {i}")).collect()
}

fn refs(t: &[String]) -> Vec<&str> {
    t.iter().map(String::as_str).collect()
}

// ---------------------------------------------------------------------------------------------
// Item 7: response bodies are capped on every path, error statuses included.

/// What a server could push into the client's socket before the client stopped reading: the
/// bytes read plus what the kernel buffers on loopback. Far below the 8 MiB success cap.
const READ_AT_MOST: u64 = 4 << 20;

#[test]
fn a_huge_error_body_is_read_only_up_to_a_small_cap_and_not_retried() {
    for status in [500u16, 503, 429, 400] {
        let server = Server::start(move |_, _| Reply::endless(status, 512 << 20));
        let (client, rec) = openai_client(openai(&server));
        let start = Instant::now();
        let err = client.score(&["a"], &no_progress).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.contains(&format!("answered {status}"))
                && shown.contains("larger than 65536 bytes"),
            "{status}: {shown}"
        );
        // One request: a retry would only download it again.
        assert_eq!(server.requests().len(), 1, "{status}");
        assert!(rec.sleeps().is_empty(), "{status}");
        let sent = server.body_bytes();
        assert!(
            sent < READ_AT_MOST,
            "{status}: the server pushed {sent} bytes"
        );
        assert!(start.elapsed() < Duration::from_secs(10));
        assert!(!shown.contains("SENTINEL"));
    }
}

#[test]
fn azure_error_bodies_are_capped_too() {
    let server = Server::start(|_, _| Reply::endless(500, 512 << 20));
    let (client, rec) = azure_client(azure(&server));
    let err = client.score(&["a"], &no_progress).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.starts_with("Azure AI Content Safety answered 500")
            && shown.contains("larger than 65536 bytes"),
        "{shown}"
    );
    assert_eq!(server.requests().len(), 1);
    assert!(rec.sleeps().is_empty());
    assert!(server.body_bytes() < READ_AT_MOST);
}

/// A success that announces more than the cap is refused before its body is read; one that
/// hides its size (no usable length) is cut at the cap.
#[test]
fn a_huge_success_is_refused_by_its_declared_length() {
    let server = Server::start(|_, _| Reply::endless(200, 512 << 20));
    let (client, rec) = openai_client(openai(&server));
    let err = client.score(&["a"], &no_progress).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the moderation API sent an unexpected answer: the answer is larger than 8388608 bytes"
    );
    assert_eq!(server.requests().len(), 1);
    assert!(rec.sleeps().is_empty());
    assert!(server.body_bytes() < READ_AT_MOST);
}

/// A small error body is still read for its message and the status still retried.
#[test]
fn small_error_bodies_keep_their_message_and_retries() {
    let server = Server::start(|i, r| match i {
        0 => Reply::status(500, r#"{"error":{"message":"try later"}}"#),
        _ => Reply::ok(answer(r)),
    });
    let (client, rec) = openai_client(openai(&server));
    assert_eq!(client.score(&["a"], &no_progress).unwrap().len(), 1);
    assert_eq!(rec.sleeps().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Item 12: a busy but healthy server (every 4th request is 429) never makes a run give up.

/// Sleeps a fiftieth of each wait for real, so workers interleave as they would, fast.
#[derive(Default)]
struct Scaled(Mutex<Vec<Duration>>);

impl Sleeper for Scaled {
    fn sleep(&self, d: Duration) {
        self.0.lock().unwrap().push(d);
        std::thread::sleep(d / 50);
    }
}

fn every_fourth_is_429(retry_after: Option<&'static str>) -> Server {
    Server::start(move |i, r| {
        if i % 4 == 3 {
            let reply = Reply::status(429, r#"{"error":{"message":"Rate limit reached"}}"#);
            match retry_after {
                Some(ms) => reply.header("retry-after-ms", ms),
                None => reply,
            }
        } else {
            Reply::ok(answer(r))
        }
    })
}

#[test]
fn every_fourth_request_429_never_exhausts_the_retries() {
    // 30,000 lines of two messages each, as in the issue: 60,000 texts, 1,875 batches.
    let t = texts(60_000);
    for (concurrency, retry_after) in [(4, None), (4, Some("1000"))] {
        let server = every_fourth_is_429(retry_after);
        let mut c = openai(&server);
        c.concurrency = concurrency;
        let sleeper = Arc::new(Scaled::default());
        let client = ModerationClient::new(c)
            .unwrap()
            .with_sleeper(sleeper.clone());
        let scores = client.score(&refs(&t), &no_progress);
        let sleeps = sleeper.0.lock().unwrap().clone();
        assert!(
            scores.is_ok(),
            "concurrency {concurrency}, retry-after {retry_after:?}: {:?} after {} requests",
            scores.err(),
            server.requests().len()
        );
        assert_eq!(scores.unwrap().len(), t.len());
        // Every 4th request failed and was retried: about a third as many retries as batches.
        assert!(sleeps.len() >= 600, "{}", sleeps.len());
    }
}

/// A server that rejects a quarter of the requests at random leaves, on average, one batch in
/// 4,096 with six rejections in a row — one run in three of a 30,000-line file (1,875 batches)
/// gave up on it. Here, deterministically whatever the timing: every 4th batch is rejected once,
/// and one batch seven times in a row, while the rest of the run goes well.
#[test]
fn an_unlucky_batch_borrows_retries_the_run_earned() {
    let t = texts(2000); // 63 batches of 32
    for concurrency in [1, 2, 4, 5] {
        let tries: Arc<Mutex<std::collections::HashMap<String, usize>>> = Arc::default();
        let seen = tries.clone();
        let server = Server::start(move |_, r| {
            let inputs = r.inputs();
            let first = inputs[0].clone();
            let batch: usize = first["text ".len()..].parse::<usize>().unwrap() / 32;
            let n = {
                let mut m = seen.lock().unwrap();
                let n = m.entry(first).or_default();
                *n += 1;
                *n
            };
            let rejected = if batch == 40 {
                n <= 7
            } else {
                batch % 4 == 3 && n == 1
            };
            if rejected {
                Reply::status(429, r#"{"error":{"message":"Rate limit reached"}}"#)
            } else {
                Reply::ok(answer(r))
            }
        });
        let mut c = openai(&server);
        c.concurrency = concurrency;
        c.jitter_seed = Some(1);
        let (client, rec) = openai_client(c);
        let scores = client.score(&refs(&t), &no_progress);
        assert!(
            scores.is_ok(),
            "concurrency {concurrency}: {:?}",
            scores.err()
        );
        assert_eq!(scores.unwrap().len(), 2000);
        assert_eq!(tries.lock().unwrap().len(), 63);
        // 15 batches rejected once, one rejected seven times.
        assert_eq!(rec.sleeps().len(), 15 + 7, "concurrency {concurrency}");
    }
}

/// A dead server (every answer 503) still stops each request after its own five retries: the
/// run earned nothing to lend.
#[test]
fn a_dead_server_earns_no_extra_retries() {
    let server = Server::start(|_, _| Reply::status(503, r#"{"error":{"message":"down"}}"#));
    let mut c = openai(&server);
    c.concurrency = 4;
    let (client, rec) = openai_client(c);
    let t = texts(200);
    let err = client.score(&refs(&t), &no_progress).unwrap_err();
    assert!(
        matches!(err, ClientError::GaveUp { tries: 6, .. }),
        "{err:?}"
    );
    // At most the four requests in flight, six tries each.
    assert!(server.requests().len() <= 24, "{}", server.requests().len());
    assert!(rec.sleeps().len() <= 20);
}

/// With a seed the waits are reproducible; two seeds (two processes) spread them apart.
#[test]
fn jitter_is_deterministic_with_a_seed_and_spreads_retry_after() {
    let waits = |seed: u64| {
        let server = Server::start(|i, r| {
            if i < 4 {
                Reply::status(429, "{}").header("retry-after", "1")
            } else {
                Reply::ok(answer(r))
            }
        });
        let mut c = openai(&server);
        c.concurrency = 1;
        c.jitter_seed = Some(seed);
        let (client, rec) = openai_client(c);
        client.score(&["a"], &no_progress).unwrap();
        rec.sleeps()
    };
    let a = waits(42);
    assert_eq!(a.len(), 4);
    assert_eq!(a, waits(42));
    let b = waits(43);
    assert_ne!(a, b);
    // The server said one second: never sooner, at most a quarter later, not all alike.
    for d in a.iter().chain(&b) {
        assert!(
            *d >= Duration::from_secs(1) && *d <= Duration::from_millis(1250),
            "{d:?}"
        );
    }
    let mut all: Vec<_> = a.iter().chain(&b).collect();
    all.sort();
    all.dedup();
    assert!(all.len() >= 6, "{all:?}");
}

// ---------------------------------------------------------------------------------------------
// Item 13: an invalid key or base URL is not transient — it fails before any request.

#[test]
fn an_invalid_key_or_url_fails_at_once() {
    let server = Server::start(|_, r| Reply::ok(answer(r)));
    let err = ClientConfig::from_vars(Some("sk-abc\ndef".into()), Some(server.url("/v1")))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "`OPENAI_API_KEY` cannot be sent as a header: it holds a line break; check it for a stray newline or quote"
    );
    let err = ClientConfig::from_vars(Some("sk-abc\u{7}def".into()), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("holds the control character U+0007"), "{err}");
    for url in ["http://", "http://exa mple.com/v1", "https://[::1/v1"] {
        let err = ClientConfig::from_vars(Some(KEY.into()), Some(url.into()))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!("`OPENAI_BASE_URL` is `{url}`; expected an http:// or https:// URL")
        );
    }
    // Set after the config was read: the client refuses it before any request.
    let mut c = openai(&server);
    c.api_key = ftlint::moderation::ApiKey::new("bad\r\nkey");
    let e = ModerationClient::new(c).unwrap_err();
    assert!(matches!(e, ClientError::InvalidKey(_)), "{e:?}");
    let mut c = azure(&server);
    c.api_key = ftlint::moderation::ApiKey::new("bad\nkey");
    let e = AzureClient::new(c).unwrap_err().to_string();
    assert_eq!(
        e,
        "`CONTENT_SAFETY_KEY` cannot be sent as a header: it holds a line break; check it for a stray newline or quote"
    );
    let e = AzureConfig::from_vars(Some("https://exa mple".into()), Some("k".into()))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("`CONTENT_SAFETY_ENDPOINT` is `https://exa mple`"),
        "{e}"
    );
    assert_eq!(server.requests().len(), 0);
}

/// End to end: `ftlint moderate` with a key holding a newline fails in well under the 13.5 s
/// six tries took, with exit 2, without a request.
#[test]
fn moderate_with_an_invalid_key_fails_at_once() {
    let server = Server::start(|_, r| Reply::ok(answer(r)));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a.jsonl");
    std::fs::write(&data, chat_line("hello")).unwrap();
    let start = Instant::now();
    let o = ftlint(dir.path(), &dir.path().join("cache"))
        .args(["moderate", "a.jsonl"])
        .env("OPENAI_BASE_URL", server.url("/v1"))
        .env("OPENAI_API_KEY", "sk-abc\ndef")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "ftlint: error: `OPENAI_API_KEY` cannot be sent as a header: it holds a line break; check it for a stray newline or quote\n"
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(server.requests().len(), 0);
}

// ---------------------------------------------------------------------------------------------
// Helpers for the command-line tests.

fn ftlint(dir: &Path, cache: &Path) -> std::process::Command {
    common::command(dir, cache)
}

fn chat_line(text: &str) -> String {
    json!({"messages": [{"role": "user", "content": text}, {"role": "assistant", "content": "ok"}]})
        .to_string()
        + "\n"
}

/// A folder others may enter and write (the tests' temp folders are the root user's 0700).
fn open_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    set_mode(dir.path(), 0o777);
    dir
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// `ftlint` as the user `nobody` (65534), when the tests run as root and `setpriv` works;
/// `None` (with the reason printed) otherwise.
fn as_nobody(dir: &Path, cache: &Path) -> Option<std::process::Command> {
    if !is_root() {
        println!(
            "skipped: acting as another user needs root (the tests run as uid {})",
            unsafe { libc::geteuid() }
        );
        return None;
    }
    let works = std::process::Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            "true",
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        println!("skipped: `setpriv` cannot switch to uid 65534 here");
        return None;
    }
    let mut c = std::process::Command::new("setpriv");
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_ftlint"))
        .current_dir(dir)
        .env("FTLINT_CACHE_DIR", cache)
        .env("NO_COLOR", "1")
        .env("FTLINT_TODAY", common::TODAY)
        .env_remove("FTLINT_OUTPUT_FORMAT")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .stdin(std::process::Stdio::null());
    Some(c)
}

fn owner(p: &Path) -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).unwrap().uid()
}

// ---------------------------------------------------------------------------------------------
// Item 12 (end to end): a moderation failure never hides the lint findings.

/// A file with findings of several families and texts to score.
fn findings_file(dir: &Path) -> PathBuf {
    let p = dir.join("data.jsonl");
    let mut s = String::new();
    s.push_str(&chat_line("hello there"));
    s.push_str("{\"messages\": [{\"role\": \"bot\", \"content\": \"hi\"}]}\n");
    s.push_str("not json\n");
    s.push_str(&chat_line("write to me at alice@example.com"));
    std::fs::write(&p, s).unwrap();
    p
}

fn concise_codes(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| {
            let mut parts = l.splitn(4, ':');
            let (_, line, col, rest) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            // `path:line:col: severity: CODE message`: the code follows the severity.
            let mut words = rest.split_whitespace();
            let first = words.next()?;
            let code = if first.ends_with(':') {
                words.next()?
            } else {
                first
            };
            Some(format!("{line}:{col} {code}"))
        })
        .collect()
}

#[test]
fn a_failing_moderation_server_never_hides_the_lint_findings() {
    let dir = tempfile::tempdir().unwrap();
    findings_file(dir.path());
    let cache = dir.path().join("cache");
    let base = ["check", "data.jsonl", "--output-format", "concise"];
    // The findings without moderation.
    let plain = ftlint(dir.path(), &cache)
        .args(base)
        .args(["--moderation", "off"])
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(1));
    let want = concise_codes(&stdout(&plain));
    assert!(want.iter().any(|c| c.ends_with("C005")), "{want:?}");
    assert!(want.iter().any(|c| c.ends_with("J002")), "{want:?}");
    for (what, server) in [
        // Refused at once.
        (
            "401",
            Server::start(|_, _| {
                Reply::status(401, r#"{"error":{"message":"Incorrect API key"}}"#)
            }),
        ),
        // A hostile answer: an error body that never ends.
        (
            "huge 500",
            Server::start(|_, _| Reply::endless(500, 1 << 30)),
        ),
        // Garbage with a 200.
        (
            "malformed",
            Server::start(|_, _| Reply::ok("<html>".into())),
        ),
    ] {
        let o = ftlint(dir.path(), &cache)
            .args(base)
            .args(["--moderation", "api"])
            .env("OPENAI_BASE_URL", server.url("/v1"))
            .env("OPENAI_API_KEY", KEY)
            .output()
            .unwrap();
        let out = stdout(&o);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{what}: {err}");
        // Every finding of the plain run, and for each text the missing score.
        let got = concise_codes(&out);
        let non_m: Vec<_> = got.iter().filter(|c| !c.contains(" M")).cloned().collect();
        assert_eq!(non_m, want, "{what}");
        assert!(got.iter().any(|c| c.ends_with("M004")), "{what}: {got:?}");
        // One error line, about moderation.
        assert_eq!(err.lines().count(), 1, "{what}: {err}");
        assert!(
            err.starts_with("ftlint: error: moderation not checked in full: the moderation API"),
            "{what}: {err}"
        );
        assert!(!err.contains("SENTINEL") && !out.contains("SENTINEL"));
    }
}

// ---------------------------------------------------------------------------------------------
// Item 11: `moderate` into a cache it cannot write reports the failure and exits 2.

#[test]
fn moderate_into_an_unwritable_cache_fails_before_fetching() {
    let server = Server::start(|_, r| Reply::ok(answer(r)));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.jsonl"), chat_line("hello")).unwrap();
    // A cache folder below a regular file: no user can write it.
    std::fs::write(dir.path().join("file"), "x").unwrap();
    let cache = dir.path().join("file").join("cache");
    let o = ftlint(dir.path(), &cache)
        .args(["moderate", "a.jsonl"])
        .env("OPENAI_BASE_URL", server.url("/v1"))
        .env("OPENAI_API_KEY", KEY)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        format!(
            "ftlint: error: cannot write the score cache `{}`: not a directory; nothing was fetched\n",
            cache.display()
        )
    );
    assert_eq!(server.requests().len(), 0);
}

/// The cache breaks while scores arrive: the run says how many were lost and exits 2.
#[test]
fn moderate_reports_scores_it_could_not_store() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let model_dir = cache.join("v1").join("omni-moderation-latest");
    let victim = model_dir.clone();
    let server = Server::start(move |_, r| {
        // Between the probe and the first write: the model's folder becomes a file.
        let _ = std::fs::remove_dir_all(&victim);
        let _ = std::fs::write(&victim, "not a folder");
        Reply::ok(answer(r))
    });
    let lines: String = (0..5).map(|i| chat_line(&format!("text {i}"))).collect();
    std::fs::write(dir.path().join("a.jsonl"), lines).unwrap();
    let o = ftlint(dir.path(), &cache)
        .args(["moderate", "a.jsonl"])
        .env("OPENAI_BASE_URL", server.url("/v1"))
        .env("OPENAI_API_KEY", KEY)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!stdout(&o).contains("fetched"), "{}", stdout(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "ftlint: error: 6 of 6 fetched scores could not be written to the score cache `{}`: not a directory\n",
            cache.display()
        )
    );
    assert!(model_dir.is_file());
}

/// As another user, a cache folder of root's (0755) cannot be written: exit 2, nothing sent.
#[test]
fn moderate_as_another_user_into_roots_cache_fails() {
    let dir = open_dir();
    std::fs::write(dir.path().join("a.jsonl"), chat_line("hello")).unwrap();
    set_mode(&dir.path().join("a.jsonl"), 0o644);
    let cache = dir.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    set_mode(&cache, 0o755);
    let server = Server::start(|_, r| Reply::ok(answer(r)));
    let Some(mut c) = as_nobody(dir.path(), &cache) else {
        return;
    };
    let o = c
        .args(["moderate", "a.jsonl"])
        .env("OPENAI_BASE_URL", server.url("/v1"))
        .env("OPENAI_API_KEY", KEY)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "ftlint: error: cannot write the score cache `{}`: permission denied; nothing was fetched\n",
            cache.display()
        )
    );
    assert_eq!(server.requests().len(), 0);
}

// ---------------------------------------------------------------------------------------------
// Items 5, 10, 13: a broken or hostile score cache.

const MODEL: &str = "omni-moderation-latest";

fn model_dir(cache: &Path, model: &str) -> PathBuf {
    cache.join("v1").join(model)
}

fn record_path(cache: &Path, model: &str, text: &str) -> PathBuf {
    let hex = ftlint::moderation::scores::hash_hex(&ftlint::moderation::text_hash(text));
    model_dir(cache, model)
        .join(&hex[..2])
        .join(format!("{hex}.json"))
}

/// `ftlint` that must finish within `limit`: killed and failed otherwise.
fn within(mut c: std::process::Command, limit: Duration) -> Output {
    let mut child = c
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let o = child.wait_with_output().unwrap();
            panic!("ftlint hung for {limit:?}; stderr: {}", stderr(&o));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Scores `texts` (one example each) into `cache` with `moderate`, from a loopback server.
fn fill_cache(dir: &Path, cache: &Path, texts: &[&str], model: &str) {
    let server = Server::start(|_, r| Reply::ok(answer(r)));
    // One message a line: one text unit each.
    let lines: String = texts
        .iter()
        .map(|t| json!({"messages": [{"role": "user", "content": t}]}).to_string() + "\n")
        .collect();
    std::fs::write(dir.join("a.jsonl"), lines).unwrap();
    let o = ftlint(dir, cache)
        .args(["moderate", "a.jsonl", "--moderation-model", model])
        .env("OPENAI_BASE_URL", server.url("/v1"))
        .env("OPENAI_API_KEY", KEY)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The check's M004 lines (texts with no score) and the texts' scored-ness, concise.
fn check_cached(dir: &Path, cache: &Path, model: &str) -> Output {
    within(
        {
            let mut c = ftlint(dir, cache);
            c.args([
                "check",
                "a.jsonl",
                "--select",
                "M",
                "--moderation",
                "cache",
                "--moderation-model",
                model,
                "--output-format",
                "concise",
            ]);
            c
        },
        Duration::from_secs(30),
    )
}

fn m004_lines(o: &Output) -> usize {
    stdout(o).lines().filter(|l| l.contains(": M004 ")).count()
}

#[test]
fn a_fifo_or_dev_zero_in_the_cache_never_hangs_a_check() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    fill_cache(dir.path(), &cache, &["alpha", "beta", "gamma"], MODEL);
    let o = check_cached(dir.path(), &cache, MODEL);
    assert_eq!(m004_lines(&o), 0, "{}", stdout(&o));
    // The pack becomes a FIFO nobody writes to; one record a FIFO, one a link to /dev/zero.
    let pack = model_dir(&cache, MODEL).join("pack-v2.bin");
    std::fs::remove_file(&pack).unwrap();
    let fifo = |p: &Path| {
        let _ = std::fs::remove_file(p);
        assert!(std::process::Command::new("mkfifo")
            .arg(p)
            .status()
            .unwrap()
            .success());
    };
    fifo(&pack);
    fifo(&record_path(&cache, MODEL, "alpha"));
    let zero = record_path(&cache, MODEL, "beta");
    std::fs::remove_file(&zero).unwrap();
    symlink("/dev/zero", &zero).unwrap();
    let o = check_cached(dir.path(), &cache, MODEL);
    // Those two texts have no score now; the third still has its record.
    assert_eq!(m004_lines(&o), 2, "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // `moderate` reads the same cache (it must not hang either) and rescores the two.
    let server = Server::start(|_, r| Reply::ok(answer(r)));
    let mut c = ftlint(dir.path(), &cache);
    c.args(["moderate", "a.jsonl"])
        .env("OPENAI_BASE_URL", server.url("/v1"))
        .env("OPENAI_API_KEY", KEY);
    let o = within(c, Duration::from_secs(30));
    assert_eq!(
        stdout(&o),
        "fetched 2 new scores into the cache\n",
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_pack_copied_under_another_model_or_with_a_flipped_bit_answers_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let texts = ["one", "two", "three", "four", "five"];
    fill_cache(dir.path(), &cache, &texts, MODEL);
    // Only the pack is left: the record files go.
    let pack = model_dir(&cache, MODEL).join("pack-v2.bin");
    for e in std::fs::read_dir(model_dir(&cache, MODEL)).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            std::fs::remove_dir_all(p).unwrap();
        }
    }
    assert_eq!(m004_lines(&check_cached(dir.path(), &cache, MODEL)), 0);
    // Copied under another model: none of its scores answer for that model.
    let other = "text-moderation-latest";
    std::fs::create_dir_all(model_dir(&cache, other)).unwrap();
    std::fs::copy(&pack, model_dir(&cache, other).join("pack-v2.bin")).unwrap();
    assert_eq!(m004_lines(&check_cached(dir.path(), &cache, other)), 5);
    // A flipped bit in one record's score: that text is unscored, the others keep theirs.
    let mut bytes = std::fs::read(&pack).unwrap();
    let n = bytes.len();
    bytes[n - 256 + 50] ^= 0x10;
    std::fs::write(&pack, &bytes).unwrap();
    assert_eq!(m004_lines(&check_cached(dir.path(), &cache, MODEL)), 1);
    // A flipped bit in the header: the whole pack reads as absent.
    bytes[n - 256 + 50] ^= 0x10;
    bytes[12] ^= 1;
    std::fs::write(&pack, &bytes).unwrap();
    assert_eq!(m004_lines(&check_cached(dir.path(), &cache, MODEL)), 5);
}

#[test]
fn stale_temporary_pack_files_are_swept_when_the_cache_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    fill_cache(dir.path(), &cache, &["alpha"], MODEL);
    let folder = model_dir(&cache, MODEL);
    let shard = record_path(&cache, MODEL, "alpha")
        .parent()
        .unwrap()
        .to_path_buf();
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    let make = |p: &Path, old: bool| {
        let f = std::fs::File::create(p).unwrap();
        f.set_len(1 << 20).unwrap();
        if old {
            f.set_modified(an_hour_ago).unwrap();
        }
    };
    let stale = folder.join(".tmp-pack-stale");
    let young = folder.join(".tmp-pack-young");
    let record_tmp = shard.join(".tmp-1-2-3");
    make(&stale, true);
    make(&young, false);
    make(&record_tmp, true);
    // A stale one of another user's is not ours to remove (only root can make one here).
    let theirs = folder.join(".tmp-pack-theirs");
    make(&theirs, true);
    let chowned = is_root() && std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).is_ok();
    if chowned {
        std::fs::File::options()
            .write(true)
            .open(&theirs)
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
    } else {
        println!("skipped the other user's file: chown needs root");
    }
    // A plain check opens the cache: the model's stale pack temp file goes.
    let o = check_cached(dir.path(), &cache, MODEL);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stale.exists());
    assert!(young.exists());
    assert_eq!(theirs.exists(), chowned);
    // Record temp files are swept by a fetch.
    assert!(record_tmp.exists());
    fill_cache(dir.path(), &cache, &["alpha", "beta"], MODEL);
    assert!(!record_tmp.exists());
    assert!(young.exists());
}

// ---------------------------------------------------------------------------------------------
// Item 9: `--fix` asks the OS whether the file may be written, and keeps its owner.

const CRLF: &str = "{\"a\": 1}\r\n{\"b\": 2}\r\n";

fn fix_as_nobody(dir: &Path, file: &str) -> Option<Output> {
    let mut c = as_nobody(dir, &common::empty_cache())?;
    Some(
        c.args(["check", "--fix", "--select", "J006", file])
            .output()
            .unwrap(),
    )
}

/// The file is root's (0644) in a folder anyone may write: its mode bits have a `w`, but not
/// for `nobody`. The fix is refused and the file keeps its content and owner.
#[test]
fn fix_refuses_a_file_the_user_may_not_write() {
    let dir = open_dir();
    let p = dir.path().join("a.jsonl");
    std::fs::write(&p, CRLF).unwrap();
    set_mode(&p, 0o644);
    let Some(o) = fix_as_nobody(dir.path(), "a.jsonl") else {
        return;
    };
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(
            "ftlint: error: cannot fix `a.jsonl`: you may not write this file (permission denied); not fixed\n"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&p).unwrap(), CRLF);
    assert_eq!(owner(&p), 0);
    // No temporary file was left either.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// Root's file that `nobody` may write (0666), in a folder `nobody` may write: the fixed copy
/// cannot be given root as owner, so the fix is refused rather than stealing the file.
#[test]
fn fix_refuses_when_it_cannot_keep_the_owner() {
    let dir = open_dir();
    let p = dir.path().join("a.jsonl");
    std::fs::write(&p, CRLF).unwrap();
    set_mode(&p, 0o666);
    let Some(o) = fix_as_nobody(dir.path(), "a.jsonl") else {
        return;
    };
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(
            "ftlint: error: cannot fix `a.jsonl`: the file belongs to user 0, and its fixed copy could not be given that owner (operation not permitted); not fixed: run the fix as its owner\n"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&p).unwrap(), CRLF);
    assert_eq!(owner(&p), 0);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// Root fixes a file of `nobody`'s: it is fixed and still `nobody`'s, with its mode.
#[test]
fn fix_keeps_the_owner_of_another_users_file() {
    if !is_root() {
        println!("skipped: giving a file to another user needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.jsonl");
    std::fs::write(&p, CRLF).unwrap();
    set_mode(&p, 0o640);
    std::os::unix::fs::chown(&p, Some(65534), Some(65534)).unwrap();
    let o = ftlint(dir.path(), &common::empty_cache())
        .args(["check", "--fix", "--select", "J006", "a.jsonl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        "{\"a\": 1}\n{\"b\": 2}\n"
    );
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(&p).unwrap();
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o777), (65534, 65534, 0o640));
}

/// The owner may fix their own file as another user would; a read-only file stays refused,
/// for root too.
#[test]
fn fix_by_the_owner_works_and_read_only_stays_refused() {
    let dir = open_dir();
    let p = dir.path().join("a.jsonl");
    std::fs::write(&p, CRLF).unwrap();
    set_mode(&p, 0o644);
    if is_root() {
        std::os::unix::fs::chown(&p, Some(65534), Some(65534)).unwrap();
        if let Some(o) = fix_as_nobody(dir.path(), "a.jsonl") {
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            assert_eq!(owner(&p), 65534);
            assert!(!std::fs::read_to_string(&p).unwrap().contains('\r'));
        }
    }
    let ro = dir.path().join("ro.jsonl");
    std::fs::write(&ro, CRLF).unwrap();
    set_mode(&ro, 0o444);
    let o = ftlint(dir.path(), &common::empty_cache())
        .args(["check", "--fix", "--select", "J006", "ro.jsonl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o)
        .starts_with("ftlint: error: cannot fix `ro.jsonl`: the file is read-only; not fixed\n"));
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), CRLF);
}

// ---------------------------------------------------------------------------------------------
// Item 13: two `--fix` runs of one file take turns; the second says it waited.

#[test]
fn two_concurrent_fixes_of_one_file_take_turns() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.jsonl");
    // Large enough that the first run is still writing when the second starts.
    let line = format!(
        "{{\"messages\": [{{\"role\": \"user\", \"content\": \"{}\"}}]}}\r\n",
        "x".repeat(200)
    );
    let lines = 100_000;
    std::fs::write(&p, line.repeat(lines)).unwrap();
    let fixed = line.replace("\r\n", "\n").repeat(lines);
    let run = || {
        ftlint(dir.path(), &common::empty_cache())
            .args(["check", "--fix", "--select", "J006", "big.jsonl"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = run();
    // Until the first run has its temporary file (it holds the lock by then).
    let start = Instant::now();
    while !std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains(".ftlint-fix."))
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let second = run();
    let (a, b) = (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    );
    assert_eq!(a.status.code(), Some(0), "first: {}", stderr(&a));
    assert_eq!(b.status.code(), Some(0), "second: {}", stderr(&b));
    assert_eq!(
        stderr(&a),
        format!("ftlint: fixed `big.jsonl`: converted {lines} CRLF line endings to `\\n`\n")
    );
    // The second waited, said so, and found nothing left to fix.
    assert_eq!(
        stderr(&b),
        "ftlint: another `ftlint --fix` is fixing `big.jsonl`; waiting for it to finish\n"
    );
    assert!(std::fs::read_to_string(&p).unwrap() == fixed);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Item 13: odd entries in a directory walk are skipped with a warning, not exit 2.

#[test]
fn odd_jsonl_entries_in_a_walk_are_warnings_not_a_failed_run() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("folder")).unwrap();
    std::fs::write(data.join("a.jsonl"), chat_line("hello")).unwrap();
    symlink("folder", data.join("b.jsonl")).unwrap();
    symlink("missing.jsonl", data.join("c.jsonl")).unwrap();
    assert!(std::process::Command::new("mkfifo")
        .arg(data.join("d.jsonl"))
        .status()
        .unwrap()
        .success());
    symlink("/dev/null", data.join("e.jsonl")).unwrap();
    symlink("a.jsonl", data.join("f.jsonl")).unwrap();
    let mut c = ftlint(dir.path(), &common::empty_cache());
    c.args(["check", "data", "--select", "J"]);
    let o = within(c, Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "ftlint: warning: skipped `data/b.jsonl`: a symbolic link to a folder\n\
         ftlint: warning: skipped `data/c.jsonl`: a symbolic link to nothing `missing.jsonl`\n\
         ftlint: warning: skipped `data/d.jsonl`: a FIFO (it would wait for a writer)\n\
         ftlint: warning: skipped `data/e.jsonl`: a symbolic link to a device\n"
    );
    // The regular file and the link to one are checked.
    assert_eq!(stdout(&o), "No problems found in 2 files.\n");
    // Named on the command line, a dangling link is still an error of its own.
    let o = ftlint(dir.path(), &common::empty_cache())
        .args(["check", "data/c.jsonl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// Item 13: a bare `\r` is never reported as `\r\n`.

fn json_findings(dir: &Path, file: &str) -> Vec<Value> {
    let o = ftlint(dir, &common::empty_cache())
        .args(["check", file, "--select", "J", "--output-format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["diagnostics"].as_array().unwrap().clone()
}

#[test]
fn cr_only_line_endings_are_not_called_crlf() {
    let dir = tempfile::tempdir().unwrap();
    // Old Mac line endings: one physical line, values separated by a bare `\r`.
    std::fs::write(dir.path().join("cr.jsonl"), "{\"a\": 1}\r{\"b\": 2}\r").unwrap();
    let d = json_findings(dir.path(), "cr.jsonl");
    let codes: Vec<&str> = d.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["J002", "J010"], "{d:?}");
    assert_eq!(d[0]["column"], 10);
    assert!(
        d[0]["help"]
            .as_str()
            .unwrap()
            .starts_with("the line holds a bare `\\r` before this value"),
        "{}",
        d[0]["help"]
    );
    assert_eq!(
        d[1]["message"],
        "no newline at end of file: the last line ends with a bare `\\r` (a carriage return without `\\n`)"
    );
    // Its fix makes the `\r` a `\n` (the file has no `\r\n` line).
    assert_eq!(
        d[1]["fix"]["edits"],
        json!([{"byte_offset": 17, "byte_length": 1, "content": "\n"}])
    );

    // A `\r\n` file whose last line ends in a bare `\r`: one CRLF line, and the missing `\n`.
    std::fs::write(dir.path().join("mixed.jsonl"), "{\"a\": 1}\r\n{\"b\": 2}\r").unwrap();
    let d = json_findings(dir.path(), "mixed.jsonl");
    let said: Vec<(&str, u64, &str)> = d
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        said,
        [
            ("J006", 1, "line ends with `\\r\\n`"),
            (
                "J010",
                2,
                "no newline at end of file: the last line ends with a bare `\\r` (a carriage return without `\\n`)"
            )
        ]
    );
    // There the fix completes the `\r\n`, and `--fix` with J006 ends every line with `\n`.
    assert_eq!(
        d[1]["fix"]["edits"],
        json!([{"byte_offset": 19, "byte_length": 0, "content": "\n"}])
    );
    let o = ftlint(dir.path(), &common::empty_cache())
        .args([
            "check",
            "--fix",
            "--select",
            "J006,J010",
            "mixed.jsonl",
            "cr.jsonl",
        ])
        .output()
        .unwrap();
    assert!(o.status.code().is_some(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mixed.jsonl")).unwrap(),
        "{\"a\": 1}\n{\"b\": 2}\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("cr.jsonl")).unwrap(),
        "{\"a\": 1}\r{\"b\": 2}\n"
    );
}
