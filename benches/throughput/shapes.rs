//! `--shapes SIZES`: the inputs that stress memory and time rather than throughput (issue 19:
//! peak memory below 200 MiB and time linear in size, for any input up to 1 GB).
//!
//! - **many findings**: short lines with six findings each (unknown role and key, no user or
//!   assistant message, an e-mail address, a phone number);
//! - **one giant line**: one example whose image is a base64 data URL of the whole size (under
//!   `rules/line.toml`'s limit it is held and checked; over it, it streams: J013);
//! - **tiny lines**: millions of short, distinct chat examples (the dataset rules' state:
//!   duplicates, conflicts, formats);
//! - **huge string**: one line whose one string is the whole size, with escapes and non-ASCII.
//!
//! Each input is generated in memory (deterministic) and written to `ftlint check -` through
//! a pipe, so no input file takes disk (the machine's disk is shared and small); ftlint's own
//! temporary files (the dataset rules' spill) do. Each run is capped at 4 GiB of address space
//! (`ulimit -v`), so a shape that grows without bound stops there instead of taking the
//! machine: such a run is reported as over the cap.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The address-space cap of one run, in KiB.
const CAP_KIB: u64 = 4 << 20;

struct Shape {
    name: &'static str,
    generate: fn(u64) -> Vec<u8>,
}

const SHAPES: [Shape; 4] = [
    Shape {
        name: "one giant line (data URL)",
        generate: giant_line,
    },
    Shape {
        name: "tiny lines (distinct)",
        generate: tiny_lines,
    },
    Shape {
        name: "huge string (escapes, CJK)",
        generate: huge_string,
    },
    // Last: its memory is the findings' (kept until the end of the file on this branch).
    Shape {
        name: "many findings (6 a line)",
        generate: many_findings,
    },
];

/// Lines until `bytes`, each from `line(i, out)`.
fn lines(bytes: u64, mut line: impl FnMut(u64, &mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes as usize + 256);
    let mut i = 0;
    while (out.len() as u64) < bytes {
        line(i, &mut out);
        out.push(b'\n');
        i += 1;
    }
    out
}

fn many_findings(bytes: u64) -> Vec<u8> {
    lines(bytes, |i, out| {
        write!(
            out,
            r#"{{"messages": [{{"role": "bot", "content": "mail ann.lee{i}@example.com or call +1 415 555 {:04}"}}], "note": {i}}}"#,
            i % 10_000
        )
        .expect("write to memory");
    })
}

fn tiny_lines(bytes: u64) -> Vec<u8> {
    lines(bytes, |i, out| {
        write!(
            out,
            r#"{{"messages":[{{"role":"user","content":"q {i}"}},{{"role":"assistant","content":"a {i}"}}]}}"#
        )
        .expect("write to memory");
    })
}

/// One line of `bytes`: `head`, then `unit` repeated, then `tail`.
fn one_line(bytes: u64, head: &str, unit: &str, tail: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes as usize + 256);
    out.extend_from_slice(head.as_bytes());
    while (out.len() + tail.len()) < bytes as usize {
        out.extend_from_slice(unit.as_bytes());
    }
    out.extend_from_slice(tail.as_bytes());
    out.push(b'\n');
    out
}

fn giant_line(bytes: u64) -> Vec<u8> {
    one_line(
        bytes,
        r#"{"messages": [{"role": "user", "content": [{"type": "text", "text": "What is in this picture?"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA"#,
        "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVph",
        r#"AAAA"}}]}, {"role": "assistant", "content": "A cat on a mat."}]}"#,
    )
}

fn huge_string(bytes: u64) -> Vec<u8> {
    one_line(
        bytes,
        r#"{"messages": [{"role": "user", "content": "Summarise: "#,
        r#"日本語のテキスト \"引用\" déjà vu\n\u00e9\t 0123456789 "#,
        r#""}, {"role": "assistant", "content": "A summary."}]}"#,
    )
}

struct Measured {
    wall: Duration,
    /// User and system CPU seconds (the last sample of `/proc/<pid>/stat`, to 10 ms): the
    /// steadier figure on a shared machine, where wall time includes waiting for a core.
    cpu: f64,
    peak_kib: u64,
    /// `None`: killed (over the cap).
    exit: Option<i32>,
}

/// Runs `ftlint check -` on `data` through a pipe, under the cap, polling the peak RSS.
fn run(bin: &str, data: &[u8]) -> Measured {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {CAP_KIB} && exec \"$0\" \"$@\""))
        .arg(bin)
        .args([
            "check",
            "-",
            "--stdin-filename",
            "shape.jsonl",
            "--output-format",
            "json-lines",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(dir) = super::CACHE_DIR.lock().expect("lock").as_ref() {
        cmd.env("FTLINT_CACHE_DIR", dir);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("ftlint runs");
    let status_path = format!("/proc/{}/status", child.id());
    let mut stdin = child.stdin.take().expect("piped stdin");
    std::thread::scope(|s| {
        // A reader that stops early (killed) makes the writes fail: that is its result.
        s.spawn(move || {
            let _ = stdin.write_all(data);
        });
        let mut peak = 0;
        let mut cpu = 0.0;
        let stat_path = status_path.replace("/status", "/stat");
        let exit = loop {
            if let Ok(st) = std::fs::read_to_string(&stat_path) {
                // After the command's `(name)`: fields 14 and 15 are utime and stime, in ticks.
                let fields: Vec<&str> = st
                    .rsplit_once(')')
                    .map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
                if let (Some(u), Some(s)) = (fields.get(11), fields.get(12)) {
                    if let (Ok(u), Ok(s)) = (u.parse::<f64>(), s.parse::<f64>()) {
                        cpu = (u + s) / 100.0;
                    }
                }
            }
            if let Some(kib) = super::peak_rss_kib(&status_path) {
                peak = peak.max(kib);
            }
            if let Some(status) = child.try_wait().expect("wait") {
                break status.code();
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        Measured {
            wall: start.elapsed(),
            cpu,
            peak_kib: peak,
            exit,
        }
    })
}

/// Every shape at every size (MB): wall time, CPU time, MB/s, peak RSS, and CPU seconds per
/// MB against the shape's smallest size (1.00: linear).
/// `only`: the shapes whose name contains one of these words (all when empty).
pub fn run_all(bin: &str, sizes: &[u64], only: &[String]) {
    println!(
        "input shapes, through a pipe; each run capped at {} GiB of address space",
        CAP_KIB >> 20
    );
    println!(
        "{:<28} {:>8} {:>9} {:>8} {:>9} {:>10} {:>15} {:>6}",
        "shape", "size MB", "wall s", "CPU s", "MB/s", "peak MiB", "CPU/MB vs first", "exit"
    );
    for shape in SHAPES
        .iter()
        .filter(|s| only.is_empty() || only.iter().any(|w| s.name.contains(w.as_str())))
    {
        let mut first: Option<f64> = None;
        for &mb in sizes {
            let data = (shape.generate)(mb * 1_000_000);
            let r = run(bin, &data);
            let s = r.wall.as_secs_f64();
            let per_mb = r.cpu / (data.len() as f64 / 1e6);
            let ratio = first.map_or(1.0, |f| per_mb / f);
            first.get_or_insert(per_mb);
            let exit = match r.exit {
                Some(c) => c.to_string(),
                None => "killed (over the cap)".into(),
            };
            println!(
                "{:<28} {mb:>8} {s:>9.2} {:>8.2} {:>9.1} {:>10.1} {ratio:>15.2} {exit:>6}",
                shape.name,
                r.cpu,
                data.len() as f64 / 1e6 / s,
                r.peak_kib as f64 / 1024.0,
            );
        }
    }
}
