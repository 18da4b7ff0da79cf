//! The command-line contract: exit codes, streams, inputs, output formats, determinism.

mod common;

use common::{stderr, stdout};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn ftlint() -> Command {
    common::command(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &common::empty_cache(),
    )
}

fn run(args: &[&str]) -> Output {
    ftlint().args(args).output().unwrap()
}

const CLEAN: &str = "fixtures/D002/valid.jsonl";
const SAMPLE: &str = "fixtures/samples/train.jsonl";

#[test]
fn exit_0_when_no_error() {
    let o = run(&["check", CLEAN]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        stdout(&o),
        "No problems found in 1 file.\ntokens: 1,550 (billed 1,550, longest example 31) · 3 epochs · est. $0.01 for gpt-4o-mini-2024-07-18 (prices of 2026-12)\nmoderation not checked: no scores for these texts; run `ftlint moderate FILE` (network) or pass `--scores FILE`\n"
    );
    assert!(o.stderr.is_empty());
}

#[test]
fn exit_1_on_errors_with_summary_line() {
    let o = run(&["check", SAMPLE]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(
            "\n\nFound 4 errors, 1 warning and 1 info in 1 file.\nNo fixes available (3 hidden \
             fixes can be enabled with the `--unsafe-fixes` option).\ntokens: 697 "
        ),
        "{out}"
    );
    assert!(o.stderr.is_empty());
}

#[test]
fn exit_zero_and_max_warnings() {
    assert_eq!(
        run(&["check", SAMPLE, "--exit-zero"]).status.code(),
        Some(0)
    );
    // D003 is the sample's only warning.
    let warn_only = ["check", SAMPLE, "--select", "D003"];
    assert_eq!(run(&warn_only).status.code(), Some(0));
    let o = run(&[&warn_only[..], &["--max-warnings", "0"]].concat());
    assert_eq!(o.status.code(), Some(1));
    let o = run(&[&warn_only[..], &["--max-warnings", "1"]].concat());
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn usage_and_io_errors_exit_2_with_one_line() {
    for (args, needle) in [
        (
            vec!["check", "no/such/file.jsonl"],
            "cannot read `no/such/file.jsonl`: no such file or directory",
        ),
        (
            vec!["check", "src/json"],
            "no `*.jsonl` files found in directory `src/json`",
        ),
        (
            vec!["check", SAMPLE, "--frobnicate"],
            "unexpected argument '--frobnicate'",
        ),
        (
            vec!["check", SAMPLE, "--select", "X9"],
            "unknown rule selector `X9`",
        ),
        (
            vec!["check", SAMPLE, "--output-format", "yaml"],
            "invalid value 'yaml'",
        ),
        (vec!["rule", "Z999"], "unknown rule `Z999`"),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("ftlint: error: ") && err.contains(needle),
            "{args:?}: {err}"
        );
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

/// Each layer's error reaches stderr as exactly this line (its wording is part of the contract:
/// scripts match on it). Messages that quote the OS's wording of an I/O error are Linux's.
#[test]
#[cfg(target_os = "linux")]
fn error_lines_are_exact() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::write(dir.path().join("ok.jsonl"), "{}\n").unwrap();
    std::fs::write(
        dir.path().join("v2.json"),
        "{\"version\": 2, \"entries\": []}",
    )
    .unwrap();
    std::fs::write(dir.path().join("scores.jsonl"), "\n{oops\n").unwrap();
    for (args, line) in [
        (
            vec!["check", "nope.jsonl"],
            "cannot read `nope.jsonl`: no such file or directory",
        ),
        (
            vec!["check", "empty"],
            "no `*.jsonl` files found in directory `empty`",
        ),
        (
            vec!["check", "--exclude", "a[", "ok.jsonl"],
            "invalid exclude pattern `a[`: error parsing glob 'a[': unclosed character class; \
             missing ']'",
        ),
        (
            vec!["check", "--dry-run", "ok.jsonl"],
            "`--dry-run` only applies to `--fix`",
        ),
        (
            vec!["check", "--target", "nope", "ok.jsonl"],
            "unknown target `nope` (known: `openai`, `azure-openai`, `together`, `fireworks`, `vertex-gemini`, `bedrock-nova`, `bedrock-llama`, `hf`, `sharegpt`, `alpaca`)",
        ),
        (
            vec!["check", "--diff=-x", "ok.jsonl"],
            "`--diff`: `-x` is not a git revision",
        ),
        (
            vec!["check", "--baseline", "v2.json", "ok.jsonl"],
            "baseline `v2.json` has version 2; this ftlint reads version 1",
        ),
        (
            vec!["check", "--baseline", "nope.json", "ok.jsonl"],
            "cannot read baseline `nope.json`: no such file or directory",
        ),
        (
            vec![
                "check",
                "--moderation",
                "cache",
                "--profile",
                "nope",
                "ok.jsonl",
            ],
            "unknown moderation profile `nope`; expected one of `api`, `azure-finetune`, `finetune`",
        ),
        (
            vec!["check", "--offline", "--moderation", "api", "ok.jsonl"],
            "`--offline` forbids `--moderation api` (use `--moderation cache`)",
        ),
        (
            vec!["check", "--scores", "scores.jsonl", "ok.jsonl"],
            "cannot use scores `scores.jsonl`: scores file line 2: not JSON: key must be a \
             string at line 1 column 2",
        ),
        (
            vec!["check", "--scores", "nope.jsonl", "ok.jsonl"],
            "cannot use scores `nope.jsonl`: scores file: cannot read `nope.jsonl`: No such \
             file or directory (os error 2)",
        ),
    ] {
        let o = common::command(dir.path(), &common::empty_cache())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&o), format!("ftlint: error: {line}\n"), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    // A failed write to stdout is reported as such.
    let o = ftlint()
        .args(["rules"])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ftlint: error: cannot write output: No space left on device (os error 28)\n"
    );
}

#[test]
fn stdin_uses_the_given_name() {
    let mut child = ftlint()
        .args([
            "check",
            "-",
            "--stdin-filename",
            "piped.jsonl",
            "--output-format",
            "concise",
            "--select",
            "C005",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"messages": [{"role": "user", "content": "hi"}, {"role": "bot", "content": "x"}]}"#)
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        stdout(&o),
        "piped.jsonl:1:59: error: C005 `messages[1].role` is `\"bot\"`; expected `system`, `user`, `assistant`, `tool` or `function`\n"
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn directories_and_several_files_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    let bad = r#"{"messages": [{"role": "bot", "content": "x"}]}"#;
    for p in [
        "b.jsonl",
        "a.jsonl",
        "sub/c.jsonl",
        ".hidden/d.jsonl",
        "notes.txt",
    ] {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, format!("{bad}\n")).unwrap();
    }
    let o = ftlint()
        .current_dir(dir.path())
        .args([
            "check",
            ".",
            "--output-format",
            "concise",
            "--select",
            "C005",
        ])
        .output()
        .unwrap();
    let out = stdout(&o);
    let paths: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(paths, vec!["./a.jsonl", "./b.jsonl", "./sub/c.jsonl"]);
}

#[test]
fn json_output_contract() {
    let o = run(&["check", SAMPLE, "--output-format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let f = &v["files"][0];
    assert_eq!(f["path"], SAMPLE);
    assert_eq!(f["target"], "openai");
    assert_eq!(f["model"], "gpt-4o-mini-2024-07-18");
    assert_eq!(f["format"], "chat");
    assert_eq!(f["lines"], 16);
    assert_eq!(f["examples"], 15);
    assert_eq!(
        v["summary"],
        serde_json::json!({"files": 1, "errors": 4, "warnings": 1, "infos": 1, "accepted": 0})
    );
    let d = v["diagnostics"].as_array().unwrap();
    let c005 = d.iter().find(|d| d["code"] == "C005").unwrap();
    let line = std::fs::read_to_string(SAMPLE).unwrap();
    let line4 = line.lines().nth(3).unwrap();
    let start = line4.find("\"bot\"").unwrap();
    let line_start: usize = line.lines().take(3).map(|l| l.len() + 1).sum();
    assert_eq!(
        c005,
        &serde_json::json!({
            "code": "C005", "name": "unknown-role", "severity": "error",
            "message": "`messages[2].role` is `\"bot\"`; expected `system`, `user`, `assistant`, `tool` or `function`",
            "help": "use `assistant` for the model's turns",
            "path": SAMPLE, "line": 4, "column": start + 1, "end_line": 4, "end_column": start + 6,
            "byte_offset": line_start + start, "byte_length": 5, "pointer": "/messages/2/role",
            // An unsafe fix (`--unsafe-fixes`): the synonym renamed.
            "fix": {"applicability": "unsafe", "message": "rename the role to `assistant`",
                    "edits": [{"byte_offset": line_start + start, "byte_length": 5,
                               "content": "\"assistant\""}]}
        })
    );
    // File-level findings have line 0 and no offsets.
    let d002 = d.iter().find(|d| d["code"] == "D002").unwrap();
    assert_eq!(
        (d002["line"].as_u64(), d002["byte_offset"].is_null()),
        (Some(0), true)
    );
    // Order: path, line, column, code.
    let keys: Vec<(u64, u64)> = d
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

/// Fixable findings carry their edits in file bytes, are marked `[*]` in the human formats,
/// and the summary says how many `--fix` would fix.
#[test]
fn fixes_are_data_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jsonl");
    let line = r#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}"#;
    std::fs::write(&path, format!("{line}\r\n\n{line}")).unwrap();
    let p = path.to_str().unwrap();
    let args = ["check", p, "--select", "J", "--output-format"];
    let json = run(&[&args[..], &["json-lines"]].concat());
    let found: Vec<serde_json::Value> = stdout(&json)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let n = line.len() as u64;
    let fixes: Vec<(&str, serde_json::Value)> = found
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["fix"].clone()))
        .collect();
    let edit = |offset: u64, length: u64, content: &str| serde_json::json!({"byte_offset": offset, "byte_length": length, "content": content});
    assert_eq!(
        fixes,
        [
            (
                "J006",
                serde_json::json!({"applicability": "safe", "message": "convert the line ending to `\\n`", "edits": [edit(n, 1, "")]})
            ),
            (
                "J004",
                serde_json::json!({"applicability": "safe", "message": "delete the line", "edits": [edit(n + 2, 1, "")]})
            ),
            (
                // The file's lines end `\r\n`: so does the new last one (J006 converts it).
                "J010",
                serde_json::json!({"applicability": "safe", "message": "add a newline at the end of the file", "edits": [edit(2 * n + 3, 0, "\r\n")]})
            ),
        ]
    );
    let concise = stdout(&run(&[&args[..], &["concise"]].concat()));
    assert_eq!(
        concise,
        format!(
            "{p}:1:{c}: info: J006 [*] line ends with `\\r\\n`\n{p}:2:1: warning: J004 [*] empty line; every line should hold one example\n{p}:3:{c}: info: J010 [*] no newline at end of file\n",
            c = n + 1
        )
    );
    let full = stdout(&run(&[&args[..], &["full"]].concat()));
    assert!(full.contains("J004 [*] empty line"), "{full}");
    assert!(
        full.ends_with(
            "Found 1 warning and 2 infos in 1 file.\n[*] 3 fixable with the `--fix` option.\n"
        ),
        "{full}"
    );
    // Applying the edits is what `--fix` does.
    let mut bytes = std::fs::read(&path).unwrap();
    let mut edits: Vec<&serde_json::Value> = found
        .iter()
        .flat_map(|d| d["fix"]["edits"].as_array().unwrap())
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e["byte_offset"].as_u64().unwrap()));
    for e in edits {
        let at = e["byte_offset"].as_u64().unwrap() as usize;
        let len = e["byte_length"].as_u64().unwrap() as usize;
        bytes.splice(at..at + len, e["content"].as_str().unwrap().bytes());
    }
    let fixed = run(&["check", p, "--select", "J", "--fix"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
    let by_fix = std::fs::read(&path).unwrap();
    // The edits keep the `\r\n` J010 adds; `--fix` goes on until nothing is left.
    assert_eq!(
        String::from_utf8(by_fix).unwrap(),
        format!("{line}\n{line}\n")
    );
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        format!("{line}\n{line}\r\n")
    );
}

#[test]
fn json_lines_match_json() {
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["check", SAMPLE, "--output-format", "json"]).stdout).unwrap();
    let lines = stdout(&run(&["check", SAMPLE, "--output-format", "json-lines"]));
    let parsed: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&serde_json::Value::Array(parsed), &json["diagnostics"]);
}

#[test]
fn output_format_from_environment() {
    let o = ftlint()
        .args(["check", SAMPLE, "--select", "C005"])
        .env("FTLINT_OUTPUT_FORMAT", "concise")
        .output()
        .unwrap();
    assert!(
        stdout(&o).starts_with("fixtures/samples/train.jsonl:4:"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn rules_and_rule_docs() {
    let o = run(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out
        .lines()
        .any(|l| l.starts_with("C005  unknown-role") && l.contains("error")));
    let o = run(&["rule", "c005"]);
    let doc = stdout(&o);
    assert!(doc.starts_with("# C005 unknown-role (error)\n"));
    assert!(doc.contains("## What it checks") && doc.contains("ShareGPT"));
}

/// A file of several blocks with defects scattered through it.
fn big_file(dir: &Path) -> PathBuf {
    let path = dir.join("big.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..40_000 {
        match i % 997 {
            0 => writeln!(f, r#"{{"messages": [{{"role": "user", "content": "q{i} 日本"}}, {{"role": "bot", "content": "a"}}]}}"#),
            1 => writeln!(f, r#"{{"messages": [{{"role": "user", "content": "q{i}"}}"#),
            2 => writeln!(f, r#"{{"messages": [{{"role": "user", "content": "dup"}}, {{"role": "assistant", "content": "x"}}]}}"#),
            _ => writeln!(f, r#"{{"messages": [{{"role": "system", "content": "Be brief."}}, {{"role": "user", "content": "question number {i}, ünïcödé"}}, {{"role": "assistant", "content": "answer {i}"}}]}}"#),
        }
        .unwrap();
    }
    drop(f);
    path
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = big_file(dir.path());
    assert!(
        std::fs::metadata(&path).unwrap().len() > 3 << 20,
        "spans several blocks"
    );
    let outputs: Vec<Vec<u8>> = ["1", "2", "4"]
        .iter()
        .map(|n| {
            ftlint()
                .args(["check", path.to_str().unwrap(), "--output-format", "json"])
                .env("RAYON_NUM_THREADS", n)
                .output()
                .unwrap()
                .stdout
        })
        .collect();
    assert!(outputs[0].len() > 1000);
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
    let v: serde_json::Value = serde_json::from_slice(&outputs[0]).unwrap();
    assert_eq!(v["files"][0]["lines"], 40_000);
    // 41 of each defect; the duplicate is reported from its second occurrence on.
    let count = |c: &str| {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == c)
            .count()
    };
    assert_eq!((count("C005"), count("J002"), count("D003")), (41, 41, 40));
}

#[test]
fn broken_pipe_exits_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let path = big_file(dir.path());
    let mut child = ftlint()
        .args([
            "check",
            path.to_str().unwrap(),
            "--output-format",
            "json-lines",
            "--select",
            "C021",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read nothing and close the pipe, like `| head -0`.
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
}

#[test]
fn tokens_epochs_and_cost_in_the_report() {
    let o = run(&[
        "check",
        "fixtures/T001/invalid.jsonl",
        "--model",
        "gpt-3.5-turbo-0613",
        "--output-format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["files"][0];
    // 4,783 + 5,164 tokens (fixtures/T001/README.md); billed at most 4,096 each.
    assert_eq!(
        f["tokens"],
        serde_json::json!({"total": 9947, "billed": 8192, "max_example": 5164})
    );
    // 2 examples: 2 × 3 < 100, so min(25, 100 // 2) = 25 epochs.
    assert_eq!(f["epochs"], 25);
    let cost = f["estimated_cost_usd"].as_f64().unwrap();
    assert!((cost - 8.0 * 8192.0 * 25.0 / 1e6).abs() < 1e-9, "{cost}");
    // --epochs overrides, and with T rules off nothing is counted.
    let o = run(&[
        "check",
        "fixtures/T001/invalid.jsonl",
        "--model",
        "gpt-3.5-turbo-0613",
        "--epochs",
        "2",
        "--output-format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"][0]["epochs"], 2);
    let o = run(&[
        "check",
        "fixtures/T001/invalid.jsonl",
        "--select",
        "J,C,D",
        "--output-format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["files"][0];
    assert!(f["tokens"].is_null() && f["epochs"].is_null() && f["estimated_cost_usd"].is_null());
}

#[test]
fn unknown_model_is_t002_and_stats_refuses_it() {
    let o = run(&[
        "check",
        CLEAN,
        "--model",
        "gpt-5-turbo",
        "--output-format",
        "concise",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("T002 `gpt-5-turbo` is not a model of target `openai`"),
        "{}",
        stdout(&o)
    );
    let o = run(&["stats", CLEAN, "--model", "gpt-5-turbo"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("gpt-5-turbo"));
}

#[test]
fn stats_json() {
    let o = run(&[
        "stats",
        "fixtures/T001/invalid.jsonl",
        "--model",
        "gpt-3.5-turbo-0613",
        "--output-format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["files"][0];
    assert_eq!(f["examples"], 2);
    assert_eq!(f["tokens_per_example"]["min"], 4783);
    assert_eq!(f["tokens_per_example"]["max"], 5164);
    assert_eq!(f["over_context"], 2);
    assert_eq!(f["epochs"], 25);
}

/// Image parts are billed by their `detail`: a low-detail image adds exactly 85 tokens.
#[test]
fn image_tokens_follow_detail() {
    let total = |content: &str| -> u64 {
        let line = format!(
            r#"{{"messages": [{{"role": "user", "content": {content}}}, {{"role": "assistant", "content": "A cat."}}]}}"#
        );
        let mut child = ftlint()
            .args(["check", "-", "--output-format", "json"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{line}\n").as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["files"][0]["tokens"]["total"].as_u64().unwrap()
    };
    let text = r#"[{"type": "text", "text": "What is this?"}]"#;
    let low = r#"[{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "low"}}]"#;
    assert_eq!(total(low) - total(text), 85);
}

/// Control characters from the data never reach the terminal: a newline in a key cannot forge
/// a finding line, ESC and BEL are shown, not obeyed, in every human format (issue 19, item 8).
#[test]
fn text_from_the_data_cannot_drive_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jsonl");
    std::fs::write(
        &path,
        "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"a\\nforged.jsonl:9:9: S001 evil\\u001b[31m\": 1}\n{\"a\": \"x\u{1b}[31mred\u{7}\"\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    for format in ["concise", "full", "github"] {
        let out = stdout(&run(&[
            "check",
            p,
            "--select",
            "C002,J002",
            "--color",
            "never",
            "--output-format",
            format,
        ]));
        assert!(
            !out.chars().any(|c| c.is_control() && c != '\n'),
            "{format}: {out:?}"
        );
        assert!(
            !out.lines().any(|l| l.starts_with("forged.jsonl")),
            "{format}: {out}"
        );
    }
    let concise = stdout(&run(&[
        "check",
        p,
        "--select",
        "C002",
        "--output-format",
        "concise",
    ]));
    assert_eq!(
        concise,
        format!("{p}:1:51: error: C002 unknown key `a\\nforged.jsonl:9:9: S001 evil\\u{{1b}}[31m` at the top level\n")
    );
    let full = stdout(&run(&["check", p, "--select", "J002", "--color", "never"]));
    assert!(full.contains("{\"a\": \"x␛[31mred␇\""), "{full}");
}

/// `--fix --dry-run` shows changed lines; a key in them is masked as `check` masks it (issue
/// 17: the diff printed secrets whole). Also in a long line, whose middle is cut: the key is
/// masked before the cut, so no part of it longer than the redaction shows either.
#[test]
fn dry_run_diff_never_prints_a_secret_whole() {
    let dir = tempfile::tempdir().unwrap();
    let key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH";
    let short = format!(
        r#"{{"messages": [{{"role": "user", "content": "my key is {key}"}}, {{"role": "assistant", "content": "ok"}}]}}"#
    );
    let long = format!(
        r#"{{"messages": [{{"role": "user", "content": "{} {key} {}"}}, {{"role": "assistant", "content": "ok"}}]}}"#,
        "a".repeat(60),
        "b".repeat(400)
    );
    std::fs::write(dir.path().join("t.jsonl"), format!("{short}\r\n{long}\r\n")).unwrap();
    let o = common::command(dir.path(), &common::empty_cache())
        .args(["check", "t.jsonl", "--fix", "--dry-run", "--select", "J"])
        .output()
        .unwrap();
    let all = format!("{}{}", common::stdout(&o), common::stderr(&o));
    assert!(all.contains("@@ -1,2 +1,2 @@"), "{all}");
    assert!(all.contains("my key is sk-proj-abcd…GH"), "{all}");
    // The redaction keeps the prefix and four characters (`sk-proj-abcd`, 12): no longer run
    // of the key may appear anywhere.
    for w in key.as_bytes().windows(13) {
        let part = std::str::from_utf8(w).unwrap();
        assert!(!all.contains(part), "`{part}` printed: {all}");
    }
    // The file is untouched by a dry run.
    assert!(std::fs::read_to_string(dir.path().join("t.jsonl"))
        .unwrap()
        .contains(key));
}
