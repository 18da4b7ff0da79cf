//! Counting throughput: `cargo bench -p ftlint-tokens [-- --init-only ENCODING]`.
//!
//! Prints the time of each encoding's first count (there is no encoder to build: the tables are
//! part of the binary, so this is page faults and nothing else), then the counting speed on about
//! 1 MiB of English and of Japanese text, beside the speed of `bpe-openai` (the reference the
//! counts are tested against) on the same text. `--init-only ENCODING` times only a first count,
//! to be run as a whole process. Use the `dist` profile (`--profile dist`) for the figures of the
//! published binary.

use std::time::{Duration, Instant};

use ftlint_tokens::{count, Encoding};

const ENGLISH: &str = "The support team closed most tickets within a day, and the median time to \
first response fell to under two hours. Revenue for the quarter rose 12% year over year, driven \
mainly by the subscription business in the northern region. ";
const JAPANESE: &str = "東京都品川区の倉庫では、税関検査が予定より長引いたため、二件の出荷が遅れました。\
サポートチームは問い合わせの大半を一日以内に解決し、最初の応答までの時間の中央値は二時間を下回りました。";

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not meaningful here.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if let [flag, name] = args.as_slice() {
        if flag == "--init-only" {
            let Some(encoding) = Encoding::from_name(name) else {
                eprintln!("--init-only takes o200k_base or cl100k_base");
                std::process::exit(2);
            };
            first_count(encoding);
            return;
        }
    }
    for enc in Encoding::ALL {
        first_count(enc);
    }
    for (label, unit) in [("English", ENGLISH), ("Japanese", JAPANESE)] {
        let text = unit.repeat((1 << 20) / unit.len() + 1);
        for enc in Encoding::ALL {
            let cpu = cpu_ns();
            let (tokens, per_pass, runs) = time_passes(|| count(enc, &text));
            let mbps = text.len() as f64 / per_pass.as_secs_f64() / 1e6;
            let cpu_mbps = cpu
                .zip(cpu_ns())
                .map(|(a, b)| {
                    format!(
                        "{:.1}",
                        (text.len() as f64 * f64::from(runs)) / ((b - a) as f64 / 1e9) / 1e6
                    )
                })
                .unwrap_or_else(|| "?".into());
            println!(
                "{label:<8} {enc:<11}: {mbps:.1} MB/s wall, {cpu_mbps} MB/s of CPU time \
                 ({tokens} tokens in {} bytes, {per_pass:?} per pass)",
                text.len(),
            );
            let reference = match enc {
                Encoding::O200kBase => bpe_openai::o200k_base(),
                Encoding::Cl100kBase => bpe_openai::cl100k_base(),
            };
            let (want, per_pass, _) = time_passes(|| reference.count(text.as_str()));
            assert_eq!(want, tokens, "same count as bpe-openai");
            println!(
                "{label:<8} {enc:<11}: bpe-openai {:.1} MB/s wall",
                text.len() as f64 / per_pass.as_secs_f64() / 1e6
            );
        }
    }
}

fn first_count(encoding: Encoding) {
    let (start, cpu) = (Instant::now(), cpu_ns());
    let n = count(encoding, "hello");
    println!(
        "{encoding}: first count {:?} wall, {} on CPU ({n} token)",
        start.elapsed(),
        cpu_since(cpu)
    );
}

/// Runs `f` repeatedly for about a second; returns its result, the mean wall time of one run
/// and the number of runs.
fn time_passes(mut f: impl FnMut() -> usize) -> (usize, Duration, u32) {
    let start = Instant::now();
    let mut runs = 0u32;
    let mut out = 0;
    while runs < 3 || start.elapsed() < Duration::from_secs(1) {
        out = f();
        runs += 1;
    }
    (out, start.elapsed() / runs, runs)
}

/// Time this thread has spent on a CPU, in ns (Linux `schedstat`); `None` elsewhere. On a
/// shared, loaded machine wall time overstates the cost; this does not.
fn cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn cpu_since(start: Option<u64>) -> String {
    match start.zip(cpu_ns()) {
        Some((a, b)) => format!("{:?}", Duration::from_nanos(b - a)),
        None => "?".into(),
    }
}
