//! Where users run ftlint: the `sarif` and `github` output formats, `--fix`, excludes and the
//! pre-commit hook, tested through the binary as a user (or CI, or pre-commit) would run it.

mod common;

use common::{stderr, stdout};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_ftlint");

/// A chat line that passes the chat rules.
const GOOD: &str = r#"{"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris."}]}"#;

fn ftlint(dir: &Path, args: &[&str]) -> Output {
    common::command(dir, &common::empty_cache())
        .args(args)
        .output()
        .expect("ftlint runs")
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
        assert_eq!(entry["id"], rule.code());
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
        let mut c = common::command(dir.path(), &common::empty_cache());
        c.args(["check", "t.jsonl"]).args(extra);
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
    // A folder named on the command line is walked, like a named file, unless forced.
    let named_dir = ftlint(dir.path(), &[&base[..], &["raw"]].concat());
    assert_eq!(files(&named_dir), ["raw/skip.jsonl"]);
    let forced_dir = ftlint(
        dir.path(),
        &[&base[..], &["--force-exclude", "raw"]].concat(),
    );
    assert_eq!(forced_dir.status.code(), Some(0), "{}", stderr(&forced_dir));
    assert!(files(&forced_dir).is_empty());
    // A walk that finds only excluded files or folders is not an error either.
    let only_raw = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(only_raw.path().join("data/raw")).unwrap();
    std::fs::write(only_raw.path().join("data/raw/x.jsonl"), "{}\n").unwrap();
    let o = ftlint(only_raw.path(), &["check", "--exclude", "raw", "data"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bad = ftlint(dir.path(), &["check", "--exclude", "a[", "."]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("invalid exclude pattern `a[`"));
}

// ---------------------------------------------------------------------------------------------
// --fix

fn temp_leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".ftlint-fix.") && n.ends_with(".tmp"))
        .collect()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn each_fix_round_trips_and_leaves_nothing_to_report() {
    let g = GOOD;
    let cases: [(&str, String, String); 4] = [
        ("J005", format!("\u{feff}{g}\n{g}\n"), format!("{g}\n{g}\n")),
        ("J006", format!("{g}\r\n{g}\r\n"), format!("{g}\n{g}\n")),
        (
            "J004",
            format!("{g}\n\n  \t\n{g}\n\n"),
            format!("{g}\n{g}\n"),
        ),
        ("J010", format!("{g}\n{g}"), format!("{g}\n{g}\n")),
    ];
    for (code, before, after) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        std::fs::write(&path, &before).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        let found = ftlint(dir.path(), &["check", "--select", code, "t.jsonl"]);
        assert!(stdout(&found).contains(code), "{code}: {}", stdout(&found));
        let o = ftlint(
            dir.path(),
            &[
                "check",
                "--fix",
                "--select",
                code,
                "--output-format",
                "concise",
                "t.jsonl",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{code}: {}", stdout(&o));
        assert_eq!(stdout(&o), "", "{code}: the fixed file has no {code} left");
        assert!(
            stderr(&o).contains("ftlint: fixed `t.jsonl`: "),
            "{}",
            stderr(&o)
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), after, "{code}");
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o640, "{code}: permissions kept");
        assert!(temp_leftovers(dir.path()).is_empty());
        // A second fix has nothing to do and does not touch the file.
        let again = ftlint(dir.path(), &["check", "--fix", "--select", code, "t.jsonl"]);
        assert_eq!(stderr(&again), "");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
    }
}

#[test]
fn fix_applies_only_selected_fixes_and_reports_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jsonl");
    std::fs::write(&path, format!("\u{feff}{GOOD}\r\n\n{GOOD}")).unwrap();
    let o = ftlint(
        dir.path(),
        &[
            "check",
            "--fix",
            "--ignore",
            "J006",
            "--output-format",
            "json",
            "t.jsonl",
        ],
    );
    // CRLF kept (J006 ignored), so the added final newline is `\r\n` too.
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{GOOD}\r\n{GOOD}\r\n")
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.iter().any(|c| ["J004", "J005", "J010"].contains(c)),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"D001"),
        "other findings are still reported: {codes:?}"
    );
}

#[test]
fn dry_run_previews_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jsonl");
    let before = format!("\u{feff}{GOOD}\r\n{GOOD}\n\n{GOOD}");
    std::fs::write(&path, &before).unwrap();
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    let o = ftlint(dir.path(), &["check", "--fix", "--dry-run", "t.jsonl"]);
    assert_eq!(o.status.code(), Some(1), "1: something would change");
    let out = stdout(&o);
    assert!(
        out.starts_with("--- t.jsonl\n+++ t.jsonl (fixed)\n@@ -1 +1 @@\n-<BOM>"),
        "{out}"
    );
    assert!(out.contains("␍\n+{"), "CRLF is visible: {out}");
    assert!(out.contains("@@ -3,2 +3 @@\n-\n-{"), "{out}");
    assert!(out.contains("\\ No newline at end of file"), "{out}");
    assert!(
        out.lines().filter(|l| *l == format!("-{GOOD}")).count() == 1,
        "line 2 is unchanged and not shown, line 4 gains its newline: {out}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), mtime);
    assert!(temp_leftovers(dir.path()).is_empty());
    // Nothing to fix: no output, exit 0.
    std::fs::write(&path, format!("{GOOD}\n")).unwrap();
    let clean = ftlint(dir.path(), &["check", "--fix", "--dry-run", "t.jsonl"]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "");
    let alone = ftlint(dir.path(), &["check", "--dry-run", "t.jsonl"]);
    assert_eq!(alone.status.code(), Some(2));
    assert!(stderr(&alone).contains("`--dry-run` only applies to `--fix`"));
}

#[test]
fn fix_refuses_stdin() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.jsonl"), format!("{GOOD}\r\n")).unwrap();
    let o = common::command(dir.path(), &common::empty_cache())
        .args(["check", "--fix", "t.jsonl", "-"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ftlint: error: `--fix` cannot rewrite stdin; pass the file's path instead\n"
    );
    assert_eq!(stdout(&o), "");
    // Refused before anything was touched.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.jsonl")).unwrap(),
        format!("{GOOD}\r\n")
    );
}

#[cfg(unix)]
#[test]
fn fix_follows_symlinks_and_refuses_read_only_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("real.jsonl"), format!("{GOOD}\r\n")).unwrap();
    std::os::unix::fs::symlink("real.jsonl", dir.path().join("link.jsonl")).unwrap();
    let o = ftlint(
        dir.path(),
        &["check", "--fix", "--select", "J", "link.jsonl"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(dir.path().join("link.jsonl"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("real.jsonl")).unwrap(),
        format!("{GOOD}\n")
    );
    let ro = dir.path().join("ro.jsonl");
    std::fs::write(&ro, format!("{GOOD}\r\n")).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let o = ftlint(dir.path(), &["check", "--fix", "ro.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot fix `ro.jsonl`: the file is read-only"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), format!("{GOOD}\r\n"));
}

#[test]
fn fix_removes_leftover_temp_files_of_a_killed_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.jsonl"), format!("{GOOD}\r\n")).unwrap();
    let stale = dir.path().join(".t.jsonl.ftlint-fix.AbC123.tmp");
    std::fs::write(&stale, "partial").unwrap();
    let other = dir.path().join(".u.jsonl.ftlint-fix.AbC123.tmp");
    std::fs::write(&other, "another file's").unwrap();
    // A directory walk never picks a leftover up.
    let walk = ftlint(dir.path(), &["check", "--output-format", "json", "."]);
    let v: Value = serde_json::from_slice(&walk.stdout).unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 1);
    ftlint(dir.path(), &["check", "--fix", "t.jsonl"]);
    assert!(!stale.exists());
    assert!(
        other.exists(),
        "only the fixed file's leftovers are removed"
    );
}

/// Kills `ftlint check --fix` (SIGKILL) at several moments, including while the temporary file
/// is being written, and checks that the original is never partial.
#[test]
fn a_killed_fix_leaves_the_original_or_the_fixed_file_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    // ~25 MB: CRLF on every line, a BOM, blank lines, no final newline.
    let mut original = String::from("\u{feff}");
    let mut expected = String::new();
    for i in 0..150_000 {
        original.push_str(GOOD);
        original.push_str("\r\n");
        expected.push_str(GOOD);
        expected.push('\n');
        if i % 1000 == 0 {
            original.push_str("\r\n");
        }
    }
    original.push_str(GOOD);
    expected.push_str(GOOD);
    expected.push('\n');
    let (original, expected) = (original.into_bytes(), expected.into_bytes());

    let spawn = || {
        common::command(dir.path(), &common::empty_cache())
            .args(["check", "--fix", "--output-format", "concise", "big.jsonl"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut outcomes = (0, 0); // (untouched, fixed)
    let mut killed_mid_write = false;
    // First: kill exactly while the temporary file is being written.
    for attempt in 0..5 {
        std::fs::write(&path, &original).unwrap();
        let mut child = spawn();
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_secs(20) {
            let writing = std::fs::read_dir(dir.path()).unwrap().any(|e| {
                let e = e.unwrap();
                e.file_name().to_string_lossy().contains(".ftlint-fix.")
                    && e.metadata().map(|m| m.len() > 1_000_000).unwrap_or(false)
            });
            if writing || child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        child.kill().ok();
        child.wait().unwrap();
        let now = std::fs::read(&path).unwrap();
        assert!(
            now == original || now == expected,
            "attempt {attempt}: partial file"
        );
        if now == original && !temp_leftovers(dir.path()).is_empty() {
            killed_mid_write = true;
        }
        if now == original {
            outcomes.0 += 1;
        } else {
            outcomes.1 += 1;
        }
    }
    // Then: kills at fixed delays, from startup to after the rename.
    for delay_ms in [0, 5, 20, 50, 100, 200, 400, 800, 1600] {
        std::fs::write(&path, &original).unwrap();
        let mut child = spawn();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().ok();
        child.wait().unwrap();
        let now = std::fs::read(&path).unwrap();
        assert!(
            now == original || now == expected,
            "killed after {delay_ms} ms: partial file"
        );
        if now == original {
            outcomes.0 += 1;
        } else {
            outcomes.1 += 1;
        }
    }
    eprintln!(
        "kill test: {} untouched, {} fixed, killed mid-write: {killed_mid_write}",
        outcomes.0, outcomes.1
    );
    assert!(
        killed_mid_write,
        "no kill landed while the temporary file was written"
    );
    // A rerun cleans up whatever a kill left and fixes the file.
    std::fs::write(&path, &original).unwrap();
    let o = spawn().wait().unwrap();
    assert!(o.code().is_some());
    assert_eq!(std::fs::read(&path).unwrap(), expected);
    assert!(
        temp_leftovers(dir.path()).is_empty(),
        "{:?}",
        temp_leftovers(dir.path())
    );
}

// ---------------------------------------------------------------------------------------------
// pre-commit

/// The fields of one hook in `.pre-commit-hooks.yaml` (a flat list of `key: value` maps; this
/// reads just that shape, which is all the manifest uses).
fn manifest_hook(manifest: &str, id: &str) -> std::collections::BTreeMap<String, String> {
    let mut hooks = Vec::new();
    for line in manifest.lines() {
        let line = line.trim_end();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (fresh, rest) = match line.strip_prefix("- ") {
            Some(rest) => (true, rest),
            None => (false, line.trim_start()),
        };
        if fresh {
            hooks.push(std::collections::BTreeMap::new());
        }
        let (k, v) = rest.split_once(':').expect("key: value");
        hooks
            .last_mut()
            .expect("a hook")
            .insert(k.trim().to_string(), v.trim().to_string());
    }
    hooks
        .into_iter()
        .find(|h| h.get("id").map(String::as_str) == Some(id))
        .unwrap_or_else(|| panic!("hook `{id}` in the manifest"))
}

fn manifest() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
        .unwrap()
}

#[test]
fn pre_commit_manifest_fields() {
    let manifest = manifest();
    for id in ["ftlint", "ftlint-fix"] {
        let hook = manifest_hook(&manifest, id);
        // A Python package built by maturin: `pip install .` builds with `--locked`
        // (pyproject.toml), which `language: rust`'s fixed `cargo install` cannot.
        assert_eq!(hook["language"], "python", "{id}");
        assert_eq!(hook["files"], r"\.jsonl$", "{id}");
        assert_eq!(hook["types"], "[text]", "{id}");
        assert!(hook["entry"].starts_with("ftlint check "), "{id}");
        assert!(hook["entry"].contains("--force-exclude"), "{id}");
        assert!(!hook["name"].is_empty());
    }
    assert!(manifest_hook(&manifest, "ftlint-fix")["entry"].contains("--fix"));
}

fn pre_commit_available() -> bool {
    let ok = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let git = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !(ok && git) {
        eprintln!(
            "skipped: `pre-commit` and `git` must be on PATH for this test (pip install pre-commit)"
        );
    }
    ok && git
}

/// Runs pre-commit itself on a temporary repository, with the manifest's hooks as local hooks
/// (`language: system` and this build's binary instead of a `pip install` of the package,
/// which would take minutes): the manifest passes pre-commit's own validation, pre-commit
/// hands the hook only the `*.jsonl` files, excluded files stay out, and the fix hook's
/// rewrite is seen by pre-commit.
#[test]
fn pre_commit_runs_the_hooks() {
    if !pre_commit_available() {
        return;
    }
    let manifest_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(args[0])
            .args(&args[1..])
            .current_dir(dir.path())
            .env("PRE_COMMIT_HOME", home.path())
            .env("NO_COLOR", "1")
            .env_remove("FTLINT_OUTPUT_FORMAT")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap()
    };
    let v = run(&[
        "pre-commit",
        "validate-manifest",
        manifest_path.to_str().unwrap(),
    ]);
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));

    let manifest = manifest();
    let mut config = String::from("repos:\n  - repo: local\n    hooks:\n");
    for (id, stage_args) in [
        ("ftlint", "[--exclude, raw]"),
        ("ftlint-fix", "[--exclude, raw, --select, J]"),
    ] {
        let hook = manifest_hook(&manifest, id);
        let entry = hook["entry"].replacen("ftlint", BIN, 1);
        config.push_str(&format!(
            "      - id: {id}\n        name: {}\n        entry: {entry}\n        language: system\n        files: '{}'\n        types: {}\n        args: {stage_args}\n",
            hook["name"], hook["files"], hook["types"],
        ));
    }
    std::fs::write(dir.path().join(".pre-commit-config.yaml"), config).unwrap();
    let good: String = (0..60)
        .map(|i| {
            format!(
                "{{\"messages\": [{{\"role\": \"system\", \"content\": \"You are terse.\"}}, {{\"role\": \"user\", \"content\": \"What is {i} plus {i}?\"}}, {{\"role\": \"assistant\", \"content\": \"{}.\"}}]}}\n",
                2 * i
            )
        })
        .collect();
    std::fs::create_dir_all(dir.path().join("raw")).unwrap();
    std::fs::write(dir.path().join("good.jsonl"), &good).unwrap();
    std::fs::write(dir.path().join("raw/scraped.jsonl"), "not json\n").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not json\n").unwrap();
    assert!(run(&["git", "init", "-q"]).status.success());
    assert!(run(&["git", "add", "-A"]).status.success());

    // Only good.jsonl reaches ftlint: raw/ is excluded, notes.txt is not JSONL.
    let o = run(&[
        "pre-commit",
        "run",
        "--all-files",
        "--hook-stage",
        "pre-commit",
    ]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));

    // A broken file fails the hook, with ftlint's findings in pre-commit's output.
    std::fs::write(dir.path().join("bad.jsonl"), "{\"messages\": [}\n").unwrap();
    run(&["git", "add", "-A"]);
    let o = run(&["pre-commit", "run", "--files", "bad.jsonl"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("J002"), "{out}");
    assert!(!out.contains("scraped.jsonl"), "{out}");
    std::fs::remove_file(dir.path().join("bad.jsonl")).unwrap();
    run(&["git", "add", "-A"]);

    // The fix hook rewrites a CRLF file; pre-commit notices and fails this run, and the next
    // run passes.
    let crlf = good.replace('\n', "\r\n");
    std::fs::write(dir.path().join("good.jsonl"), &crlf).unwrap();
    run(&["git", "add", "-A"]);
    let o = run(&["pre-commit", "run", "ftlint-fix", "--all-files"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("files were modified by this hook"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("good.jsonl")).unwrap(),
        good
    );
    run(&["git", "add", "-A"]);
    let o = run(&["pre-commit", "run", "--all-files"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}
