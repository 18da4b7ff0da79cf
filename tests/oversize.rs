//! Lines too long to hold (J013): they stream past the reader, and what can be said of a line
//! without holding it is said exactly as for a held line — same code, line, column, span and
//! message — while the lines around them are checked as usual.
//!
//! The limit is lowered (`DatasetLimits::max_line_bytes`) so that a few hundred bytes stand for
//! 150 MiB; the real limit's memory and time are measured by the benchmark
//! (`cargo bench --bench throughput -- --shapes 100,250,500,1000`).

use ftlint::diagnostic::{Diagnostic, RuleSet};
use ftlint::engine::{check_reader, DatasetLimits, FileReport, Options};
use ftlint::format::FormatChoice;

/// The framing and parse codes a streamed line can get.
const STREAMED: [&str; 9] = [
    "J001", "J002", "J003", "J004", "J005", "J006", "J008", "J009", "J010",
];

fn check(data: &[u8], max_line: u64) -> FileReport {
    let limits = DatasetLimits {
        max_line_bytes: max_line,
        ..DatasetLimits::NONE
    };
    let opts = Options::rules_only(RuleSet::all(), FormatChoice::Auto, limits);
    check_reader("x.jsonl".into(), data, &opts).unwrap()
}

/// (code, line, column, end column, byte offset, byte length, message)
type Seen = (String, u64, u64, u64, u64, u64, String);

fn seen(d: &Diagnostic) -> Seen {
    let l = d.location.expect("a located finding");
    (
        d.rule.code().to_string(),
        l.line,
        l.column,
        l.end_column,
        l.byte_offset,
        l.byte_length,
        d.message.clone(),
    )
}

/// A long string of mixed scripts, so that columns and bytes differ.
fn filler(n: usize) -> String {
    "déjà vu 日本語 ".repeat(n)
}

fn lines() -> Vec<Vec<u8>> {
    let f = filler(20);
    let chat = |content: &str| {
        format!(
            r#"{{"messages": [{{"role": "user", "content": "{content}"}}, {{"role": "assistant", "content": "ok"}}]}}"#
        )
    };
    vec![
        // 1: short, with a finding the held line gets (unknown role).
        br#"{"messages": [{"role": "bot", "content": "hi"}]}"#.to_vec(),
        // 2: long, valid: J013 only.
        chat(&f).into_bytes(),
        // 3: long, a syntax error after the filler.
        format!(r#"{{"messages": [{{"role": "user", "content": "{f}"}} "x"]}}"#).into_bytes(),
        // 4: long, invalid UTF-8 after the filler.
        [format!(r#"{{"a": "{f}"#).as_bytes(), b"\xE3\x81\"}"].concat(),
        // 5: long, an array (not an object), ending with spaces.
        format!(r#"["{f}", 1, null]   "#).into_bytes(),
        // 6: long, nested too deep.
        format!(
            r#"{{"a": "{f}", "b": {}1{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        )
        .into_bytes(),
        // 7: long, lone surrogates in an otherwise valid line.
        chat(&format!(r"{f}\uD800 and \uDC00x")).into_bytes(),
        // 8: long, truncated inside a string, CRLF.
        format!("{{\"a\": \"{f}\r").into_bytes(),
        // 9: short and fine.
        chat("hello").into_bytes(),
        // 10: long, blank.
        b" \t".repeat(300),
        // 11: long, the last line: no newline, a bare `\r` at its end.
        format!("{}\r", chat(&f)).into_bytes(),
    ]
}

fn file() -> Vec<u8> {
    let lines = lines();
    let mut data = b"\xEF\xBB\xBF".to_vec();
    for (i, l) in lines.iter().enumerate() {
        data.extend_from_slice(l);
        if i + 1 < lines.len() {
            data.extend_from_slice(if i == 5 { b"\r\n" } else { b"\n" });
        }
    }
    data
}

#[test]
fn streamed_lines_get_the_framing_and_syntax_findings_a_held_line_gets() {
    let data = file();
    let held = check(&data, u64::MAX);
    let streamed = check(&data, 300);
    let framing = |r: &FileReport| -> Vec<Seen> {
        r.diagnostics
            .iter()
            .filter(|d| STREAMED.contains(&d.rule.code()))
            .map(seen)
            .collect()
    };
    let held_framing = framing(&held);
    // The file has each kind of finding, so the comparison means something.
    for code in STREAMED {
        if code == "J005" {
            continue; // said once, on line 1, which is short
        }
        assert!(
            held_framing.iter().any(|s| s.0 == code),
            "{code} missing from {held_framing:#?}"
        );
    }
    assert_eq!(framing(&streamed), held_framing);
}

#[test]
fn every_long_line_is_j013_and_the_short_ones_are_checked_as_usual() {
    let data = file();
    let lines = lines();
    let streamed = check(&data, 300);
    let too_large: Vec<(u64, u64)> = streamed
        .diagnostics
        .iter()
        .filter(|d| d.rule.code() == "J013")
        .map(|d| {
            let l = d.location.unwrap();
            (l.line, l.column)
        })
        .collect();
    let long: Vec<(u64, u64)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.len() > 300)
        .map(|(i, _)| (i as u64 + 1, 1))
        .collect();
    assert_eq!(too_large, long);
    assert_eq!(long.len(), 9);
    // Short lines: the held check's findings, at the same lines.
    let held = check(&data, u64::MAX);
    let short = |r: &FileReport| -> Vec<Seen> {
        r.diagnostics
            .iter()
            .filter(|d| d.location.is_some_and(|l| l.line == 1 || l.line == 9))
            // Its message counts the examples without a system message: the long lines are
            // examples only when held.
            .filter(|d| d.rule.code() != "C021")
            .map(seen)
            .collect()
    };
    assert!(short(&held).iter().any(|s| s.0 == "C005" && s.1 == 1));
    assert_eq!(short(&streamed), short(&held));
    // The long lines are not examples; the file's size and lines are all there.
    assert_eq!((streamed.lines, streamed.bytes), (11, data.len() as u64));
    assert_eq!(streamed.examples, 2);
}

#[test]
fn the_message_gives_the_size_and_the_limit() {
    let data = file();
    let streamed = check(&data, 300);
    let d = streamed
        .diagnostics
        .iter()
        .find(|d| d.rule.code() == "J013")
        .unwrap();
    let len = lines()[1].len();
    assert_eq!(
        d.message,
        format!("the line is {len} bytes; no fine-tuning service takes an example over 300 bytes, so it was checked as a stream, not as an example")
    );
    assert_eq!(
        d.location.unwrap().byte_offset,
        3 + lines()[0].len() as u64 + 1
    );
}
