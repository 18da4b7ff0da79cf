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

/// `check --offline ARGS` in `dir` with `FTLINT_ONCE_BOUNDS` (values tracked, edits kept).
fn run_bounded(dir: &Path, bounds: Option<&str>, args: &[&str]) -> Output {
    let cache = tempfile::tempdir().unwrap();
    let mut c = common::command(dir, cache.path());
    c.args(["check", "--offline"]).args(args);
    if let Some(b) = bounds {
        c.env("FTLINT_ONCE_BOUNDS", b);
    }
    c.output().unwrap()
}

/// Each S003 finding as `line: message`.
fn phone_findings(out: &Output) -> Vec<String> {
    common::stdout(out)
        .lines()
        .filter(|l| l.contains(" S003 "))
        .map(|l| {
            let (head, message) = l.split_once(" S003 ").unwrap();
            let line = head.split(':').nth(1).unwrap();
            format!("{line}: {message}")
        })
        .collect()
}

fn phone_lines(dir: &Path, name: &str, numbers: &[u32]) {
    let text: String = numbers
        .iter()
        .map(|n| {
            format!(
                "{{\"messages\": [{{\"role\": \"user\", \"content\": \"Ring 020 7946 {n:04}\"}}, \
                 {{\"role\": \"assistant\", \"content\": \"ok\"}}]}}\n"
            )
        })
        .collect();
    std::fs::write(dir.join(name), text).unwrap();
}

/// A value said once per file (S003) is tracked in a bounded table: a file of millions of
/// distinct phone numbers must not keep an entry for each. When the table is full, the values
/// seen once so far are forgotten (nothing to patch: their finding is already said); one seen
/// again afterwards starts a second finding.
#[test]
fn a_full_value_table_forgets_the_values_seen_once() {
    let dir = tempfile::tempdir().unwrap();
    phone_lines(dir.path(), "a.jsonl", &[1, 2, 3, 1]);
    let args = ["--select", "S003", "--output-format", "concise", "a.jsonl"];
    let unbounded = run_bounded(dir.path(), None, &args);
    assert_eq!(
        phone_findings(&unbounded),
        [
            "1: phone number `020 7946 0001`, 2 times in this file (also on line 4)",
            "2: phone number `020 7946 0002`",
            "3: phone number `020 7946 0003`",
        ]
    );
    // Two values fit: at the third, lines 1 and 2 (seen once) are forgotten.
    let bounded = run_bounded(dir.path(), Some("2,100"), &args);
    assert_eq!(
        phone_findings(&bounded),
        [
            "1: phone number `020 7946 0001`",
            "2: phone number `020 7946 0002`",
            "3: phone number `020 7946 0003`",
            "4: phone number `020 7946 0001`",
        ]
    );
    assert_eq!(bounded.status.code(), Some(0), "S003 is a warning");
}

/// A table full of repeated values stops taking new ones: each occurrence of a new value is
/// its own finding, the repeated ones keep their counts.
#[test]
fn a_table_full_of_repeated_values_takes_no_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    phone_lines(dir.path(), "a.jsonl", &[1, 1, 2, 2, 3, 3]);
    let args = ["--select", "S003", "--output-format", "concise", "a.jsonl"];
    assert_eq!(
        phone_findings(&run_bounded(dir.path(), Some("2,100"), &args)),
        [
            "1: phone number `020 7946 0001`, 2 times in this file (also on line 2)",
            "3: phone number `020 7946 0002`, 2 times in this file (also on line 4)",
            "5: phone number `020 7946 0003`",
            "6: phone number `020 7946 0003`",
        ]
    );
    assert_eq!(
        phone_findings(&run_bounded(dir.path(), None, &args))
            .last()
            .unwrap(),
        "5: phone number `020 7946 0003`, 2 times in this file (also on line 6)"
    );
}

/// A once-per-file finding (J006) stands for every line, and so does its fix: one edit per
/// line. Past the bound on kept edits the finding is said without its fix — whole or absent,
/// never a fix that silently converts only some lines — and its help says `--fix` applies it;
/// `--fix` then converts every line.
#[test]
fn a_once_said_fix_past_the_edit_bound_is_dropped_whole_and_fix_still_applies() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = (0..10)
        .map(|i| {
            format!(
                "{{\"messages\": [{{\"role\": \"user\", \"content\": \"q{i}\"}}, \
                 {{\"role\": \"assistant\", \"content\": \"a\"}}]}}\r\n"
            )
        })
        .collect();
    std::fs::write(dir.path().join("crlf.jsonl"), &text).unwrap();
    let args = ["--select", "J006", "--output-format", "json", "crlf.jsonl"];
    let fix_of = |out: &Output| {
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let d = &doc["diagnostics"];
        assert_eq!(d.as_array().unwrap().len(), 1, "{doc}");
        (
            d[0]["line"].clone(),
            d[0]["help"].clone(),
            d[0]["fix"].clone(),
        )
    };
    let (line, help, fix) = fix_of(&run_bounded(dir.path(), None, &args));
    assert_eq!(line, 1);
    assert_eq!(help, "convert the file to `\\n` line endings");
    assert_eq!(fix["edits"].as_array().unwrap().len(), 10);
    let (line, help, fix) = fix_of(&run_bounded(dir.path(), Some("100,8"), &args));
    assert_eq!(line, 1);
    assert_eq!(
        help,
        "convert the file to `\\n` line endings; its fix (an edit for each of the 10 \
         occurrences) is too large to carry in this report; `ftlint check --fix` applies it"
    );
    assert!(fix.is_null());
    let fixed = run_bounded(
        dir.path(),
        Some("100,8"),
        &["--select", "J006", "--fix", "crlf.jsonl"],
    );
    assert_eq!(fixed.status.code(), Some(0), "{}", common::stderr(&fixed));
    let after = std::fs::read_to_string(dir.path().join("crlf.jsonl")).unwrap();
    assert_eq!(after, text.replace("\r\n", "\n"));
}
