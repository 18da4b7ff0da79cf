//! Fixes that change content (issue 18): role synonyms renamed (C005), unknown keys removed
//! (C002, C008), duplicate examples dropped (D003) — applied only with `--unsafe-fixes`, shown
//! by `--fix --dry-run`, counted as hidden otherwise.

mod common;

use common::{stderr, stdout};
use std::path::Path;
use std::process::Output;

/// ShareGPT roles and metadata keys on line 1, an unknown message key and a capitalised role on
/// line 2, line 1 again on line 3, and a clean line.
const DATA: &str = concat!(
    r#"{"messages": [{"role": "human", "content": "hi"}, {"role": "gpt", "content": "hello"}], "id": 1, "source": "x"}"#,
    "\n",
    r#"{"messages": [{"role": "user", "content": "q", "ts": 5}, {"role": "Assistant", "content": "a"}]}"#,
    "\n",
    r#"{"messages": [{"role": "human", "content": "hi"}, {"role": "gpt", "content": "hello"}], "id": 1, "source": "x"}"#,
    "\n",
    r#"{"messages": [{"role": "user", "content": "z"}, {"role": "assistant", "content": "y"}]}"#,
    "\n",
);

const FIXED: &str = concat!(
    r#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}"#,
    "\n",
    r#"{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}"#,
    "\n",
    r#"{"messages": [{"role": "user", "content": "z"}, {"role": "assistant", "content": "y"}]}"#,
    "\n",
);

const RULES: &str = "C002,C005,C008,D003";

fn setup(text: &str) -> (tempfile::TempDir, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.jsonl"), text).unwrap();
    (dir, tempfile::tempdir().unwrap())
}

fn run(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    common::command(dir, cache).args(args).output().unwrap()
}

fn file(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("t.jsonl")).unwrap()
}

/// Without `--unsafe-fixes` nothing changes and the summary says how many fixes are hidden,
/// as ruff says it; with it, the same findings are marked `[*]` and counted as fixable.
#[test]
fn unsafe_fixes_are_hidden_until_asked_for() {
    let (dir, cache) = setup(DATA);
    let (d, c) = (dir.path(), cache.path());
    let o = run(d, c, &["check", "t.jsonl", "--select", RULES]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).ends_with(
            "Found 10 errors and 1 warning in 1 file.\nNo fixes available (11 hidden fixes can \
             be enabled with the `--unsafe-fixes` option).\n"
        ),
        "{}",
        stdout(&o)
    );
    let o = run(
        d,
        c,
        &["check", "t.jsonl", "--select", RULES, "--unsafe-fixes"],
    );
    assert!(
        stdout(&o).ends_with(
            "Found 10 errors and 1 warning in 1 file.\n[*] 11 fixable with the `--fix \
             --unsafe-fixes` options.\n"
        ),
        "{}",
        stdout(&o)
    );
    let o = run(
        d,
        c,
        &[
            "check",
            "t.jsonl",
            "--select",
            "C005",
            "--unsafe-fixes",
            "--output-format",
            "concise",
        ],
    );
    assert!(
        stdout(&o).starts_with("t.jsonl:1:24: error: C005 [*] `messages[0].role` is `\"human\"`"),
        "{}",
        stdout(&o)
    );
    // `--fix` alone applies only safe fixes: none here, the file is untouched.
    let o = run(d, c, &["check", "t.jsonl", "--select", RULES, "--fix"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(file(d), DATA);
    assert!(!stderr(&o).contains("fixed"), "{}", stderr(&o));
}

#[test]
fn dry_run_shows_every_unsafe_fix_as_a_diff() {
    let (dir, cache) = setup(DATA);
    let o = run(
        dir.path(),
        cache.path(),
        &[
            "check",
            "t.jsonl",
            "--select",
            RULES,
            "--fix",
            "--dry-run",
            "--unsafe-fixes",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let lines: Vec<&str> = DATA.lines().collect();
    let fixed: Vec<&str> = FIXED.lines().collect();
    assert_eq!(
        stdout(&o),
        format!(
            "--- t.jsonl\n+++ t.jsonl (fixed)\n@@ -1,3 +1,2 @@\n-{}\n-{}\n-{}\n+{}\n+{}\n",
            lines[0], lines[1], lines[2], fixed[0], fixed[1]
        )
    );
    assert_eq!(file(dir.path()), DATA);
}

#[test]
fn fix_with_unsafe_fixes_repairs_the_file_and_says_what_it_did() {
    let (dir, cache) = setup(DATA);
    let (d, c) = (dir.path(), cache.path());
    let o = run(
        d,
        c,
        &[
            "check",
            "t.jsonl",
            "--select",
            RULES,
            "--fix",
            "--unsafe-fixes",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        stderr(&o),
        "ftlint: fixed `t.jsonl`: removed 2 unknown top-level keys, renamed 3 roles, removed 1 \
         unknown message key, dropped 1 duplicate example\n"
    );
    assert_eq!(file(d), FIXED);
    assert_eq!(stdout(&o), "No problems found in 1 file.\n");
    // Nothing is left to do.
    let o = run(
        d,
        c,
        &[
            "check",
            "t.jsonl",
            "--select",
            RULES,
            "--fix",
            "--dry-run",
            "--unsafe-fixes",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
}

/// Only the selected rules' fixes apply: `--select D003` drops the repeat and renames nothing.
#[test]
fn only_selected_rules_are_fixed() {
    let (dir, cache) = setup(DATA);
    let (d, c) = (dir.path(), cache.path());
    let o = run(
        d,
        c,
        &[
            "check",
            "t.jsonl",
            "--select",
            "D003",
            "--fix",
            "--unsafe-fixes",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<&str> = DATA.lines().collect();
    assert_eq!(
        file(d),
        format!("{}\n{}\n{}\n", lines[0], lines[1], lines[3])
    );
}

/// Unknown keys go with exactly one comma wherever they stand, whatever the spacing; unsafe
/// and safe fixes apply together (a BOM, CRLF endings), and every fixed line is valid JSON.
#[test]
fn removed_keys_leave_valid_json() {
    let text = "\u{feff}{\"id\":1,\"messages\":[{\"role\":\"user\",\"content\":\"a\" , \"ts\" : 1},{\"role\":\"bot\",\"content\":\"b\"}],\"meta\":{\"k\":[1,2]}}\r\n\
                {\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}], \"tags\": [\"x\", \"y\"]}\r\n";
    let (dir, cache) = setup(text);
    let o = run(
        dir.path(),
        cache.path(),
        &[
            "check",
            "t.jsonl",
            "--select",
            "J,C002,C005,C008",
            "--fix",
            "--unsafe-fixes",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        file(dir.path()),
        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}\n\
         {\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}]}\n"
    );
}

/// A role no synonym stands for is not guessed: it stays, still reported.
#[test]
fn unknown_roles_without_a_synonym_stay() {
    let text = "{\"messages\": [{\"role\": \"narrator\", \"content\": \"x\"}, {\"role\": \"assistant\", \"content\": \"y\"}]}\n";
    let (dir, cache) = setup(text);
    let o = run(
        dir.path(),
        cache.path(),
        &[
            "check",
            "t.jsonl",
            "--select",
            "C005",
            "--fix",
            "--unsafe-fixes",
            "--output-format",
            "concise",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(file(dir.path()), text);
    assert!(
        stdout(&o).starts_with("t.jsonl:1:24: error: C005 `messages[0].role` is `\"narrator\"`"),
        "{}",
        stdout(&o)
    );
}

/// A file that is one pretty-printed JSON array (J012) becomes JSON Lines with
/// `--unsafe-fixes`: one element a line, as written but for the whitespace; without the flag
/// it is left alone, and a dry run shows the change.
#[test]
fn a_json_array_file_becomes_json_lines() {
    let array = "[\n  {\n    \"messages\": [\n      {\"role\": \"user\", \"content\": \"Hi, there\"},\n      {\"role\": \"assistant\", \"content\": \"Hello!\"}\n    ]\n  },\n  {\n    \"messages\": [{\"role\": \"user\", \"content\": \"2 + 2?\"}, {\"role\": \"assistant\", \"content\": \"4\"}]\n  }\n]\n";
    let (dir, cache) = setup(array);
    let o = run(
        dir.path(),
        cache.path(),
        &["check", "t.jsonl", "--fix", "--select", "J"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(file(dir.path()), array, "left alone without --unsafe-fixes");
    let o = run(
        dir.path(),
        cache.path(),
        &[
            "check",
            "t.jsonl",
            "--fix",
            "--unsafe-fixes",
            "--dry-run",
            "--select",
            "J",
        ],
    );
    assert!(
        stdout(&o).contains("+{\"messages\":[{\"role\":\"user\",\"content\":\"Hi, there\"}"),
        "{}",
        stdout(&o)
    );
    assert_eq!(file(dir.path()), array, "a dry run writes nothing");
    let o = run(
        dir.path(),
        cache.path(),
        &[
            "check",
            "t.jsonl",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "J",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("wrote the JSON array as JSON Lines"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        file(dir.path()),
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi, there\"},{\"role\":\"assistant\",\"content\":\"Hello!\"}]}\n\
         {\"messages\":[{\"role\":\"user\",\"content\":\"2 + 2?\"},{\"role\":\"assistant\",\"content\":\"4\"}]}\n"
    );
    assert_eq!(stdout(&o), "No problems found in 1 file.\n");
}
