//! Output people can act on, and help with typos (issue 18, part A): the severity in `concise`
//! output and the README's VS Code matcher that reads it, every `full` finding naming its file,
//! `--statistics`, `--quiet`, `--verbose`, `--output-file`, one summary for many files, a JSON
//! array file said once (J012), and usage errors that suggest what was meant.

mod common;

use common::{stderr, stdout};
use std::path::Path;
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SAMPLE: &str = "fixtures/samples/train.jsonl";
const CLEAN: &str = "fixtures/D002/valid.jsonl";
const NOTE: &str = "moderation not checked: no scores for these texts; run `ftlint moderate FILE` (network) or pass `--scores FILE`\n";

fn ftlint_in(dir: &Path) -> Command {
    common::command(dir, &common::empty_cache())
}

fn run(args: &[&str]) -> Output {
    ftlint_in(Path::new(ROOT)).args(args).output().unwrap()
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    ftlint_in(dir).args(args).output().unwrap()
}

/// The one line a usage error prints, asserting exit 2, nothing on stdout, one line on stderr.
fn usage_error(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert!(o.stdout.is_empty(), "{}", stdout(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

/// The problem matcher of the README's VS Code task.
fn readme_matcher() -> serde_json::Value {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let block = readme
        .split("```json\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .find(|b| b.contains("\"problemMatcher\""))
        .expect("a VS Code task in the README");
    let task: serde_json::Value = serde_json::from_str(block).unwrap();
    task["tasks"][0]["problemMatcher"].clone()
}

/// Each concise line carries its severity, and the README's matcher reads file, line, column,
/// severity, code and message from it — errors and warnings apart, as the JSON report has them.
/// (The matcher used to have no severity group, so VS Code showed every finding as a warning.)
#[test]
fn concise_carries_the_severity_the_readme_matcher_reads() {
    let concise = stdout(&run(&["check", SAMPLE, "--output-format", "concise"]));
    assert_eq!(
        concise,
        "fixtures/samples/train.jsonl:1:1: info: D002 the file has 15 examples; 50 or more are recommended\n\
         fixtures/samples/train.jsonl:4:14: error: C010 `messages` has no `assistant` message to train on\n\
         fixtures/samples/train.jsonl:4:174: error: C005 `messages[2].role` is `\"bot\"`; expected `system`, `user`, `assistant`, `tool` or `function`\n\
         fixtures/samples/train.jsonl:7:115: error: J002 invalid JSON: EOF while parsing an object\n\
         fixtures/samples/train.jsonl:10:2: error: C002 unknown key `id` at the top level\n\
         fixtures/samples/train.jsonl:16:1: warning: D003 same example as line 2\n"
    );
    let matcher = readme_matcher();
    assert!(
        matcher.get("severity").is_none(),
        "no default severity: each line says its own"
    );
    let pattern = &matcher["pattern"];
    let re = regex::Regex::new(pattern["regexp"].as_str().unwrap()).unwrap();
    let group = |caps: &regex::Captures<'_>, field: &str| -> String {
        let i = pattern[field].as_u64().unwrap() as usize;
        caps.get(i).unwrap().as_str().to_string()
    };
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["check", SAMPLE, "--output-format", "json"]).stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(concise.lines().count(), diagnostics.len());
    for (line, d) in concise.lines().zip(diagnostics) {
        let caps = re
            .captures(line)
            .unwrap_or_else(|| panic!("no match: {line}"));
        assert_eq!(group(&caps, "file"), SAMPLE);
        let want_line = d["line"].as_u64().unwrap().max(1).to_string();
        assert_eq!(group(&caps, "line"), want_line, "{line}");
        assert_eq!(group(&caps, "severity"), d["severity"], "{line}");
        assert_eq!(group(&caps, "code"), d["code"], "{line}");
        assert_eq!(group(&caps, "message"), d["message"], "{line}");
    }
}

/// With several files, a finding without a snippet (file-level D002, D003 at a line's start)
/// says which file it is about: `--> path` or `--> path:line:col`. It used to print
/// `☞ D002 the file has 15 examples` once per file, naming none.
#[test]
fn full_output_names_the_file_of_every_finding() {
    let out = stdout(&run(&[
        "check",
        SAMPLE,
        "fixtures/D002/invalid.jsonl",
        "--select",
        "D,C005",
    ]));
    assert!(
        out.contains(
            "\n  ☞ D002 the file has 20 examples; 50 or more are recommended\n  --> fixtures/D002/invalid.jsonl\n  help: "
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "\n  ☞ D002 the file has 15 examples; 50 or more are recommended\n  --> fixtures/samples/train.jsonl\n  help: "
        ),
        "{out}"
    );
    assert!(
        out.contains("\n  ⚠ D003 same example as line 2\n  --> fixtures/samples/train.jsonl:16:1\n  help: remove the duplicate; it is trained on twice per epoch\n"),
        "{out}"
    );
    // Every finding: a snippet header or a `-->` line names its file.
    let findings: Vec<&str> = out
        .split("\n\n")
        .filter(|b| b.contains(" help: "))
        .collect();
    assert_eq!(findings.len(), 4, "{out}");
    for f in findings {
        assert!(
            f.contains("╭─[fixtures/") || f.contains("\n  --> fixtures/"),
            "{f}"
        );
    }
}

/// `--statistics`: one line per rule, most frequent first, as ruff prints it; JSON with
/// `--output-format json` and `json-lines`.
#[test]
fn statistics_count_findings_per_rule() {
    let dir = tempfile::tempdir().unwrap();
    let ok = r#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}"#;
    std::fs::write(
        dir.path().join("t.jsonl"),
        format!("{ok}\r\n\r\n{{bad\r\n{{bad\r\n"),
    )
    .unwrap();
    let args = ["check", "t.jsonl", "--select", "J", "--statistics"];
    let o = run_in(dir.path(), &args);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "2\tJ002\t[ ] invalid-json\n\
         1\tJ004\t[*] blank-line\n\
         1\tJ006\t[*] crlf-line-ending\n\
         [*] 5 fixable with the `--fix` option.\n"
    );
    // Counts right-aligned, no marks when nothing is fixable, no summary: the findings of the
    // sample, which has findings of six rules.
    let out = stdout(&run(&[
        "check",
        SAMPLE,
        "fixtures/D002/invalid.jsonl",
        "--statistics",
    ]));
    assert_eq!(
        out,
        "2\tD002\tfew-examples\n\
         1\tC002\tunknown-top-level-key\n\
         1\tC005\tunknown-role\n\
         1\tC010\tno-assistant-message\n\
         1\tD003\tduplicate-example\n\
         1\tJ002\tinvalid-json\n\
         No fixes available (3 hidden fixes can be enabled with the `--unsafe-fixes` option).\n"
    );
    let o = run_in(
        dir.path(),
        &[&args[..], &["--output-format", "json"]].concat(),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!([
            {"code": "J002", "name": "invalid-json", "count": 2, "fixable": false, "fixable_count": 0},
            {"code": "J004", "name": "blank-line", "count": 1, "fixable": true, "fixable_count": 1},
            {"code": "J006", "name": "crlf-line-ending", "count": 1, "fixable": true, "fixable_count": 1},
        ])
    );
    let o = run_in(
        dir.path(),
        &[&args[..], &["--output-format", "json-lines"]].concat(),
    );
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(serde_json::Value::Array(lines), v);
    // A clean run says so.
    let o = run(&["check", CLEAN, "--statistics", "--select", "J"]);
    assert_eq!(stdout(&o), "No problems found in 1 file.\n");
    assert_eq!(o.status.code(), Some(0));
}

/// `--quiet` prints the findings and nothing else; the exit code is unchanged.
#[test]
fn quiet_prints_findings_only() {
    let loud = stdout(&run(&["check", SAMPLE]));
    let o = run(&["check", SAMPLE, "-q"]);
    assert_eq!(o.status.code(), Some(1));
    let quiet = stdout(&o);
    let findings_end = loud.find("\nFound 4 errors").unwrap();
    assert_eq!(quiet, loud[..findings_end]);
    assert!(!quiet.contains("tokens:") && !quiet.contains("moderation not checked"));
    let o = run(&["check", CLEAN, "--quiet"]);
    assert_eq!((o.status.code(), stdout(&o)), (Some(0), String::new()));
    // And with `--statistics`, no fixable line.
    let o = run(&["check", SAMPLE, "--statistics", "-q", "--select", "D003"]);
    assert_eq!(stdout(&o), "1\tD003\tduplicate-example\n");
    let o = run(&["check", SAMPLE, "-q", "-v"]);
    assert!(
        usage_error(&o).contains("cannot be used with"),
        "{}",
        stderr(&o)
    );
}

/// 100 clean files printed 102 lines: a `tokens:` line per file. Now one total line (each
/// file's with `--verbose`); `stats` keeps giving each file.
#[test]
fn many_files_get_one_summary() {
    let dir = tempfile::tempdir().unwrap();
    let clean = std::fs::read_to_string(Path::new(ROOT).join(CLEAN)).unwrap();
    for i in 0..100 {
        std::fs::write(dir.path().join(format!("part-{i:03}.jsonl")), &clean).unwrap();
    }
    let o = run_in(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        format!(
            "No problems found in 100 files.\n\
             tokens: 155,000 in 100 files (billed 155,000, longest example 31) · 3 epochs · est. $1.39 for gpt-4o-mini-2024-07-18 (prices of 2026-12)\n{NOTE}"
        )
    );
    let out = stdout(&run_in(dir.path(), &["check", ".", "--verbose"]));
    assert_eq!(out.lines().count(), 103, "{out}");
    assert!(out.contains("\n./part-042.jsonl: tokens: 1,550 (billed 1,550, longest example 31) · 3 epochs · est. $0.01 for gpt-4o-mini-2024-07-18 (prices of 2026-12)\n"), "{out}");
    // One file keeps its own line, as before.
    let o = run(&["check", CLEAN]);
    assert_eq!(
        stdout(&o),
        format!("No problems found in 1 file.\ntokens: 1,550 (billed 1,550, longest example 31) · 3 epochs · est. $0.01 for gpt-4o-mini-2024-07-18 (prices of 2026-12)\n{NOTE}")
    );
}

/// `--output-file FILE`: the report goes to the file (made atomically, its folder if
/// missing), nothing to stdout, the exit code unchanged; config `output-file` is relative to the
/// config file. A folder at the path is refused.
#[test]
fn output_file_gets_the_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(Path::new(ROOT).join(SAMPLE), dir.path().join("train.jsonl")).unwrap();
    let to_stdout = run_in(
        dir.path(),
        &["check", "train.jsonl", "--output-format", "json"],
    );
    let o = run_in(
        dir.path(),
        &[
            "check",
            "train.jsonl",
            "--output-format",
            "json",
            "--output-file",
            "reports/ftlint.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(o.stdout.is_empty() && o.stderr.is_empty());
    let written = std::fs::read(dir.path().join("reports/ftlint.json")).unwrap();
    assert_eq!(written, to_stdout.stdout);
    let left: Vec<_> = std::fs::read_dir(dir.path().join("reports"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
    // From the config, relative to it, run from a subfolder.
    std::fs::write(
        dir.path().join("ftlint.toml"),
        "output-file = \"out/report.txt\"\noutput-format = \"concise\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let o = run_in(&dir.path().join("sub"), &["check", "../train.jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let report = std::fs::read_to_string(dir.path().join("out/report.txt")).unwrap();
    assert!(
        report.starts_with("../train.jsonl:1:1: info: D002 "),
        "{report}"
    );
    // A folder is never replaced.
    std::fs::create_dir(dir.path().join("taken")).unwrap();
    let o = run_in(
        dir.path(),
        &[
            "check",
            "train.jsonl",
            "--isolated",
            "--output-file",
            "taken",
        ],
    );
    let err = usage_error(&o);
    assert!(
        err.starts_with("ftlint: error: cannot write `taken`: ")
            && err.contains("is a folder, not a regular file"),
        "{err}"
    );
}

/// A pretty-printed JSON array (`json.dump(data, f, indent=2)`, or a `.json` file renamed) is
/// one finding that says what it is and how to convert it. It was an invalid-JSON error on
/// nearly every line, and the odd line that held a whole object was checked as an example.
#[test]
fn a_json_array_file_is_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    let example = |i: usize| {
        format!(
            "  {{\n    \"messages\": [\n      {{\"role\": \"user\", \"content\": \"Question {i}?\"}},\n      {{\"role\": \"assistant\", \"content\": \"Answer {i}.\"}}\n    ]\n  }}"
        )
    };
    let items: Vec<String> = (0..40).map(example).collect();
    let text = format!("[\n{}\n]\n", items.join(",\n"));
    for name in ["train.jsonl", "data.json"] {
        std::fs::write(dir.path().join(name), &text).unwrap();
        let o = run_in(dir.path(), &["check", name, "--output-format", "concise"]);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            stdout(&o),
            format!("{name}:1:1: error: J012 the file is one JSON array spread over many lines (JSON, not JSON Lines); nothing else in it is checked\n")
        );
    }
    let o = run_in(
        dir.path(),
        &["check", "train.jsonl", "--output-format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"][0]["lines"], 242);
    assert_eq!(v["files"][0]["examples"], 0);
    assert_eq!(
        v["diagnostics"][0]["help"],
        "write each element on a line of its own: `ftlint check FILE --fix --unsafe-fixes`, or `jq -c '.[]' train.json > train.jsonl`"
    );
    // Without J012 the lines are judged one by one, as before: each line that holds a whole
    // answer message is taken for an example.
    let o = run_in(
        dir.path(),
        &["check", "train.jsonl", "--ignore", "J012", "--statistics"],
    );
    assert_eq!(
        stdout(&o),
        "202\tJ002\tinvalid-json\n 80\tC002\tunknown-top-level-key\n 40\tC001\tmissing-messages\n  1\tD002\tfew-examples\n\
         No fixes available (80 hidden fixes can be enabled with the `--unsafe-fixes` option).\n"
    );
}

/// clap's hints stay on the one error line: the similar flag or subcommand, the valid values.
#[test]
fn usage_errors_keep_clap_hints() {
    let err = usage_error(&run(&["check", SAMPLE, "--outptu-format", "concise"]));
    assert_eq!(
        err,
        "ftlint: error: unexpected argument '--outptu-format' found; a similar argument exists: '--output-format' (see `ftlint --help`)\n"
    );
    let err = usage_error(&run(&["check", SAMPLE, "--output-format", "concice"]));
    assert_eq!(
        err,
        "ftlint: error: invalid value 'concice' for '--output-format <OUTPUT_FORMAT>'; possible values: full, concise, json, json-lines, github, sarif; a similar value exists: 'concise' (see `ftlint --help`)\n"
    );
    let err = usage_error(&run(&["chek", SAMPLE]));
    assert!(
        err.contains("unrecognized subcommand 'chek'; a similar subcommand exists: 'check'"),
        "{err}"
    );
}

/// Rule selectors take names as well as codes; an unknown selector, rule, target or config key
/// suggests the nearest known one.
#[test]
fn names_select_rules_and_typos_get_suggestions() {
    let by_code = run(&[
        "check",
        SAMPLE,
        "--select",
        "C005",
        "--output-format",
        "concise",
    ]);
    let by_name = run(&[
        "check",
        SAMPLE,
        "--select",
        "unknown-role",
        "--output-format",
        "concise",
    ]);
    assert_eq!(by_name.status.code(), Some(1));
    assert_eq!(stdout(&by_name), stdout(&by_code));
    assert_eq!(stdout(&by_name).lines().count(), 1);
    let err = usage_error(&run(&["check", SAMPLE, "--select", "unknwon-role"]));
    assert_eq!(
        err,
        "ftlint: error: unknown rule selector `unknwon-role`; did you mean `unknown-role` (`C005`)? (see `ftlint rules`)\n"
    );
    let err = usage_error(&run(&["check", SAMPLE, "--ignore", "J02"]));
    assert!(err.contains("did you mean `J002`?"), "{err}");
    let err = usage_error(&run(&["rule", "unknwon-role"]));
    assert_eq!(
        err,
        "ftlint: error: unknown rule `unknwon-role`; did you mean `unknown-role` (`C005`)? (see `ftlint rules`)\n"
    );
    let err = usage_error(&run(&["check", SAMPLE, "--target", "opneai"]));
    assert!(err.ends_with("; did you mean `openai`?\n"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ftlint.toml"), "selct = [\"J\"]\n").unwrap();
    std::fs::write(dir.path().join("t.jsonl"), "{}\n").unwrap();
    let err = usage_error(&run_in(dir.path(), &["check", "t.jsonl"]));
    assert!(
        err.contains("ftlint.toml:1:1`: unknown field `selct`, expected one of `target`"),
        "{err}"
    );
    assert!(err.ends_with("; did you mean `select`?\n"), "{err}");
    std::fs::write(
        dir.path().join("ftlint.toml"),
        "output-format = \"concice\"\n",
    )
    .unwrap();
    let err = usage_error(&run_in(dir.path(), &["check", "t.jsonl"]));
    assert!(err.ends_with("; did you mean `concise`?\n"), "{err}");
}
