//! Recall and precision of the personal-data rules (S002–S005, S009, S010) on the labelled
//! corpus of `tests/data/sensitive/pii/` (built by its `generate.py` from numbering plans, the
//! IIN table, the IBAN registry and presidio's recognizer tests; see that script). Each sample is
//! embedded as the user message of one chat example, the file is checked by the real engine with
//! every S rule on, and each finding is matched to its sample by byte position:
//!
//! - a true positive is a finding of the sample's rule spanning exactly the labelled value (a
//!   finding of the right rule at another span fails the test: spans must be exact);
//! - any other S finding on a sample is a false positive of its rule (a secret on a phone
//!   number counts against S001), except the sample's `also` values (a second card);
//! - recall = TP / labelled values, precision = TP / (TP + FP), per rule and per family.
//!
//! The table prints with `--nocapture`; the README carries it between the `pii-scores` markers
//! (`FTLINT_BLESS=1 cargo test --test pii_corpus` rewrites it). Every rule must reach 95% / 95%.
//!
//! Also here: the benign prose of `tests/data/benign/` (real text with licences) yields no S
//! finding at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ftlint::engine::{self, FileReport};
use ftlint::settings::{Settings, Setup};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[derive(serde::Deserialize)]
struct Sample {
    text: String,
    label: Option<String>,
    family: String,
    span: Option<(usize, usize)>,
    #[serde(default)]
    also: Vec<(usize, usize)>,
    #[allow(dead_code)]
    source: String,
}

const S_RULES: &[&str] = &[
    "S001", "S002", "S003", "S004", "S005", "S006", "S007", "S008", "S009", "S010",
];

/// Checks `lines` (one JSON object each) as one file with every S rule.
fn check(name: &str, lines: &[String]) -> FileReport {
    let dir = root().join("target/pii-corpus");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let cache = tempfile::tempdir().unwrap();
    let settings = Settings {
        rules: vec![ftlint::settings::Selection::only(S_RULES)],
        cache_dir: Some(cache.path().to_path_buf()),
        ..Settings::default()
    };
    let setup = Setup::new(&settings, false).unwrap();
    let report = engine::check_reader(
        name.into(),
        std::fs::File::open(&path).unwrap(),
        &setup.opts,
    )
    .unwrap();
    std::fs::remove_file(&path).ok();
    report
}

/// Byte offset of char offset `c` in `s`.
fn byte_of(s: &str, c: usize) -> usize {
    s.char_indices().nth(c).map_or(s.len(), |(b, _)| b)
}

/// A finding on a line: its rule's code and its byte range in the file.
type Found = (&'static str, (u64, u64));

#[derive(Default, Clone, Copy)]
struct Score {
    positives: usize,
    tp: usize,
    fp: usize,
}

impl Score {
    fn recall(&self) -> f64 {
        if self.positives == 0 {
            1.0
        } else {
            self.tp as f64 / self.positives as f64
        }
    }
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
}

struct Outcome {
    per_rule: BTreeMap<String, Score>,
    per_family: BTreeMap<(String, String), Score>,
    /// Family → samples, false positives there.
    negatives: BTreeMap<String, (usize, usize)>,
    errors: Vec<String>,
}

fn score_corpus() -> Outcome {
    let dir = root().join("tests/data/sensitive/pii");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 5,
        "corpus files missing in {}",
        dir.display()
    );
    let mut out = Outcome {
        per_rule: BTreeMap::new(),
        per_family: BTreeMap::new(),
        negatives: BTreeMap::new(),
        errors: Vec::new(),
    };
    for file in files {
        let samples: Vec<Sample> = std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        // Each line: the sample as the user message; `starts[i]` is the file offset of the
        // user content's first byte.
        let prefix = r#"{"messages": [{"role": "user", "content": "#;
        let mut lines = Vec::new();
        let mut starts = Vec::new();
        let mut offset = 0usize;
        for s in &samples {
            let literal = serde_json::to_string(&s.text).unwrap();
            let line =
                format!(r#"{prefix}{literal}}}, {{"role": "assistant", "content": "Noted."}}]}}"#);
            starts.push(offset + prefix.len() + 1);
            offset += line.len() + 1;
            lines.push(line);
        }
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let report = check(&name, &lines);
        // Findings per line (1-based line → (code, raw byte range in the file)).
        let mut found: BTreeMap<u64, Vec<Found>> = BTreeMap::new();
        for d in &report.diagnostics {
            if let Some(l) = &d.location {
                found.entry(l.line).or_default().push((
                    d.rule.code(),
                    (l.byte_offset, l.byte_offset + l.byte_length),
                ));
            }
        }
        for (i, s) in samples.iter().enumerate() {
            // Raw (escaped) byte offset of char offset `c` of the text.
            let raw = |c: usize| {
                let before = &s.text[..byte_of(&s.text, c)];
                (starts[i] + serde_json::to_string(before).unwrap().len() - 2) as u64
            };
            let want = s.span.map(|(a, b)| (raw(a), raw(b)));
            let also: Vec<(u64, u64)> = s.also.iter().map(|&(a, b)| (raw(a), raw(b))).collect();
            let label = s.label.clone().unwrap_or_default();
            if let Some(code) = &s.label {
                out.per_rule.entry(code.clone()).or_default().positives += 1;
                out.per_family
                    .entry((code.clone(), s.family.clone()))
                    .or_default()
                    .positives += 1;
            } else {
                out.negatives.entry(s.family.clone()).or_default().0 += 1;
            }
            let mut hit = false;
            for &(code, range) in found.get(&(i as u64 + 1)).map_or(&[][..], |v| v) {
                if code == label && Some(range) == want && !hit {
                    hit = true;
                    continue;
                }
                if code == label && also.contains(&range) {
                    continue;
                }
                if code == label && !hit {
                    out.errors.push(format!(
                        "{name}:{}: {code} at bytes {range:?}, labelled {want:?}: {:?}",
                        i + 1,
                        s.text
                    ));
                }
                out.per_rule.entry(code.to_string()).or_default().fp += 1;
                if s.label.is_some() {
                    out.per_family
                        .entry((label.clone(), s.family.clone()))
                        .or_default()
                        .fp += 1;
                } else {
                    out.negatives.entry(s.family.clone()).or_default().1 += 1;
                }
                out.errors.push(format!(
                    "{name}:{}: false positive {code} {range:?} on {:?} ({})",
                    i + 1,
                    s.text,
                    s.family
                ));
            }
            if hit {
                out.per_rule.get_mut(&label).unwrap().tp += 1;
                out.per_family
                    .get_mut(&(label.clone(), s.family.clone()))
                    .unwrap()
                    .tp += 1;
            } else if s.label.is_some() {
                out.errors.push(format!(
                    "{name}:{}: missed {label} {:?} in {:?} ({})",
                    i + 1,
                    s.span,
                    s.text,
                    s.family
                ));
            }
            // Every `also` value must report too.
            for a in &also {
                let seen = found
                    .get(&(i as u64 + 1))
                    .is_some_and(|v| v.iter().any(|(c, r)| *c == label && r == a));
                if !seen {
                    out.errors
                        .push(format!("{name}:{}: missed second value {a:?}", i + 1));
                }
            }
        }
    }
    out
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// The README table: per rule, then per family.
fn table(o: &Outcome) -> String {
    let mut t = String::from(
        "| rule | family | values | found | false positives | recall | precision |\n|---|---|---|---|---|---|---|\n",
    );
    for (code, s) in &o.per_rule {
        t.push_str(&format!(
            "| **{code}** | all | {} | {} | {} | **{}** | **{}** |\n",
            s.positives,
            s.tp,
            s.fp,
            pct(s.recall()),
            pct(s.precision())
        ));
        for ((c, fam), f) in &o.per_family {
            if c == code {
                t.push_str(&format!(
                    "| {code} | {fam} | {} | {} | {} | {} | {} |\n",
                    f.positives,
                    f.tp,
                    f.fp,
                    pct(f.recall()),
                    pct(f.precision())
                ));
            }
        }
    }
    let (n, fp) = o
        .negatives
        .values()
        .fold((0, 0), |(a, b), (x, y)| (a + x, b + y));
    t.push_str(&format!(
        "| — | hard negatives ({} families) | {n} | — | {fp} | — | — |\n",
        o.negatives.len()
    ));
    t
}

#[test]
fn pii_recall_and_precision() {
    let o = score_corpus();
    let t = table(&o);
    println!("{t}");
    for e in &o.errors {
        println!("  {e}");
    }
    // Spans are exact: a finding of the right rule elsewhere is an error, whatever the score.
    let misplaced: Vec<&String> = o.errors.iter().filter(|e| e.contains("labelled")).collect();
    assert!(misplaced.is_empty(), "inexact spans: {misplaced:#?}");
    for (code, s) in &o.per_rule {
        if s.positives > 0 {
            assert!(
                s.recall() >= 0.95,
                "{code} recall {} < 95%\n{t}",
                pct(s.recall())
            );
        }
        assert!(
            s.precision() >= 0.95,
            "{code} precision {} < 95%\n{t}",
            pct(s.precision())
        );
    }
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = ("<!-- pii-scores:start -->\n", "<!-- pii-scores:end -->");
    let a = readme.find(start).expect("pii-scores start marker") + start.len();
    let b = readme.find(end).expect("pii-scores end marker");
    if readme[a..b] != t {
        if std::env::var_os("FTLINT_BLESS").is_some() {
            std::fs::write(&path, format!("{}{t}{}", &readme[..a], &readme[b..])).unwrap();
        } else {
            panic!("README PII table is stale: run `FTLINT_BLESS=1 cargo test --test pii_corpus`");
        }
    }
}

/// The benign prose of `tests/data/benign/` (see its README for sources and licences): no S
/// finding at all, S001 included.
#[test]
fn benign_prose_has_no_sensitive_findings() {
    let dir = root().join("tests/data/benign");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut lines = 0usize;
    let mut findings = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        // Lines of prose and code: the lines of the message texts.
        for l in text.lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            for m in v["messages"].as_array().unwrap() {
                lines += m["content"].as_str().unwrap_or("").lines().count();
            }
        }
        let name = Path::new(f)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let all: Vec<String> = text.lines().map(str::to_owned).collect();
        let report = check(&format!("benign-{name}"), &all);
        for d in report.diagnostics {
            findings.push(format!(
                "{name}:{} {} {}",
                d.location.map_or(0, |l| l.line),
                d.rule.code(),
                d.message
            ));
        }
    }
    println!(
        "benign prose: {lines} lines of text in {} files",
        files.len()
    );
    assert!(lines >= 10_000, "only {lines} lines of benign prose");
    assert!(findings.is_empty(), "{findings:#?}");
}
