//! The language server's latency: `cargo bench --profile dist --bench lsp [-- OPTIONS]`.
//!
//! Runs `ftlint server` (the binary of the same profile) over pipes as an editor does, opens a
//! generated file (the throughput benchmark's deterministic chat data, `target/bench-data/`),
//! then types: each keystroke is one `didChange` inserting or deleting one character inside a
//! message of a line in the middle of the file, and its latency is the time until the
//! `publishDiagnostics` of that version is read back (the client's JSON included). Reports the
//! open time and the keystrokes' median, fastest and slowest, with the number of diagnostics
//! published.
//!
//! Options: `--mb N` (file size, default 100), `--keys N` (keystrokes, default 21), `--select
//! RULES` (the server's `select`, e.g. `J,C,D`; default: the default rules).

#[path = "../throughput/data.rs"]
#[allow(dead_code)]
mod data;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ftlint");

fn frame(v: &Value) -> Vec<u8> {
    let body = v.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn read_frame(out: &mut impl BufRead) -> Value {
    let mut len = 0;
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).expect("read") == 0 {
            panic!("the server closed its output");
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse().expect("length");
        }
    }
    let mut body = vec![0; len];
    out.read_exact(&mut body).expect("body");
    serde_json::from_slice(&body).expect("JSON")
}

/// Reads until the diagnostics of `version`; returns how many there were.
fn published(out: &mut impl BufRead, version: i64) -> usize {
    loop {
        let m = read_frame(out);
        if m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version {
            return m["params"]["diagnostics"].as_array().map_or(0, Vec::len);
        }
    }
}

/// The server's CPU time so far (user + system), from `/proc/<pid>/stat` (Linux; `None`
/// elsewhere): on a shared machine, wall time includes waiting for a core, CPU time does not.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces), from the 3rd: utime is the 14th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(Duration::from_millis(ticks * 10))
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let mb: u64 = opt("--mb").map_or(100, |v| v.parse().expect("--mb N"));
    let keys: i64 = opt("--keys").map_or(21, |v| v.parse().expect("--keys N"));
    let select: Option<Vec<String>> =
        opt("--select").map(|s| s.split(',').map(str::to_owned).collect());

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let path = dir.join(format!("lsp-{mb}mb.jsonl"));
    if !path.is_file() {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        data::generate(mb * 1_000_000, 42, &mut f).expect("write input");
    }
    let text = std::fs::read_to_string(&path).expect("read input");
    let lines: Vec<&str> = text.split('\n').collect();
    let target_line = lines.len() / 2;
    // Inside the first message's content: `{"messages": [{"role": "system", "content": "`.
    let column = lines[target_line]
        .find(r#""content": ""#)
        .expect("a content")
        + r#""content": ""#.len();
    let empty_cache = dir.join("cache-empty-lsp");
    let _ = std::fs::remove_dir_all(&empty_cache);

    let mut child = Command::new(BIN)
        .arg("server")
        .env("FTLINT_CACHE_DIR", &empty_cache)
        .env("XDG_CACHE_HOME", &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("ftlint server runs");
    let mut input = child.stdin.take().expect("stdin");
    let mut output = BufReader::new(child.stdout.take().expect("stdout"));
    let mut options = json!({});
    if let Some(s) = &select {
        options = json!({ "select": s });
    }
    input
        .write_all(&frame(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"capabilities": {}, "initializationOptions": options}}),
        ))
        .expect("write");
    read_frame(&mut output);
    input
        .write_all(&frame(
            &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        ))
        .expect("write");
    let uri = format!("file://{}", path.display());
    let start = Instant::now();
    input
        .write_all(&frame(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": "jsonl", "version": 1, "text": text}}})))
        .expect("write");
    let n = published(&mut output, 1);
    let open = start.elapsed();
    println!(
        "ftlint server on {mb} MB ({} lines), rules: {}",
        lines.len() - 1,
        select
            .as_ref()
            .map_or("default".to_string(), |s| s.join(","))
    );
    println!("open: {:.2} s, {n} diagnostics", open.as_secs_f64());

    let pid = child.id();
    let cpu_before = cpu_time(pid);
    let mut times: Vec<Duration> = Vec::new();
    let mut diags = 0;
    for k in 0..keys {
        let version = k + 2;
        let pos = json!({"line": target_line, "character": column});
        let change = if k % 2 == 0 {
            json!({"range": {"start": pos, "end": pos}, "text": "x"})
        } else {
            json!({"range": {"start": pos, "end": {"line": target_line, "character": column + 1}}, "text": ""})
        };
        let start = Instant::now();
        input
            .write_all(&frame(&json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
                "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}})))
            .expect("write");
        diags = published(&mut output, version);
        times.push(start.elapsed());
    }
    let cpu = cpu_time(pid)
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "keystroke (didChange of one line → diagnostics read back), {keys} keys: median {:.0} ms, fastest {:.0} ms, slowest {:.0} ms, {diags} diagnostics each",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
    if let Some(cpu) = cpu {
        println!(
            "server CPU time per keystroke (user + system, all threads): {:.0} ms",
            ms(cpu) / keys as f64
        );
    }
    input
        .write_all(&frame(
            &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
        ))
        .expect("write");
    read_frame(&mut output);
    input
        .write_all(&frame(&json!({"jsonrpc": "2.0", "method": "exit"})))
        .expect("write");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "the server exits cleanly");
}
