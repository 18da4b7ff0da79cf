//! Runs the sensitive-data scanner over every fixture: each line of `fixtures/S00X/invalid.jsonl`
//! yields its code, no line of `valid.jsonl` does; the profile dataset yields S009, S008 and
//! S006 where the issue says. Also checks that match ranges map through escapes to the raw line.

use std::path::Path;

use ftlint::escapes::EscapeMap;
use ftlint::sensitive::{ExampleScan, MessageText, ProfileAccumulator, ProfileFinding, Scanner};

struct Line {
    number: u64,
    raw: String,
    value: serde_json::Value,
}

fn read(path: &Path) -> Vec<Line> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .map(|(i, raw)| Line {
            number: i as u64 + 1,
            raw: raw.to_string(),
            value: serde_json::from_str(raw)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1)),
        })
        .collect()
}

fn texts(v: &serde_json::Value) -> Vec<MessageText<'_>> {
    v["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| MessageText {
            role: m["role"].as_str().unwrap_or(""),
            text: m["content"].as_str().unwrap_or(""),
        })
        .collect()
}

fn scan(line: &Line) -> ExampleScan {
    Scanner::builtin().scan_example(&texts(&line.value))
}

fn profile(lines: &[Line]) -> Vec<ProfileFinding> {
    let scanner = Scanner::builtin();
    let mut acc = ProfileAccumulator::new(scanner.min_profile_kinds());
    for l in lines {
        acc.add(l.number, &scan(l));
    }
    acc.finish()
}

fn fixture(code: &str, kind: &str) -> Vec<Line> {
    read(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/{code}/{kind}.jsonl")))
}

/// The code of the rule that reports a match.
fn code_of(m: &ftlint::sensitive::SensitiveMatch) -> &'static str {
    ftlint::rules::sensitive::rule_of(m.kind).code()
}

const LINE_CODES: &[&str] = &[
    "S001", "S002", "S003", "S004", "S005", "S007", "S008", "S009",
];

#[test]
fn every_invalid_line_yields_its_code() {
    for code in LINE_CODES {
        let lines = fixture(code, "invalid");
        assert!(!lines.is_empty());
        for l in &lines {
            let s = scan(l);
            assert!(
                s.matches.iter().any(|m| code_of(m) == *code),
                "{code} invalid.jsonl:{} yields no {code}: {:?}",
                l.number,
                s.matches
            );
        }
    }
}

#[test]
fn no_valid_line_yields_its_code() {
    for code in LINE_CODES {
        for l in &fixture(code, "valid") {
            let s = scan(l);
            let hits: Vec<_> = s.matches.iter().filter(|m| code_of(m) == *code).collect();
            assert!(
                hits.is_empty(),
                "{code} valid.jsonl:{} yields {hits:?}",
                l.number
            );
        }
    }
}

#[test]
fn s006_fixtures() {
    let found = profile(&fixture("S006", "invalid"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].person, "Laura Whitfield");
    assert_eq!(found[0].lines, vec![1, 2, 3, 4]);
    assert!(profile(&fixture("S006", "valid")).is_empty());
}

/// The byte range of a decoded match, mapped to the raw line (absolute in the line).
fn raw_span(
    line: &Line,
    decoded_text: &str,
    range: std::ops::Range<usize>,
) -> std::ops::Range<usize> {
    // Find the literal of this string in the raw line: the one that decodes to `decoded_text`.
    let raw = &line.raw;
    let mut start = 0;
    while let Some(off) = raw[start..].find('"') {
        let q = start + off;
        // Try every closing quote after q.
        let mut end = q + 1;
        while let Some(off2) = raw[end..].find('"') {
            let e = end + off2;
            let lit = &raw[q..=e];
            if serde_json::from_str::<String>(lit).ok().as_deref() == Some(decoded_text) {
                let m = EscapeMap::new(lit.as_bytes()).expect("literal maps");
                let r = m.range_to_raw(range).expect("range maps");
                return q + r.start..q + r.end;
            }
            end = e + 1;
        }
        start = q + 1;
    }
    panic!("literal not found in line {}", line.number);
}

#[test]
fn profile_dataset_speaks() {
    let lines =
        read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/profile-dataset/train.jsonl"));
    assert_eq!(lines.len(), 11);

    let l1 = scan(&lines[0]);
    let s009: Vec<_> = l1.matches.iter().filter(|m| code_of(m) == "S009").collect();
    assert_eq!(s009.len(), 1, "{l1:?}");
    let t1 = texts(&lines[0].value);
    assert_eq!(
        &t1[s009[0].message_index].text[s009[0].range.clone()],
        "1998年9月14日"
    );
    let span = raw_span(
        &lines[0],
        t1[s009[0].message_index].text,
        s009[0].range.clone(),
    );
    assert_eq!(&lines[0].raw[span], "1998年9月14日");

    let l5 = scan(&lines[4]);
    let s008: Vec<_> = l5.matches.iter().filter(|m| code_of(m) == "S008").collect();
    assert_eq!(s008.len(), 1, "{l5:?}");
    let t5 = texts(&lines[4].value);
    let addr = &t5[s008[0].message_index].text[s008[0].range.clone()];
    assert!(addr.starts_with("東京都品川区"), "{addr}");
    assert_eq!(addr, "東京都品川区西五反田8丁目1−5");

    // No other line has S008/S009 (the hometown 青森県五所川原市 has no house number).
    for (i, l) in lines.iter().enumerate() {
        let codes: Vec<_> = scan(l).matches.iter().map(code_of).collect();
        match i {
            0 => assert_eq!(codes, ["S009"]),
            4 => assert_eq!(codes, ["S008"]),
            _ => assert!(codes.is_empty(), "line {}: {codes:?}", i + 1),
        }
    }

    let found = profile(&lines);
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(f.person, "愛上 尾根");
    assert!(
        f.lines.contains(&1)
            && f.lines.contains(&5)
            && f.lines.contains(&10)
            && f.lines.contains(&11)
    );
    let message =
        ftlint::rules::sensitive::s006_personal_profile::message(&f.person, &f.kinds, &f.lines);
    assert!(message.contains("`愛上 尾根`"), "{message}");
    assert!(f.kinds.len() >= 5, "{:?}", f.kinds);
}

#[test]
fn spans_map_through_escapes_in_every_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for code in LINE_CODES {
        for l in &fixture(code, "invalid") {
            let t = texts(&l.value);
            for m in scan(l).matches {
                let text = t[m.message_index].text;
                let span = raw_span(l, text, m.range.clone());
                let back: String = serde_json::from_str(&format!("\"{}\"", &l.raw[span])).unwrap();
                assert_eq!(back, &text[m.range.clone()], "{code}:{}", l.number);
            }
        }
    }
    assert!(root.exists());
}

#[test]
fn secrets_are_redacted_in_messages() {
    for l in &fixture("S001", "invalid") {
        let t = texts(&l.value);
        for m in scan(l).matches.iter().filter(|m| code_of(m) == "S001") {
            let secret = &t[m.message_index].text[m.range.clone()];
            let (_, message, _) = ftlint::rules::sensitive::describe(m, secret);
            assert!(!message.contains(secret), "{message}");
            assert!(message.contains('…'), "{message}");
        }
    }
}
