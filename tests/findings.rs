//! Findings beyond the memory budget wait in a temporary file and are merged back in output
//! order (`engine::findings`): the output must not depend on where they waited. Each test runs
//! the same input with the default budget (everything in memory here) and with budgets so small
//! that every finding is spilled and merged level by level (`FTLINT_FINDINGS_BUDGET`,
//! `FTLINT_FINDINGS_FAN_IN`), and compares stdout, stderr and the exit code byte for byte.

mod common;

use std::path::Path;
use std::process::Output;

/// (budget, fan-in) pairs: the default, one finding per run merged two at a time, and a
/// few per run.
const BUDGETS: [Option<(&str, &str)>; 3] = [None, Some(("1", "2")), Some(("5", "3"))];

fn run(dir: &Path, cache: &Path, budget: Option<(&str, &str)>, args: &[&str]) -> Output {
    let mut c = common::command(dir, cache);
    c.args(["check", "--offline"]).args(args);
    if let Some((b, f)) = budget {
        c.env("FTLINT_FINDINGS_BUDGET", b)
            .env("FTLINT_FINDINGS_FAN_IN", f);
    }
    c.output().unwrap()
}

/// The inputs: many findings per line and per file, file-level findings (D001 too few
/// examples, D005 mixed formats), once-per-file (J006 CRLF) and once-per-value (S003, the
/// same phone number on many lines) findings, duplicates (D003), and a per-file ignore.
fn inputs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut big = String::new();
    for i in 0..400 {
        match i % 8 {
            0 => big.push_str("{}\n"),
            1 => big.push_str("{}\r\n"),
            2 => big.push_str(
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hotline?\"}, {\"role\": \
                 \"assistant\", \"content\": \"Call (800) 273-8255 now.\"}]}\n",
            ),
            3 => big.push_str(&format!(
                "{{\"messages\": [{{\"role\": \"bot\", \"content\": \"line {i}\"}}]}}\r\n"
            )),
            4 => big.push_str("not json\n"),
            5 => big.push_str(&format!(
                "{{\"messages\": [{{\"role\": \"user\", \"content\": \"Ring 020 7946 {:04}\"}}, \
                 {{\"role\": \"assistant\", \"content\": \"ok\"}}]}}\n",
                i % 3
            )),
            6 => big.push('\n'),
            _ => big.push_str("{\"prompt\": \"2 + 2 =\", \"completion\": \" 4\"}\n"),
        }
    }
    std::fs::write(dir.path().join("big.jsonl"), big).unwrap();
    std::fs::write(
        dir.path().join("few.jsonl"),
        "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \
         \"content\": \"hello\"}]}\n",
    )
    .unwrap();
    let mut ignored = String::new();
    for _ in 0..30 {
        ignored.push_str("{\"messages\": []}\n{}\n");
    }
    std::fs::write(dir.path().join("ignored.jsonl"), ignored).unwrap();
    std::fs::write(
        dir.path().join("ftlint.toml"),
        "[per-file-ignores]\n\"ignored.jsonl\" = [\"C0\"]\n",
    )
    .unwrap();
    dir
}

fn assert_same(a: &Output, b: &Output, what: &str) {
    assert_eq!(a.status.code(), b.status.code(), "{what}: exit code");
    assert_eq!(common::stderr(a), common::stderr(b), "{what}: stderr");
    assert!(a.stdout == b.stdout, "{what}: stdout differs");
}

#[test]
fn output_is_byte_identical_across_the_spill_budget() {
    let dir = inputs();
    let cache = common::empty_cache();
    for format in ["full", "concise", "json", "json-lines", "github", "sarif"] {
        for extra in [&[][..], &["--statistics"][..], &["--select", "ALL"][..]] {
            let mut args = vec![".", "--output-format", format];
            args.extend(extra);
            let outputs: Vec<Output> = BUDGETS
                .iter()
                .map(|b| run(dir.path(), &cache, *b, &args))
                .collect();
            let first = &outputs[0];
            assert_eq!(first.status.code(), Some(1), "{}", common::stderr(first));
            for o in &outputs[1..] {
                assert_same(first, o, &format!("{format} {extra:?}"));
            }
            if format == "json-lines" && extra.is_empty() {
                // The input has what the test is about.
                let text = common::stdout(first);
                for code in ["\"D001\"", "\"D005\"", "\"J006\"", "\"S003\"", "\"D003\""] {
                    assert!(text.contains(code), "no {code} in the output");
                }
                // The per-file ignore holds: findings of that file, none of the C0 family.
                let ignored: Vec<String> = text
                    .lines()
                    .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
                    .filter(|d| d["path"].as_str().unwrap().ends_with("ignored.jsonl"))
                    .map(|d| d["code"].as_str().unwrap().to_string())
                    .collect();
                assert!(!ignored.is_empty());
                assert!(ignored.iter().all(|c| !c.starts_with("C0")), "{ignored:?}");
                assert!(text.lines().count() > 400, "{}", text.lines().count());
            }
        }
    }
}

#[test]
fn baselines_are_the_same_across_the_spill_budget() {
    let dir = inputs();
    let cache = common::empty_cache();
    let mut written = Vec::new();
    for (i, b) in BUDGETS.iter().enumerate() {
        let name = format!("base{i}.json");
        let o = run(dir.path(), &cache, *b, &[".", "--write-baseline", &name]);
        assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
        assert!(
            common::stderr(&o).contains("baseline entries ("),
            "{}",
            common::stderr(&o)
        );
        written.push(std::fs::read(dir.path().join(&name)).unwrap());
    }
    assert!(written.iter().all(|w| *w == written[0]));
    // Some findings go (a line fixed) and some come (a line broken): the rest are accepted.
    let path = dir.path().join("big.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replacen(
        "not json\n",
        "{\"prompt\": \"a\", \"completion\": \" b\"}\n",
        3,
    );
    std::fs::write(&path, text.replacen("{}\n", "[1]\n", 2)).unwrap();
    for format in ["full", "json", "sarif"] {
        for extra in [
            &[][..],
            &["--show-stale-baseline"][..],
            &["--statistics"][..],
        ] {
            let mut args = vec![".", "--baseline", "base0.json", "--output-format", format];
            args.extend(extra);
            let outputs: Vec<Output> = BUDGETS
                .iter()
                .map(|b| run(dir.path(), &cache, *b, &args))
                .collect();
            let err = common::stderr(&outputs[0]);
            assert!(err.contains("no longer match"), "{err}");
            for o in &outputs[1..] {
                assert_same(&outputs[0], o, &format!("baseline {format} {extra:?}"));
            }
        }
    }
    let o = run(
        dir.path(),
        &cache,
        Some(("1", "2")),
        &[".", "--baseline", "base0.json"],
    );
    let out = common::stdout(&o);
    assert!(out.contains("accepted in the baseline"), "{out}");
}

/// A temporary folder that cannot take the findings is one clear error line and exit 2.
#[test]
fn no_room_for_the_findings_is_exit_2_with_one_line() {
    let dir = inputs();
    let cache = common::empty_cache();
    let mut c = common::command(dir.path(), &cache);
    c.args(["check", "--offline", "big.jsonl"])
        .env("FTLINT_FINDINGS_BUDGET", "1")
        .env("TMPDIR", dir.path().join("no-such-folder"));
    let o = c.output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = common::stderr(&o);
    assert!(
        err.starts_with("ftlint: error: cannot keep the findings in a temporary file in `")
            && err.contains("no-such-folder"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
