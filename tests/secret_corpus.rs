//! S001 measured: the labelled corpus of `tests/data/sensitive/secrets/` (the samples that
//! gitleaks, detect-secrets and trufflehog publish, plus seeded generated positives and hard
//! negatives — `generate.py`) embedded in chat examples and checked by the real checker.
//!
//! Scores recall and precision per family and for S001 (and S011, the published examples),
//! checks that the span of every true finding is exactly the secret in the raw line — also when
//! the secret is written with `\u` escapes —, that each finding names its provider, prints the
//! table and asserts ≥ 95% recall and precision. The table is the README's (between
//! `<!-- secrets:start -->` and `<!-- secrets:end -->`): `FTLINT_BLESS=1 cargo test --test
//! secret_corpus` rewrites it.

use std::collections::BTreeMap;

use ftlint::diagnostic::Rule;
use ftlint::engine::{check_reader, DatasetLimits, Options};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sensitive/secrets");

/// One labelled record.
struct Record {
    text: String,
    label: Option<String>,
    family: String,
    /// Character offsets of the secret in `text`.
    span: Option<(usize, usize)>,
}

/// One text of the corpus, with every secret its records label (an AWS key ID and its secret
/// key are two records of one text), or none.
struct Sample {
    text: String,
    /// (label, family, character span), in text order.
    secrets: Vec<(String, String, (usize, usize))>,
    /// The family of a negative record (hard negatives are scored per family too).
    negative_family: Option<String>,
    file: &'static str,
    /// 1-based line of the first record in `file`.
    line: usize,
}

fn load(file: &'static str) -> Vec<Sample> {
    let data = std::fs::read_to_string(format!("{DIR}/{file}")).unwrap();
    let mut out: Vec<Sample> = Vec::new();
    for (n, l) in data.lines().enumerate() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert!(v["source"].as_str().is_some_and(|s| !s.is_empty()), "{l}");
        let r = Record {
            text: v["text"].as_str().unwrap().to_string(),
            label: v["label"].as_str().map(str::to_string),
            family: v["family"].as_str().unwrap().to_string(),
            span: v["span"].as_array().map(|a| {
                (
                    a[0].as_u64().unwrap() as usize,
                    a[1].as_u64().unwrap() as usize,
                )
            }),
        };
        assert_eq!(r.label.is_some(), r.span.is_some(), "{l}");
        let same_text = out
            .last()
            .is_some_and(|s| s.text == r.text && s.negative_family.is_none() && r.label.is_some());
        if !same_text {
            out.push(Sample {
                text: r.text.clone(),
                secrets: Vec::new(),
                negative_family: None,
                file,
                line: n + 1,
            });
        }
        let s = out.last_mut().expect("pushed above");
        match (r.label, r.span) {
            (Some(label), Some(span)) => s.secrets.push((label, r.family, span)),
            _ => s.negative_family = Some(r.family),
        }
        s.secrets.sort_by_key(|(_, _, span)| *span);
    }
    out
}

/// The label a finding of this family must carry (its provider).
fn provider(family: &str) -> &'static str {
    match family {
        "openai" => "OpenAI API key",
        "anthropic" => "Anthropic API key",
        "aws-key-id" => "AWS access key ID",
        "aws-secret" => "AWS secret access key",
        "github" => "GitHub token",
        "gitlab" => "GitLab token",
        "slack" => "Slack token",
        "slack-app" => "Slack app-level token",
        "slack-webhook" => "Slack webhook URL",
        "google" => "Google API key",
        "jwt" => "JSON Web Token",
        "pem" | "pgp" => "private key",
        "huggingface" => "Hugging Face token",
        "stripe" => "Stripe secret key",
        "npm" => "npm access token",
        "pypi" => "PyPI API token",
        "telegram" => "Telegram bot token",
        "discord" => "Discord bot token",
        "discord-webhook" => "Discord webhook URL",
        "twilio" => "Twilio API key",
        "sendgrid" => "SendGrid API key",
        "azure-ad" => "Azure AD client secret",
        "azure-storage" => "Azure storage account key",
        _ => "",
    }
}

/// JSON string body (no quotes) of `s`.
fn escaped(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap();
    q[1..q.len() - 1].to_string()
}

/// `s` with every third ASCII letter or digit written as a `\u` escape.
fn u_escaped(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i % 3 == 1 && c.is_ascii_alphanumeric() {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push_str(&escaped(&c.to_string()));
        }
    }
    out
}

fn byte_at(text: &str, char_index: usize) -> usize {
    text.char_indices()
        .nth(char_index)
        .map_or(text.len(), |(b, _)| b)
}

/// The raw line of sample `i` and the byte range of each secret in it.
fn line_of(i: usize, s: &Sample) -> (String, Vec<std::ops::Range<usize>>) {
    let head = r#"{"messages": [{"role": "system", "content": "You help with code."}, {"role": "user", "content": ""#;
    let tail = r#""}, {"role": "assistant", "content": "Thanks, let me look."}]}"#;
    let mut line = head.to_string();
    let mut ranges = Vec::new();
    let mut at = 0;
    for (_, _, (a, b)) in &s.secrets {
        let (a, b) = (byte_at(&s.text, *a), byte_at(&s.text, *b));
        line.push_str(&escaped(&s.text[at..a]));
        // Every fourth sample has its secrets written with `\u` escapes.
        let secret = if i % 4 == 3 {
            u_escaped(&s.text[a..b])
        } else {
            escaped(&s.text[a..b])
        };
        ranges.push(line.len()..line.len() + secret.len());
        line.push_str(&secret);
        at = b;
    }
    line.push_str(&escaped(&s.text[at..]));
    line.push_str(tail);
    (line, ranges)
}

#[derive(Default, Clone, Copy)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
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

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

#[test]
fn secret_corpus_recall_and_precision() {
    let mut samples = load("published.jsonl");
    samples.extend(load("generated.jsonl"));
    let mut file = String::new();
    let mut expected = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        let (line, span) = line_of(i, s);
        serde_json::from_str::<Value>(&line).unwrap();
        file.push_str(&line);
        file.push('\n');
        expected.push((line.len() + 1, span));
    }
    let mut starts = Vec::with_capacity(expected.len());
    let mut at = 0u64;
    for (len, _) in &expected {
        starts.push(at);
        at += *len as u64;
    }
    let opts = Options::rules_only(
        [Rule::S001, Rule::S011].into_iter().collect(),
        Default::default(),
        DatasetLimits::NONE,
    );
    let report = check_reader("corpus".into(), file.as_bytes(), &opts).unwrap();
    // Per line: (code, byte range in the line, message).
    let mut found: Vec<Vec<(String, std::ops::Range<usize>, String)>> =
        vec![Vec::new(); samples.len()];
    for d in &report.diagnostics {
        let loc = d.location.expect("S findings are positioned");
        let line = loc.line as usize - 1;
        let start = (loc.byte_offset - starts[line]) as usize;
        found[line].push((
            d.rule.code().to_string(),
            start..start + loc.byte_length as usize,
            d.message.clone(),
        ));
    }

    let mut per_family: BTreeMap<String, Score> = BTreeMap::new();
    let mut per_code: BTreeMap<String, Score> = BTreeMap::new();
    // S001 over each file alone: the published samples are the independent part of the corpus
    // (the generated positives follow the same format facts as the patterns).
    let mut per_file: BTreeMap<&str, Score> = BTreeMap::new();
    let mut failures = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        let spans = &expected[i].1;
        let mut matched = vec![false; s.secrets.len()];
        for (code, range, message) in &found[i] {
            let hit = s
                .secrets
                .iter()
                .enumerate()
                .position(|(k, (label, family, _))| {
                    !matched[k]
                        && label == code
                        && spans[k] == *range
                        && (code != "S001"
                            || message.starts_with(&format!("{} `", provider(family))))
                });
            let c = per_code.entry(code.clone()).or_default();
            match hit {
                Some(k) => {
                    matched[k] = true;
                    c.tp += 1;
                    if code == "S001" {
                        per_file.entry(s.file).or_default().tp += 1;
                    }
                    per_family.entry(s.secrets[k].1.clone()).or_default().tp += 1;
                }
                None => {
                    c.fp += 1;
                    if code == "S001" {
                        per_file.entry(s.file).or_default().fp += 1;
                    }
                    // A false positive counts against the family it was found in: the
                    // negative's, or the first secret's of the text.
                    let family = s
                        .negative_family
                        .clone()
                        .or_else(|| s.secrets.first().map(|x| x.1.clone()))
                        .unwrap_or_default();
                    per_family.entry(family.clone()).or_default().fp += 1;
                    failures.push(format!(
                        "{}:{} [{family}] unexpected {code} {range:?} {message}: {:?}",
                        s.file,
                        s.line,
                        s.text.chars().take(120).collect::<String>()
                    ));
                }
            }
        }
        for (k, (label, family, _)) in s.secrets.iter().enumerate() {
            if !matched[k] {
                if label == "S001" {
                    per_file.entry(s.file).or_default().fn_ += 1;
                }
                per_family.entry(family.clone()).or_default().fn_ += 1;
                per_code.entry(label.clone()).or_default().fn_ += 1;
                failures.push(format!(
                    "{}:{} [{family}] missed {label} {:?}: {:?}",
                    s.file,
                    s.line,
                    spans[k],
                    s.text.chars().take(160).collect::<String>()
                ));
            }
        }
        if let Some(f) = &s.negative_family {
            per_family.entry(f.clone()).or_default();
        }
    }

    let positives = |f: &str| {
        samples
            .iter()
            .flat_map(|s| &s.secrets)
            .filter(|(_, family, _)| family == f)
            .count()
    };
    let negatives = |f: &str| {
        samples
            .iter()
            .filter(|s| s.negative_family.as_deref() == Some(f))
            .count()
    };
    let mut table = String::from(
        "| family | positives | hard negatives | recall | precision |\n|---|---|---|---|---|\n",
    );
    for (family, sc) in &per_family {
        table.push_str(&format!(
            "| {family} | {} | {} | {} | {} |\n",
            positives(family),
            negatives(family),
            pct(sc.recall()),
            pct(sc.precision())
        ));
    }
    for (code, sc) in &per_code {
        let n = samples
            .iter()
            .flat_map(|s| &s.secrets)
            .filter(|(label, _, _)| label == code)
            .count();
        table.push_str(&format!(
            "| **{code}** | {n} | {} | **{}** | **{}** |\n",
            samples.iter().filter(|s| s.secrets.is_empty()).count(),
            pct(sc.recall()),
            pct(sc.precision())
        ));
    }
    for (file, sc) in &per_file {
        let of_file = |s: &&Sample| s.file == *file;
        table.push_str(&format!(
            "| S001 in `{file}` | {} | {} | {} | {} |\n",
            samples
                .iter()
                .filter(of_file)
                .flat_map(|s| &s.secrets)
                .filter(|(label, _, _)| label == "S001")
                .count(),
            samples
                .iter()
                .filter(of_file)
                .filter(|s| s.secrets.is_empty())
                .count(),
            pct(sc.recall()),
            pct(sc.precision())
        ));
    }
    println!("{table}");
    for f in failures.iter().take(60) {
        println!("  {f}");
    }

    // The README shows this table.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (start, end) = ("<!-- secrets:start -->\n", "<!-- secrets:end -->");
    let a = readme.find(start).expect("secrets start marker") + start.len();
    let b = readme.find(end).expect("secrets end marker");
    if readme[a..b] != table {
        if std::env::var_os("FTLINT_BLESS").is_some() {
            std::fs::write(path, format!("{}{table}{}", &readme[..a], &readme[b..])).unwrap();
        } else {
            panic!("README secrets table is stale: run `FTLINT_BLESS=1 cargo test --test secret_corpus`\n{table}");
        }
    }

    for (code, sc) in &per_code {
        assert!(sc.recall() >= 0.95, "{code} recall {}", pct(sc.recall()));
        assert!(
            sc.precision() >= 0.95,
            "{code} precision {}",
            pct(sc.precision())
        );
    }
    for (family, sc) in &per_family {
        assert!(
            sc.recall() >= 0.95 && sc.precision() >= 0.95,
            "{family}: recall {}, precision {}",
            pct(sc.recall()),
            pct(sc.precision())
        );
    }
    // Every finding on a secret spans exactly the secret: one that overlaps it with another
    // range is a wrong span, whatever the scores.
    let mut wrong_spans = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        for span in &expected[i].1 {
            for (code, range, _) in &found[i] {
                if range.start < span.end && span.start < range.end && range != span {
                    wrong_spans.push(format!(
                        "{}:{} {code} {range:?} != {span:?}",
                        s.file, s.line
                    ));
                }
            }
        }
    }
    assert!(wrong_spans.is_empty(), "{wrong_spans:#?}");
}

/// Zero S001 findings on real benign code and documentation: the source, tests and docs of three
/// MIT/Apache crates (`benign/`, see its `PROVENANCE.md`) — base64 test vectors, hash test
/// vectors, URLs with credentials-like parts — cut into 40-line chat messages.
#[test]
fn no_secret_in_benign_code() {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if p
                .extension()
                .is_some_and(|x| x == "rs" || x == "md" || x == "toml")
            {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    files(std::path::Path::new(&format!("{DIR}/benign")), &mut paths);
    let mut jsonl = String::new();
    let mut origin = Vec::new();
    let mut lines = 0;
    for p in &paths {
        let text = std::fs::read_to_string(p).unwrap();
        let all: Vec<&str> = text.lines().collect();
        lines += all.len();
        for (k, chunk) in all.chunks(40).enumerate() {
            let ex = serde_json::json!({"messages": [
                {"role": "user", "content": format!("Explain this file:\n{}", chunk.join("\n"))},
                {"role": "assistant", "content": "It is part of a Rust crate."},
            ]});
            jsonl.push_str(&ex.to_string());
            jsonl.push('\n');
            origin.push(format!("{}:{}", p.display(), k * 40 + 1));
        }
    }
    let opts = Options::rules_only(
        [Rule::S001].into_iter().collect(),
        Default::default(),
        DatasetLimits::NONE,
    );
    let report = check_reader("benign".into(), jsonl.as_bytes(), &opts).unwrap();
    let found: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| {
            let line = d.location.map_or(0, |l| l.line as usize);
            format!("{} {}", origin[line.saturating_sub(1)], d.message)
        })
        .collect();
    println!(
        "{} files, {lines} lines, {} examples: {} S001",
        paths.len(),
        origin.len(),
        found.len()
    );
    assert!(lines > 15_000, "{lines}");
    assert!(found.is_empty(), "{found:#?}");
}
