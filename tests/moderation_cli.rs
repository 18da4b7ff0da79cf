//! `check --moderation api` and `moderate` end to end, against a moderation server the test
//! runs on 127.0.0.1: the live run, the cached rerun with `--offline` giving the same bytes, the
//! export round trip, and the key kept out of every output.

mod common;

use common::{files_below, stderr};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const KEY: &str = "sk-test-SENTINEL-7f3a9c0d1e2b";

/// Answers every POST with one result per input: `sexual` 0.4 (over `finetune`'s error threshold) for texts containing "risky",
/// 0.0001 otherwise. Counts the texts it scored. Stops when the test ends (the thread is
/// detached and the listener dies with the process).
fn server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let scored = Arc::new(AtomicUsize::new(0));
    let counter = scored.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
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
            let req: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let inputs: Vec<String> = match &req["input"] {
                serde_json::Value::Array(a) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                serde_json::Value::String(s) => vec![s.clone()],
                _ => vec![],
            };
            counter.fetch_add(inputs.len(), Ordering::SeqCst);
            let results: Vec<serde_json::Value> = inputs
                .iter()
                .map(|t| {
                    let s = if t.contains("risky") { 0.4 } else { 0.0001 };
                    serde_json::json!({
                        "flagged": false,
                        "categories": {"sexual": false, "violence": false},
                        "category_scores": {"sexual": s, "sexual/minors": 0.0001, "violence": 0.0001, "harassment": 0.0001}
                    })
                })
                .collect();
            let out = serde_json::json!({"id": "modr-1", "model": "omni-moderation-2024-09-26", "results": results}).to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{out}",
                out.len()
            );
        }
    });
    (base, scored)
}

/// ftlint with score cache `cache`, the API at `base` and the sentinel key.
fn ftlint(cache: &Path, base: &str, args: &[&str]) -> Output {
    common::command(Path::new(env!("CARGO_MANIFEST_DIR")), cache)
        .args(args)
        .env("OPENAI_BASE_URL", base)
        .env("OPENAI_API_KEY", KEY)
        .output()
        .unwrap()
}

fn dataset(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("data.jsonl");
    let mut lines = String::new();
    for i in 0..12 {
        let answer = if i == 4 {
            "a risky answer".to_string()
        } else {
            format!("answer {i}")
        };
        lines.push_str(
            &serde_json::json!({"messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": format!("question {i}")},
                {"role": "assistant", "content": answer}
            ]})
            .to_string(),
        );
        lines.push('\n');
    }
    std::fs::write(&path, lines).unwrap();
    path
}

#[test]
fn live_run_then_offline_rerun_from_the_cache_is_identical() {
    let (base, scored) = server();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let data = dataset(dir.path());
    let p = data.to_str().unwrap();
    let live = ftlint(
        &cache,
        &base,
        &[
            "check",
            p,
            "--moderation",
            "api",
            "--output-format",
            "json",
            "--select",
            "M",
        ],
    );
    assert_eq!(live.status.code(), Some(1), "{}", stderr(&live));
    // 12 distinct questions + 11 distinct answers + 1 risky + the shared system prompt.
    assert_eq!(scored.load(Ordering::SeqCst), 25);
    let v: serde_json::Value = serde_json::from_slice(&live.stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    let m002: Vec<_> = diags.iter().filter(|d| d["code"] == "M002").collect();
    assert_eq!(m002.len(), 1);
    assert_eq!(
        (m002[0]["line"].as_u64(), m002[0]["pointer"].as_str()),
        (Some(5), Some("/messages/2/content"))
    );
    assert!(diags.iter().any(|d| d["code"] == "M003"));

    // The rerun is offline and from the cache: no request, the same bytes.
    let before = scored.load(Ordering::SeqCst);
    let offline = ftlint(
        &cache,
        "http://127.0.0.1:9/v1",
        &[
            "check",
            p,
            "--moderation",
            "cache",
            "--offline",
            "--output-format",
            "json",
            "--select",
            "M",
        ],
    );
    assert_eq!(offline.stdout, live.stdout);
    assert_eq!(scored.load(Ordering::SeqCst), before);

    // A second live run scores nothing new.
    let again = ftlint(
        &cache,
        &base,
        &[
            "check",
            p,
            "--moderation",
            "api",
            "--output-format",
            "json",
            "--select",
            "M",
        ],
    );
    assert_eq!(again.stdout, live.stdout);
    assert_eq!(scored.load(Ordering::SeqCst), before);

    // The key is nowhere: not in output, errors or the cache.
    for out in [&live, &offline, &again] {
        assert!(!String::from_utf8_lossy(&out.stdout).contains("SENTINEL"));
        assert!(!stderr(out).contains("SENTINEL"));
    }
    for entry in files_below(&cache) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("SENTINEL"),
            "{}",
            entry.display()
        );
    }
}

#[test]
fn moderate_exports_scores_that_check_can_import() {
    let (base, _) = server();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let data = dataset(dir.path());
    let export = dir.path().join("scores.ndjson");
    let o = ftlint(
        &cache,
        &base,
        &[
            "moderate",
            data.to_str().unwrap(),
            "--export",
            export.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&export).unwrap().lines().count(),
        36
    );
    // Imported into a check with an empty cache and no network: the same M002.
    let empty = dir.path().join("empty-cache");
    let o = ftlint(
        &empty,
        "http://127.0.0.1:9/v1",
        &[
            "check",
            data.to_str().unwrap(),
            "--offline",
            "--scores",
            export.to_str().unwrap(),
            "--select",
            "M",
            "--output-format",
            "concise",
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(":5:") && out.contains("M002 `sexual` score `0.4000`"),
        "{out}"
    );
    assert!(!out.contains("M004"), "{out}");
}

#[test]
fn api_mode_without_a_key_or_with_offline_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset(dir.path());
    let o = common::command(Path::new(env!("CARGO_MANIFEST_DIR")), &dir.path().join("c"))
        .args(["check", data.to_str().unwrap(), "--moderation", "api"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("OPENAI_API_KEY"));
    let o = ftlint(
        &dir.path().join("c"),
        "http://127.0.0.1:9/v1",
        &[
            "check",
            data.to_str().unwrap(),
            "--moderation",
            "api",
            "--offline",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--offline"));
}
