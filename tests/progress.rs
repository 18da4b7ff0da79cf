//! Long runs speak (issue 18): a progress bar on a terminal's stderr and nowhere else, and
//! prompt messages when the moderation service fails — what went wrong, each retry, and what
//! was saved. The moderation server is a test server on 127.0.0.1.

mod common;

use common::{stderr, stdout};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A file of `n` distinct clean chat examples.
fn chat_file(path: &Path, n: usize) {
    let mut text = String::with_capacity(n * 120);
    for i in 0..n {
        text.push_str(&format!(
            "{{\"messages\": [{{\"role\": \"user\", \"content\": \"question number {i} about the weather\"}}, {{\"role\": \"assistant\", \"content\": \"answer {i}: sunny with a light breeze\"}}]}}\n"
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// On a terminal (a pseudo-terminal made by `script`), a check that takes a while draws a bar
/// with bytes, rate and ETA on stderr, and clears it; stdout, redirected to a file, holds the
/// report alone. The same check with stderr piped prints nothing there.
#[test]
fn the_bar_is_drawn_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let data = dir.path().join("big.jsonl");
    // Big enough to last well over the bar's delay (0.7 s) in a test (debug) build on an idle
    // machine too: 250,000 lines (about 30 MB) take a few seconds.
    chat_file(&data, 250_000);

    let o = common::command(dir.path(), cache.path())
        .args(["check", "big.jsonl", "--select", "J,C", "--ignore", "C021"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "a bar on a stderr that is not a terminal");
    assert_eq!(stdout(&o), "No problems found in 1 file.\n");

    if !Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        eprintln!("skipped: `script` (util-linux) is needed to run ftlint on a terminal");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_ftlint");
    let o = Command::new("script")
        .current_dir(dir.path())
        .env("FTLINT_CACHE_DIR", cache.path())
        .env("NO_COLOR", "1")
        .env("FTLINT_TODAY", common::TODAY)
        .env_remove("FTLINT_OUTPUT_FORMAT")
        .env("TERM", "xterm")
        .env("COLUMNS", "120")
        .args([
            "-qec",
            &format!("'{bin}' check big.jsonl --select J,C --ignore C021 > out.txt"),
            "/dev/null",
        ])
        .output()
        .unwrap();
    let terminal = stdout(&o);
    assert!(o.status.success(), "{terminal}{}", stderr(&o));
    assert!(terminal.contains("checking ["), "{terminal:?}");
    assert!(terminal.contains("MiB/s"), "{terminal:?}");
    assert!(terminal.contains("ETA"), "{terminal:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.txt")).unwrap(),
        "No problems found in 1 file.\n"
    );
}

/// A server that answers request `i` (from 0) with `answers(i)`: `Some(status)` with one
/// harmless result per input for 200, or an error body; counts requests.
fn server(answer: fn(usize) -> u16) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(100) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let i = counter.fetch_add(1, Ordering::SeqCst);
            let status = answer(i);
            let req: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let n = req["input"].as_array().map_or(1, Vec::len);
            let out = if status == 200 {
                let results: Vec<serde_json::Value> = (0..n)
                    .map(|_| {
                        serde_json::json!({
                            "flagged": false,
                            "categories": {"sexual": false},
                            "category_scores": {"sexual": 0.0001, "violence": 0.0001}
                        })
                    })
                    .collect();
                serde_json::json!({"id": "modr-1", "model": "omni-moderation-2024-09-26", "results": results})
                    .to_string()
            } else {
                serde_json::json!({"error": {"message": "the test server says no"}}).to_string()
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{out}",
                out.len()
            );
        }
    });
    (base, requests)
}

fn moderate(dir: &Path, cache: &Path, base: &str) -> Output {
    common::command(dir, cache)
        .args(["moderate", "data.jsonl", "--concurrency", "1"])
        .env("OPENAI_BASE_URL", base)
        .env("OPENAI_API_KEY", "sk-test-progress")
        .output()
        .unwrap()
}

/// A failing request is said at once, with its reason and the retry to come; a request that
/// fails for good ends the run with a line saying how many scores are kept and that a rerun
/// continues — and the rerun fetches only the rest.
#[test]
fn network_failures_say_what_happens_and_what_was_saved() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    // 20 examples of 2 distinct texts: 40 texts, a batch of 32 and one of 8.
    chat_file(&dir.path().join("data.jsonl"), 20);

    // A 503, then answers: one retry, said on stderr; no bar (not a terminal).
    let (base, requests) = server(|i| if i == 0 { 503 } else { 200 });
    let o = moderate(dir.path(), &cache, &base);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with(
            "ftlint: a moderation request failed (HTTP 503: the test server says no); retry 1 of 5 in "
        ),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains("scoring ["), "{err}");
    assert_eq!(stdout(&o), "fetched 40 new scores into the cache\n");
    assert_eq!(requests.load(Ordering::SeqCst), 3);

    // A fresh cache; the second batch is refused for good (400): the first batch's 32 scores
    // are cached, and the message says so.
    let cache = dir.path().join("cache2");
    let (base, _) = server(|i| if i == 0 { 200 } else { 400 });
    let o = moderate(dir.path(), &cache, &base);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[0], "ftlint: 32 scores fetched before the failure are cached; rerun to continue",
        "{err}"
    );
    assert!(lines[1].starts_with("ftlint: error: "), "{err}");
    assert!(err.contains("400"), "{err}");
    // The rerun continues: only the 8 texts left are sent.
    let (base, requests) = server(|_| 200);
    let o = moderate(dir.path(), &cache, &base);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "fetched 8 new scores into the cache\n");
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}
