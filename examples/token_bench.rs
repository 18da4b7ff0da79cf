//! Token counts of whole examples, as ftlint computes them: with file arguments, each line's
//! example token count (handy to check fixtures); `--file` times parsing and counting a file;
//! `--stats` prints the `stats` report. The counter's own throughput is the tokenizer crate's
//! bench (`cargo bench -p ftlint-tokens`).
//!
//! ```text
//! cargo run --release --example token_bench -- cl100k_base fixtures/T001/invalid.jsonl
//! cargo run --example token_bench -- --stats gpt-3.5-turbo-0613 fixtures/T001/valid.jsonl
//! cargo run --release --example token_bench -- --file o200k_base train.jsonl  # parse + count
//! ```

use std::time::{Duration, Instant};

use ftlint::stats::{self, ExampleRecord};
use ftlint::targets::{Encoding, Target};
use ftlint::tokens::count_example;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
            let pricing = ftlint::tokens::Pricing::new(target, model).expect("countable model");
            for file in files {
                let text = std::fs::read_to_string(file).expect("readable file");
                let records: Vec<ExampleRecord> = text
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| {
                        let value = serde_json::from_str(l).unwrap_or_default();
                        ExampleRecord::from_value(pricing.counter, &value)
                    })
                    .collect();
                let report = stats::build(file, &records, &pricing, None);
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

    eprintln!("usage: token_bench ENCODING FILE... | --file ENCODING FILE | --stats MODEL FILE...");
    std::process::exit(2);
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
