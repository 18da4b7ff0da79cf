//! Amazon Bedrock conversation records (`bedrock-conversation-2024`) end to end: the built
//! binary on the shipped sample and on small files written here, with the exact codes and
//! positions (columns hand-counted against the line text, and checked against it below), the
//! detected format, what the other families do (and do not do) on these lines, and the JSON
//! form of B001's fix.

mod common;

use serde_json::Value;
use std::path::Path;

/// Runs `ftlint check` with JSON output in the repository; returns (code, line, column) of each
/// diagnostic in output order, and the whole JSON report.
fn check(args: &[&str]) -> (Vec<(String, u64, u64)>, Value) {
    let out = common::command(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &common::empty_cache(),
    )
    .arg("check")
    .args(["--output-format", "json"])
    .args(args)
    .output()
    .expect("ftlint runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        common::stderr(&out)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let diags = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    (diags, v)
}

fn owned(expected: &[(&str, u64, u64)]) -> Vec<(String, u64, u64)> {
    expected
        .iter()
        .map(|(c, l, col)| (c.to_string(), *l, *col))
        .collect()
}

/// Writes `lines` (one JSONL line each) to a file in a fresh temporary folder.
fn file(lines: &[&str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let p = path.to_string_lossy().into_owned();
    (dir, p)
}

/// The 1-based column (in characters) where `needle` starts in `line`: the expected columns
/// below are literals, and this checks them against the text they count.
fn column_of(line: &str, needle: &str) -> u64 {
    let at = line.find(needle).expect("needle in line");
    line[..at].chars().count() as u64 + 1
}

/// The shipped sample is detected as Bedrock and, on its target, clean: only the file-level
/// note that it is small (D002), no chat rule (C020/C021 would fire on a record without a
/// system message if the chat rules read Bedrock lines). On the default target (OpenAI) the
/// format itself is refused once, for the file (D008).
#[test]
fn sample_is_bedrock_and_clean() {
    let (diags, _) = check(&["fixtures/samples/bedrock-nova.jsonl"]);
    assert_eq!(diags, owned(&[("D002", 0, 0), ("D008", 0, 0)]));
    let (diags, v) = check(&[
        "fixtures/samples/bedrock-nova.jsonl",
        "--target",
        "bedrock-nova",
    ]);
    assert_eq!(diags, owned(&[("D002", 0, 0)]));
    assert_eq!(v["files"][0]["format"], "bedrock-conversation");
    assert_eq!(v["files"][0]["examples"], 12);
    assert_eq!(v["files"][0]["token_counts"], "estimated");
    assert!(v["files"][0]["tokens"]["total"].as_u64().unwrap() > 0);
}

/// A `messages` line for a target that takes only Bedrock records is read as such a record
/// missing its version (B001) — not as OpenAI chat refused for the file (D008).
#[test]
fn a_bedrock_target_reads_messages_lines_as_bedrock_records() {
    let line = r#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}"#;
    let (_dir, path) = file(&[line]);
    let (diags, v) = check(&[&path, "--target", "bedrock-nova", "--ignore", "D001,D002"]);
    assert_eq!(
        diags,
        owned(&[("B001", 1, 1), ("B004", 1, 43), ("B004", 1, 83)])
    );
    assert_eq!(v["files"][0]["format"], "bedrock-conversation");
    // OpenAI takes it as chat (no system message: the cookbook's C021 note).
    let (diags, _) = check(&[&path, "--ignore", "D001,D002"]);
    assert_eq!(diags, owned(&[("C021", 1, 14)]));
}

const SYSTEM_EMAIL: &str = r#"{"schemaVersion": "bedrock-conversation-2024", "system": [{"text": "Escalate to ops\u00e9 at mia.lopez@acme-corp.io please"}], "messages": [{"role": "user", "content": [{"text": "Hi, mail me at bob@corp-mail.net"}]}, {"role": "assistant", "content": [{"reasoningContent": {"reasoningText": {"text": "ping lee@mail.org first"}}}, {"text": "Hello!"}]}]}"#;

/// S002 sees the system prompt, the text blocks and the reasoning text, each address at its
/// exact characters (after a `\u00e9` escape, which is six characters in the line).
#[test]
fn e_mail_in_bedrock_texts_at_exact_columns() {
    let (_dir, path) = file(&[SYSTEM_EMAIL]);
    let (diags, v) = check(&[&path, "--select", "S002"]);
    assert_eq!(
        diags,
        owned(&[("S002", 1, 94), ("S002", 1, 195), ("S002", 1, 306)])
    );
    for ((_, _, col), needle) in diags.iter().zip(["mia.lopez@", "bob@", "lee@"]) {
        assert_eq!(*col, column_of(SYSTEM_EMAIL, needle), "{needle}");
    }
    // The span is the address itself.
    let d = &v["diagnostics"][0];
    assert_eq!(
        d["end_column"].as_u64().unwrap() - d["column"].as_u64().unwrap(),
        "mia.lopez@acme-corp.io".len() as u64
    );
}

/// A file that mixes one OpenAI chat line into Bedrock records: the chat line is D005 and gets
/// the chat rules (C010, C021, C005); the Bedrock lines get B rules and no C rule (the first
/// one has no system prompt, and no C021).
#[test]
fn chat_rules_stay_off_bedrock_lines() {
    let bedrock_no_system = r#"{"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"text": "Hi"}]}, {"role": "assistant", "content": [{"text": "Hello."}]}]}"#;
    let bedrock_bad = r#"{"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"text": "Hi"}]}, {"role": "bot", "content": [{"text": "Hello."}]}]}"#;
    let chat = r#"{"messages": [{"role": "user", "content": "Hi"}, {"role": "bot", "content": "Hello."}]}"#;
    let (_dir, path) = file(&[bedrock_no_system, bedrock_bad, chat]);
    let (diags, v) = check(&[&path, "--select", "B,C,D005"]);
    assert_eq!(
        diags,
        owned(&[
            ("B003", 2, 117),
            ("D005", 3, 1),
            ("C010", 3, 14),
            ("C021", 3, 14),
            ("C005", 3, 59),
        ])
    );
    assert_eq!(column_of(bedrock_bad, r#""bot""#), 117);
    assert_eq!(column_of(chat, r#""bot""#), 59);
    assert_eq!(column_of(chat, "[{"), 14);
    assert_eq!(v["files"][0]["format"], "bedrock-conversation");
}

/// D003 (same record twice) and D004 (same conversation and system prompt, another answer) on
/// Bedrock records; a different system prompt makes a different conversation.
#[test]
fn duplicates_and_conflicts() {
    let rec = |system: &str, answer: &str| {
        format!(
            r#"{{"schemaVersion": "bedrock-conversation-2024", "system": [{{"text": "{system}"}}], "messages": [{{"role": "user", "content": [{{"text": "Capital of Australia?"}}]}}, {{"role": "assistant", "content": [{{"text": "{answer}"}}]}}]}}"#
        )
    };
    let lines = [
        rec("Be brief.", "Canberra."),
        rec("Be brief.", "Canberra."),
        rec("Be brief.", "Sydney."),
        rec("Answer wrongly on purpose.", "Sydney."),
    ];
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let (_dir, path) = file(&refs);
    let (diags, v) = check(&[&path, "--select", "D003,D004"]);
    assert_eq!(diags, owned(&[("D003", 2, 1), ("D004", 3, 1)]));
    assert_eq!(
        v["diagnostics"][1]["message"],
        "same conversation as line 1 but a different final answer"
    );
}

/// B001's edit inserts the version after the record's `{` (in file bytes), and is `unsafe`:
/// shown in JSON, not applied by `--fix`.
#[test]
fn b001_fix_in_json() {
    let first = r#"{"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"text": "Hi"}]}, {"role": "assistant", "content": [{"text": "Hello."}]}]}"#;
    let second = r#"  {"system": [{"text": "Be brief."}], "messages": [{"role": "user", "content": [{"text": "Hi"}]}, {"role": "assistant", "content": [{"text": "Hello."}]}]}"#;
    let (_dir, path) = file(&[first, second]);
    let (diags, v) = check(&[&path, "--select", "B001"]);
    assert_eq!(diags, owned(&[("B001", 2, 3)]));
    let fix = &v["diagnostics"][0]["fix"];
    assert_eq!(fix["applicability"], "unsafe");
    let edit = &fix["edits"][0];
    // Line 1 and its newline, the two spaces and the `{`.
    assert_eq!(edit["byte_offset"], first.len() as u64 + 1 + 3);
    assert_eq!(edit["byte_length"], 0);
    assert_eq!(
        edit["content"],
        r#""schemaVersion": "bedrock-conversation-2024", "#
    );
    // `--fix` leaves the file as it is.
    let before = std::fs::read(&path).unwrap();
    let out = common::command(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &common::empty_cache(),
    )
    .args(["check", "--fix", "--select", "B001", &path])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// `--format bedrock-conversation` checks a chat line as Bedrock (and says so in the report);
/// the config command names the choice.
#[test]
fn forced_format() {
    let chat = r#"{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}"#;
    let (_dir, path) = file(&[chat]);
    let (diags, v) = check(&[&path, "--format", "bedrock-conversation", "--select", "B"]);
    assert_eq!(
        diags,
        owned(&[("B001", 1, 1), ("B004", 1, 43), ("B004", 1, 83)])
    );
    assert_eq!(column_of(chat, r#""Hi""#), 43);
    assert_eq!(column_of(chat, r#""Hello.""#), 83);
    assert_eq!(v["files"][0]["format"], "bedrock-conversation");
    let out = common::command(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &common::empty_cache(),
    )
    .args(["config", "--isolated", "--format", "bedrock-conversation"])
    .output()
    .unwrap();
    assert!(
        common::stdout(&out).contains(r#"format = "bedrock-conversation""#),
        "{}",
        common::stdout(&out)
    );
}

/// Moderation reads a Bedrock record's units in line order — the `system` list, then each
/// message — so a raw API response aligned to the line scores `/system` with `results[0]`.
#[test]
fn moderation_scores_the_system_prompt() {
    let line = r#"{"schemaVersion": "bedrock-conversation-2024", "system": [{"text": "You write threats."}], "messages": [{"role": "user", "content": [{"text": "Write one."}]}, {"role": "assistant", "content": [{"text": "No."}]}]}"#;
    let (dir, path) = file(&[line]);
    let calm = r#"{"flagged": false, "categories": {}, "category_scores": {"violence": 0.0001}}"#;
    let flagged = r#"{"flagged": true, "categories": {"violence": true}, "category_scores": {"violence": 0.97}}"#;
    let response = format!(
        r#"{{"id": "modr-1", "model": "omni-moderation-2024-09-26", "results": [{flagged}, {calm}, {calm}]}}"#
    );
    let scores = dir.path().join("scores.ndjson");
    std::fs::write(&scores, response + "\n").unwrap();
    let (diags, v) = check(&[
        &path,
        "--select",
        "M001",
        "--scores",
        &scores.to_string_lossy(),
    ]);
    assert_eq!(diags, owned(&[("M001", 1, 58)]));
    assert_eq!(column_of(line, r#"[{"text": "You"#), 58);
    assert_eq!(v["diagnostics"][0]["pointer"], "/system");
}

/// `stats` counts a record with a `system` list as having a system prompt.
#[test]
fn stats_sees_the_system_list() {
    let out = common::command(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &common::empty_cache(),
    )
    .args([
        "stats",
        "fixtures/samples/bedrock-nova.jsonl",
        "--output-format",
        "json",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = if v.is_array() { &v[0] } else { &v["files"][0] };
    // One record of twelve has no `system` list (the packing list).
    assert_eq!(file["missing_system"], 1, "{v}");
    assert_eq!(file["missing_user"], 0);
}

/// Odd shapes in every place a B rule reads: no panic, exit 1 with findings, and every
/// finding positioned on its line.
#[test]
fn odd_shapes_never_panic() {
    let lines = [
        r#"{"schemaVersion": {}, "system": [1, null, {"text": 2}, {"text": "User:"}], "messages": {"role": "user"}}"#,
        r#"{"schemaVersion": "x", "system": null, "messages": [null, 1, [], {"role": null, "content": null}]}"#,
        r#"{"toolConfig": [], "messages": [{"role": "user", "content": [{"image": null}, {"video": "x"}, {"document": {"source": {"s3Location": 7}}}]}]}"#,
        r#"{"toolConfig": {"tools": [{"toolSpec": null}, 3]}, "messages": [{"role": "assistant", "content": [{"toolUse": {"toolUseId": 1, "name": null}}, {"toolResult": {"toolUseId": null, "content": {}}}]}]}"#,
        r#"{"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"reasoningContent": {"reasoningText": null}}, {"text": "\ud800 [EOS] \u0000"}]}, {"role": "assistant", "content": [{"text": ""}, {"text": "<unk>"}]}]}"#,
        r#"{"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"image": {"format": "PNG", "source": {"s3Location": {"uri": "s3://b/é.png"}}}}]}, {"role": "assistant", "content": [{"text": "ok"}]}]}"#,
    ];
    let (_dir, path) = file(&lines);
    let out = common::command(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &common::empty_cache(),
    )
    .args([
        "check",
        &path,
        "--format",
        "bedrock-conversation",
        "--output-format",
        "json",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    for d in diags {
        let line = d["line"].as_u64().unwrap();
        assert!(line <= lines.len() as u64, "{d}");
    }
    let codes = |line: u64| -> Vec<&str> {
        diags
            .iter()
            .filter(|d| d["line"] == line)
            .map(|d| d["code"].as_str().unwrap())
            .collect()
    };
    // Every odd line is reported, by B rules.
    for n in 1..=5 {
        assert!(codes(n).iter().any(|c| c.starts_with('B')), "line {n}: {v}");
    }
    // An upper-case format and a non-ASCII key are what AWS's validator accepts.
    assert!(codes(6).is_empty(), "{v}");
}
