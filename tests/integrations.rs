//! Where users run ftlint: the `sarif` and `github` output formats, `--fix`, excludes and the
//! pre-commit hook, tested through the binary as a user (or CI, or pre-commit) would run it.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_ftlint");

/// A chat line that passes the chat rules.
const GOOD: &str = r#"{"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris."}]}"#;

fn ftlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("FTLINT_OUTPUT_FORMAT")
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1")
        .output()
        .expect("ftlint runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A file with findings of every kind of position: a BOM, a wrong role on a line with
/// multi-byte text, a multi-line-free span, CRLF, a blank line, no final newline, and the
/// file-level "too few examples".
fn messy_file(dir: &Path, name: &str) -> PathBuf {
    let mut data = Vec::new();
    data.extend_from_slice(b"\xEF\xBB\xBF");
    data.extend_from_slice(
        r#"{"messages": [{"role": "user", "content": "Grüße, 100% sure?"}, {"role": "bot", "content": "ja"}]}"#
            .as_bytes(),
    );
    data.extend_from_slice(b"\r\n\n");
    data.extend_from_slice(GOOD.as_bytes());
    data.extend_from_slice(b"\n{\"a\": 1}");
    let path = dir.join(name);
    std::fs::write(&path, data).unwrap();
    path
}

// ---------------------------------------------------------------------------------------------
// SARIF

fn sarif_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    // The published schema's `language` patterns have a stray `]`
    // (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`), which the meta-schema's `format: regex`
    // rejects; use the pattern they mean. ftlint writes no `language`, so nothing is loosened.
    fix_language_patterns(&mut schema);
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

fn fix_language_patterns(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "pattern" && child == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                    *child = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                } else {
                    fix_language_patterns(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fix_language_patterns),
        _ => {}
    }
}

fn assert_valid_sarif(log: &Value) {
    let validator = sarif_schema();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
}

#[test]
fn sarif_is_valid_against_the_2_1_0_schema() {
    let dir = tempfile::tempdir().unwrap();
    messy_file(dir.path(), "my data.jsonl");
    let o = ftlint(
        dir.path(),
        &["check", "my data.jsonl", "--output-format", "sarif"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let log: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_valid_sarif(&log);
    // The schema does catch a broken log.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!sarif_schema().is_valid(&broken));
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["name"], "ftlint");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(!run["results"].as_array().unwrap().is_empty());
    assert_eq!(
        run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "my%20data.jsonl"
    );
}

#[test]
fn sarif_of_a_clean_file_is_valid_and_has_no_results() {
    let dir = tempfile::tempdir().unwrap();
    let lines: String = (0..60).map(|_| format!("{GOOD}\n")).collect();
    std::fs::write(dir.path().join("ok.jsonl"), lines).unwrap();
    let o = ftlint(
        dir.path(),
        &[
            "check",
            "ok.jsonl",
            "--output-format",
            "sarif",
            "--ignore",
            "D003",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let log: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn sarif_has_one_rule_per_code_with_its_documentation() {
    let dir = tempfile::tempdir().unwrap();
    messy_file(dir.path(), "t.jsonl");
    let o = ftlint(
        dir.path(),
        &["check", "t.jsonl", "--output-format", "sarif"],
    );
    let log: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let catalog: Vec<_> = ftlint::rules::all().collect();
    assert_eq!(rules.len(), catalog.len());
    for (entry, rule) in rules.iter().zip(&catalog) {
        assert_eq!(entry["id"], rule.code);
        assert_eq!(entry["name"], rule.name);
        assert_eq!(entry["shortDescription"]["text"], rule.summary);
        assert_eq!(entry["help"]["markdown"], rule.doc());
        assert_eq!(entry["fullDescription"]["markdown"], rule.doc());
        let level = match rule.severity {
            ftlint::rules::Severity::Error => "error",
            ftlint::rules::Severity::Warning => "warning",
            ftlint::rules::Severity::Info => "note",
        };
        assert_eq!(entry["defaultConfiguration"]["level"], level);
    }
    for result in log["runs"][0]["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn sarif_regions_equal_the_json_positions() {
    let dir = tempfile::tempdir().unwrap();
    messy_file(dir.path(), "t.jsonl");
    let sarif: Value = serde_json::from_slice(
        &ftlint(
            dir.path(),
            &["check", "t.jsonl", "--output-format", "sarif"],
        )
        .stdout,
    )
    .unwrap();
    let json: Value = serde_json::from_slice(
        &ftlint(dir.path(), &["check", "t.jsonl", "--output-format", "json"]).stdout,
    )
    .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(results.len(), diags.len());
    let mut file_level = 0;
    for (r, d) in results.iter().zip(diags) {
        assert_eq!(r["ruleId"], d["code"]);
        assert_eq!(r["message"]["text"], d["message"]);
        let level = match d["severity"].as_str().unwrap() {
            "info" => "note",
            other => other,
        };
        assert_eq!(r["level"], level);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "t.jsonl");
        if d["line"] == 0 {
            file_level += 1;
            assert!(loc.get("region").is_none(), "{loc}");
            continue;
        }
        let region = &loc["region"];
        assert_eq!(region["startLine"], d["line"]);
        assert_eq!(region["startColumn"], d["column"]);
        assert_eq!(region["endLine"], d["end_line"]);
        assert_eq!(region["endColumn"], d["end_column"]);
        assert_eq!(region["byteOffset"], d["byte_offset"]);
        assert_eq!(region["byteLength"], d["byte_length"]);
    }
    assert!(file_level > 0, "the fixture has a file-level finding");
}

#[test]
fn sarif_output_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    messy_file(dir.path(), "a.jsonl");
    messy_file(dir.path(), "b.jsonl");
    let args = ["check", ".", "--output-format", "sarif"];
    let first = ftlint(dir.path(), &args).stdout;
    let second = ftlint(dir.path(), &args).stdout;
    assert_eq!(first, second);
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions

#[test]
fn github_annotations_escape_and_place_findings() {
    let dir = tempfile::tempdir().unwrap();
    messy_file(dir.path(), "t,1.jsonl");
    let o = ftlint(
        dir.path(),
        &["check", "t,1.jsonl", "--output-format", "github"],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    // Every line is a workflow command, nothing else (no summary).
    assert!(lines.iter().all(|l| l.starts_with("::")), "{out}");
    // File-level: no line, no column.
    assert!(
        lines.contains(
            &"::error file=t%2C1.jsonl,title=ftlint (D001)::the file has 3 examples; the target requires at least 10"
        ),
        "{out}"
    );
    // A one-line span gets columns; severities map to error/warning/notice.
    assert!(
        lines.iter().any(|l| l.starts_with(
            "::error file=t%2C1.jsonl,line=1,col=74,endLine=1,endColumn=79,title=ftlint (C005)::"
        )),
        "{out}"
    );
    assert!(lines
        .iter()
        .any(|l| l.starts_with("::warning ") && l.contains("(J004)")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("::notice ") && l.contains("(J006)")));
}

#[test]
fn github_escapes_percent_and_newlines_in_messages() {
    // The message of an invalid-JSON line quotes the text it stopped at; put a `%` there.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.jsonl"), "{\"a\": 100%}\n").unwrap();
    let o = ftlint(
        dir.path(),
        &[
            "check",
            "t.jsonl",
            "--output-format",
            "github",
            "--select",
            "J",
        ],
    );
    let out = stdout(&o);
    let line = out.lines().find(|l| l.contains("(J002)")).expect(&out);
    let message = line.split_once("::").unwrap().1.split_once("::").unwrap().1;
    assert!(!message.contains('\n') && !message.contains('\r'));
    // Any `%` in the message must be the start of an escape.
    for (i, _) in message.match_indices('%') {
        let esc = &message[i..(i + 3).min(message.len())];
        assert!(["%25", "%0D", "%0A"].contains(&esc), "{line}");
    }
}

#[test]
fn output_format_from_the_environment_and_github_actions() {
    let dir = tempfile::tempdir().unwrap();
    messy_file(dir.path(), "t.jsonl");
    let run = |envs: &[(&str, &str)], extra: &[&str]| {
        let mut c = Command::new(BIN);
        c.args(["check", "t.jsonl"])
            .args(extra)
            .current_dir(dir.path())
            .env_remove("FTLINT_OUTPUT_FORMAT")
            .env_remove("GITHUB_ACTIONS")
            .env("NO_COLOR", "1");
        for (k, v) in envs {
            c.env(k, v);
        }
        stdout(&c.output().unwrap())
    };
    let github = run(&[("FTLINT_OUTPUT_FORMAT", "github")], &[]);
    assert!(github.starts_with("::error "), "{github}");
    // The flag wins over the variable.
    let concise = run(
        &[("FTLINT_OUTPUT_FORMAT", "github")],
        &["--output-format", "concise"],
    );
    assert!(concise.starts_with("t.jsonl:"), "{concise}");
    // In GitHub Actions the human format is still the default.
    let full_in_actions = run(&[("GITHUB_ACTIONS", "true")], &[]);
    let full = run(&[], &[]);
    assert_eq!(full_in_actions, full);
    assert!(!full.starts_with("::"));
}

// ---------------------------------------------------------------------------------------------
// Excludes

#[test]
fn excludes_apply_to_walks_and_to_named_files_only_when_forced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("raw")).unwrap();
    std::fs::write(dir.path().join("keep.jsonl"), "{\"a\": 1}\n").unwrap();
    std::fs::write(dir.path().join("raw/skip.jsonl"), "{\"a\": 1}\n").unwrap();
    std::fs::write(dir.path().join("old.bak.jsonl"), "{\"a\": 1}\n").unwrap();
    let files = |o: &Output| -> Vec<String> {
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    let base = ["check", "--output-format", "json", "--exclude", "raw"];
    let walk = ftlint(
        dir.path(),
        &[&base[..], &["--exclude", "*.bak.jsonl", "."]].concat(),
    );
    assert_eq!(files(&walk), ["./keep.jsonl"]);
    // Named explicitly: checked anyway, unless forced.
    let named = ftlint(
        dir.path(),
        &[&base[..], &["raw/skip.jsonl", "keep.jsonl"]].concat(),
    );
    assert_eq!(files(&named), ["keep.jsonl", "raw/skip.jsonl"]);
    let forced = ftlint(
        dir.path(),
        &[
            &base[..],
            &["--force-exclude", "raw/skip.jsonl", "keep.jsonl"],
        ]
        .concat(),
    );
    assert_eq!(files(&forced), ["keep.jsonl"]);
    // Everything excluded: nothing to check is not an error.
    let none = ftlint(
        dir.path(),
        &[&base[..], &["--force-exclude", "raw/skip.jsonl"]].concat(),
    );
    assert_eq!(none.status.code(), Some(0), "{}", stderr(&none));
    assert!(files(&none).is_empty());
    let bad = ftlint(dir.path(), &["check", "--exclude", "a[", "."]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("invalid exclude pattern `a[`"));
}
