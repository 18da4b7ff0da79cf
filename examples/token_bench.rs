//! Measures token counting: the one-time cost of building each encoder (time to first count)
//! and counting throughput on English and Japanese text. With file arguments, prints each
//! line's example token count instead (handy to check fixtures).
//!
//! ```text
//! cargo run --release --example token_bench
//! cargo run --release --example token_bench -- cl100k_base fixtures/T001/invalid.jsonl
//! cargo run --release --example token_bench -- --init-only o200k_base   # time a whole process
//! cargo run --example token_bench -- --stats gpt-3.5-turbo-0613 fixtures/T001/valid.jsonl
//! cargo run --release --example token_bench -- --file o200k_base train.jsonl  # parse + count
//! ```

use std::time::{Duration, Instant};

use ftlint::stats::{self, ExampleRecord};
use ftlint::targets::{Encoding, Target};
use ftlint::tokens::{count, count_example};

const ENGLISH: &str = "The support team closed most tickets within a day, and the median time to \
first response fell to under two hours. Revenue for the quarter rose 12% year over year, driven \
mainly by the subscription business in the northern region. ";
const JAPANESE: &str = "東京都品川区の倉庫では、税関検査が予定より長引いたため、二件の出荷が遅れました。\
サポートチームは問い合わせの大半を一日以内に解決し、最初の応答までの時間の中央値は二時間を下回りました。";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, enc] = args.as_slice() {
        if flag == "--init-only" {
            let encoding = Encoding::from_name(enc).expect("encoding: o200k_base or cl100k_base");
            let (start, cpu) = (Instant::now(), cpu_ns());
            let n = count(encoding, "hello");
            println!(
                "{encoding}: first count {:?} wall, {} on CPU ({n} token)",
                start.elapsed(),
                cpu_since(cpu)
            );
            return;
        }
    }
    if let [flag, enc, file] = args.as_slice() {
        if flag == "--file" {
            let encoding = Encoding::from_name(enc).expect("encoding: o200k_base or cl100k_base");
            let text = std::fs::read_to_string(file).expect("readable file");
            let (start, cpu) = (Instant::now(), cpu_ns());
            let mut totals = ftlint::tokens::FileTokens::default();
            for line in text.lines() {
                let value: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
                totals.add(count_example(encoding, &value).total, u32::MAX);
            }
            println!(
                "{file}: {} bytes, {} examples, {} tokens: parse + count {:?} wall, {} on CPU \
                 (encoder init included)",
                text.len(),
                totals.examples,
                totals.total,
                start.elapsed(),
                cpu_since(cpu)
            );
            return;
        }
    }
    if let [flag, model, files @ ..] = args.as_slice() {
        if flag == "--stats" {
            let target = Target::builtin("openai").expect("built-in target");
            let model = target.resolve_model(Some(model)).expect("known model");
            for file in files {
                let text = std::fs::read_to_string(file).expect("readable file");
                let records: Vec<ExampleRecord> = text
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| {
                        let value = serde_json::from_str(l).unwrap_or_default();
                        ExampleRecord::from_value(model.encoding, &value)
                    })
                    .collect();
                let report = stats::build(file, &records, model, &target.prices_date, None);
                print!("{}", report.render_text());
            }
            return;
        }
    }
    if let Some((enc, files)) = args.split_first() {
        let encoding = Encoding::from_name(enc).expect("encoding: o200k_base or cl100k_base");
        for file in files {
            let text = std::fs::read_to_string(file).expect("readable file");
            for (i, line) in text.lines().enumerate() {
                let value: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
                let t = count_example(encoding, &value);
                println!(
                    "{file}:{}: total {} assistant {}",
                    i + 1,
                    t.total,
                    t.assistant
                );
            }
        }
        return;
    }

    for enc in Encoding::ALL {
        let (start, cpu) = (Instant::now(), cpu_ns());
        let n = count(enc, "hello");
        println!(
            "{enc}: first count (encoder init) {:?} wall, {} on CPU ({n} token)",
            start.elapsed(),
            cpu_since(cpu)
        );
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
            // The reference the counter is tested against, for comparison.
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
