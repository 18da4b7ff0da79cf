//! The speed and memory benchmark: `cargo bench --profile dist --bench throughput [-- OPTIONS]`.
//!
//! Generates deterministic inputs (see `data.rs`) under `target/bench-data/`, runs the `ftlint`
//! binary of the same profile on them as a user would, and reports wall time, MB/s, examples/s
//! and peak RSS per workload, thread scaling, and the start-up cost on a 1 MB file. The README's
//! figures are of the `dist` profile, the build published binaries get; without `--profile
//! dist`, cargo builds the bench profile, which has the quicker `release` settings.
//!
//! Options: `--sizes 1,10,100` (MB; add 1000 for the 1 GB memory check), `--runs N` (median of
//! N, default 3), `--generate MB PATH` (only write an input, for `benches/compare.sh`),
//! `--shapes 100,250,500,1000` (only the memory and linearity shapes of `shapes.rs`, at these
//! sizes in MB; `--only giant,tiny` for the shapes whose name holds one of the words).

mod cache;
mod data;
mod hf;
mod shapes;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ftlint");

struct Run {
    wall: Duration,
    peak_rss_kib: u64,
    exit: Option<i32>,
}

/// The score cache every run uses: an empty one, so that the user's own cache never changes a
/// measurement; the cached-scores workload points it elsewhere.
static CACHE_DIR: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

/// How many threads and cores a run gets.
#[derive(Clone, Copy)]
enum Threads {
    /// A pool thread per core, as users run it.
    Default,
    /// A pool of this many threads (the reader and the merging thread come on top).
    Pool(usize),
    /// A pool of one thread, and the whole process pinned to one core (`taskset -c 0`).
    OneCore,
}

/// The peak resident set so far (`VmHWM`, KiB) of the process whose `/proc/<pid>/status` this is.
fn peak_rss_kib(status_path: &str) -> Option<u64> {
    std::fs::read_to_string(status_path)
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

/// Runs ftlint once, polling `/proc/<pid>/status` for the peak resident set (VmHWM).
fn run(args: &[&str], threads: Threads) -> Run {
    let mut cmd = match threads {
        // taskset execs ftlint in place: the pid polled below is ftlint's.
        Threads::OneCore => {
            let mut c = Command::new("taskset");
            c.args(["-c", "0", BIN]);
            c
        }
        _ => Command::new(BIN),
    };
    cmd.args(args).stdout(Stdio::null()).stderr(Stdio::null());
    if let Some(dir) = CACHE_DIR.lock().expect("lock").as_ref() {
        cmd.env("FTLINT_CACHE_DIR", dir);
    }
    match threads {
        Threads::Default => {}
        Threads::Pool(t) => {
            cmd.env("RAYON_NUM_THREADS", t.to_string());
        }
        Threads::OneCore => {
            cmd.env("RAYON_NUM_THREADS", "1");
        }
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("ftlint runs");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let exit = loop {
        if let Some(kib) = peak_rss_kib(&status_path) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status.code();
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    Run {
        wall: start.elapsed(),
        peak_rss_kib: peak,
        exit,
    }
}

fn median(args: &[&str], threads: Threads, runs: usize) -> Run {
    let mut all: Vec<Run> = (0..runs).map(|_| run(args, threads)).collect();
    all.sort_by_key(|r| r.wall);
    let peak = all.iter().map(|r| r.peak_rss_kib).max().unwrap_or(0);
    let mut mid = all.swap_remove(runs / 2);
    mid.peak_rss_kib = peak;
    mid
}

fn input(dir: &Path, mb: u64) -> (PathBuf, u64) {
    let path = dir.join(format!("chat-{mb}mb.jsonl"));
    let lines_path = dir.join(format!("chat-{mb}mb.lines"));
    if let (true, Ok(n)) = (path.exists(), std::fs::read_to_string(&lines_path)) {
        if let Ok(n) = n.trim().parse() {
            return (path, n);
        }
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create input"));
    let n = data::generate(mb * 1_000_000, 42, &mut f).expect("write input");
    drop(f);
    std::fs::write(&lines_path, n.to_string()).expect("write line count");
    (path, n)
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
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let mb: u64 = args[i + 1].parse().expect("--generate MB PATH");
        let path = &args[i + 2];
        let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
        let n = data::generate(mb * 1_000_000, 42, &mut f).expect("write");
        println!("{n}");
        return;
    }
    let sizes: Vec<u64> = opt("--sizes")
        .unwrap_or_else(|| "1,10,100".into())
        .split(',')
        .map(|s| s.trim().parse().expect("--sizes takes MB numbers"))
        .collect();
    let runs: usize = opt("--runs").map_or(3, |r| r.parse().expect("--runs N"));
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let empty_cache = dir.join("cache-empty");
    let _ = std::fs::remove_dir_all(&empty_cache);
    *CACHE_DIR.lock().expect("lock") = Some(empty_cache);
    if let Some(sizes) = opt("--shapes") {
        let sizes: Vec<u64> = sizes
            .split(',')
            .map(|s| s.trim().parse().expect("--shapes takes MB numbers"))
            .collect();
        let only: Vec<String> = opt("--only")
            .map(|o| o.split(',').map(str::to_owned).collect())
            .unwrap_or_default();
        shapes::run_all(BIN, &sizes, &only);
        return;
    }

    println!(
        "ftlint throughput ({} cores, median of {runs})",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:<34} {:>8} {:>9} {:>10} {:>13} {:>10}",
        "workload", "size MB", "wall s", "MB/s", "examples/s", "peak MiB"
    );
    let workloads: &[(&str, &[&str])] = &[
        ("full check (default rules)", &[]),
        ("format only (--select J,C,D)", &["--select", "J,C,D"]),
        ("without S rules (--ignore S)", &["--ignore", "S"]),
    ];
    for &mb in &sizes {
        let (path, lines) = input(&dir, mb);
        let bytes = std::fs::metadata(&path).expect("input").len() as f64;
        let p = path.to_str().expect("utf-8 path");
        for (name, extra) in workloads {
            let mut a = vec!["check", p, "--output-format", "json-lines"];
            a.extend_from_slice(extra);
            let r = median(&a, Threads::Default, runs);
            if r.exit == Some(2) {
                println!("{name:<34} {mb:>8} {:>9}", "n/a (rules not available)");
                continue;
            }
            let s = r.wall.as_secs_f64();
            println!(
                "{name:<34} {mb:>8} {s:>9.3} {:>10.1} {:>13.0} {:>10.1}",
                bytes / 1e6 / s,
                lines as f64 / s,
                r.peak_rss_kib as f64 / 1024.0
            );
        }
    }
    // Open-model counting: the Llama 3.1 chat template and a 100,000-token byte-level BPE
    // (generated, see `hf.rs`) render and count every example; T001 alone, on the largest size
    // up to 100 MB. The input's few broken lines (one in 1,000) are counted by the formula.
    if let Some(mb) = sizes.iter().copied().filter(|&s| s <= 100).max() {
        let tok = dir.join("hf-llama3-100k");
        let words: Vec<&str> = data::EN.iter().chain(data::JA).copied().collect();
        hf::write(&tok, &words);
        let (path, lines) = input(&dir, mb);
        let p = path.to_str().expect("utf-8 path");
        let t = tok.to_str().expect("utf-8 path");
        let a = [
            "check",
            p,
            "--output-format",
            "json-lines",
            "--select",
            "T001",
            "--tokenizer",
            t,
        ];
        let bytes = std::fs::metadata(&path).expect("input").len() as f64;
        for (name, threads) in [
            ("open model: Llama 3.1 template, 100k BPE", Threads::Default),
            ("  the same, 1 pool thread", Threads::Pool(1)),
        ] {
            let r = median(&a, threads, runs);
            let s = r.wall.as_secs_f64();
            println!(
                "{name:<34} {mb:>8} {s:>9.3} {:>10.1} {:>13.0} {:>10.1}{}",
                bytes / 1e6 / s,
                lines as f64 / s,
                r.peak_rss_kib as f64 / 1024.0,
                if r.exit == Some(2) {
                    "   (exit 2!)"
                } else {
                    ""
                }
            );
        }
        let a = [
            "check",
            p,
            "--output-format",
            "json-lines",
            "--select",
            "T001",
        ];
        let r = median(&a, Threads::Default, runs);
        let s = r.wall.as_secs_f64();
        println!(
            "{:<34} {mb:>8} {s:>9.3} {:>10.1} {:>13.0} {:>10.1}",
            "  for comparison: tiktoken T001",
            bytes / 1e6 / s,
            lines as f64 / s,
            r.peak_rss_kib as f64 / 1024.0
        );
    }
    // Every text's score cached (as after `ftlint moderate`), on the largest size up to 100 MB.
    if let Some(mb) = sizes.iter().copied().filter(|&s| s <= 100).max() {
        let (path, lines) = input(&dir, mb);
        let cache_dir = dir.join(format!("cache-{mb}mb"));
        let texts = cache::fill(&cache_dir, &path);
        *CACHE_DIR.lock().expect("lock") = Some(cache_dir);
        let p = path.to_str().expect("utf-8 path");
        let r = median(
            &["check", p, "--output-format", "json-lines"],
            Threads::Default,
            runs,
        );
        let s = r.wall.as_secs_f64();
        let bytes = std::fs::metadata(&path).expect("input").len() as f64;
        println!(
            "{:<34} {mb:>8} {s:>9.3} {:>10.1} {:>13.0} {:>10.1}   ({texts} cached scores)",
            "full check, every score cached",
            bytes / 1e6 / s,
            lines as f64 / s,
            r.peak_rss_kib as f64 / 1024.0
        );
        *CACHE_DIR.lock().expect("lock") = Some(dir.join("cache-empty"));
    }
    // Thread scaling on the format-only path, on the largest size up to 100 MB.
    let mb = sizes
        .iter()
        .copied()
        .filter(|&s| s <= 100)
        .max()
        .unwrap_or(10);
    let (path, _) = input(&dir, mb);
    let p = path.to_str().expect("utf-8 path");
    let a = [
        "check",
        p,
        "--output-format",
        "json-lines",
        "--select",
        "J,C,D",
    ];
    let one = median(&a, Threads::Pool(1), runs).wall.as_secs_f64();
    let two = median(&a, Threads::Pool(2), runs).wall.as_secs_f64();
    println!("thread scaling, format only, {mb} MB: 1 pool thread {one:.3} s, 2 pool threads {two:.3} s, speed-up {:.2}x (with 1 pool thread the reader still runs on the other core)", one / two);
    let has_taskset = Command::new("taskset")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if has_taskset {
        let core = median(&a, Threads::OneCore, runs).wall.as_secs_f64();
        println!("core scaling, format only, {mb} MB: 1 core {core:.3} s, 2 cores {two:.3} s, speed-up {:.2}x", core / two);
    } else {
        println!("core scaling: skipped (no `taskset` to pin a run to one core)");
    }
    // Start-up: a 1 MB file, all default rules, including process start.
    let (small, _) = input(&dir, 1);
    let s = small.to_str().expect("utf-8 path");
    let r = median(
        &["check", s, "--output-format", "json-lines"],
        Threads::Default,
        runs.max(5),
    );
    println!(
        "1 MB file, default rules, wall time including process start: {:.1} ms",
        r.wall.as_secs_f64() * 1e3
    );
}
