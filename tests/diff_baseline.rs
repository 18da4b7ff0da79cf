//! `check --diff REV` against real temporary git repositories, and baseline round trips.

mod common;

use common::{stderr, stdout};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn good(i: usize) -> String {
    format!(
        r#"{{"messages": [{{"role": "user", "content": "Question {i}?"}}, {{"role": "assistant", "content": "Answer {i}."}}]}}"#
    )
}

fn bad(i: usize) -> String {
    format!(
        r#"{{"messages": [{{"role": "user", "content": "Question {i}?"}}, {{"role": "assistant", "content": "Answer {i}."}}, {{"role": "bot", "content": "Bad {i}."}}]}}"#
    )
}

/// A file of `n` lines where the lines in `bad_lines` (1-based) have a C005 finding.
fn data(n: usize, bad_lines: &[usize]) -> String {
    (1..=n)
        .map(|l| if bad_lines.contains(&l) { bad(l) } else { good(l) } + "\n")
        .collect()
}

fn ftlint(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    common::command(dir, cache)
        .args(["check", "--output-format", "json-lines", "--select", "C005"])
        .args(args)
        .output()
        .unwrap()
}

/// The (path, line) of every finding printed.
fn findings(o: &Output) -> Vec<(String, u64)> {
    String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["path"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
}

/// A repository with `data/train.jsonl` (lines 3, 50 and 700 bad) committed.
fn repo() -> (tempfile::TempDir, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(
        dir.path().join("data/train.jsonl"),
        data(1000, &[3, 50, 700]),
    )
    .unwrap();
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "data"]);
    (dir, cache)
}

fn edit_line(path: &Path, line: usize, text: &str) {
    let content = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<&str> = content.lines().collect();
    lines[line - 1] = text;
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn only_changed_lines_are_judged() {
    let (dir, cache) = repo();
    let file = dir.path().join("data/train.jsonl");
    let o = ftlint(
        dir.path(),
        cache.path(),
        &["--diff", "HEAD", "data/train.jsonl"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(findings(&o).is_empty());
    // Touch a bad line and make a good line bad: only those two are reported.
    edit_line(&file, 50, &bad(5000));
    edit_line(&file, 400, &bad(400));
    let o = ftlint(
        dir.path(),
        cache.path(),
        &["--diff", "HEAD", "data/train.jsonl"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let lines: Vec<u64> = findings(&o).into_iter().map(|f| f.1).collect();
    assert_eq!(lines, vec![50, 400]);
    // Staged changes count too; without --diff every finding shows.
    git(dir.path(), &["add", "."]);
    let o = ftlint(
        dir.path(),
        cache.path(),
        &["--diff", "HEAD", "data/train.jsonl"],
    );
    assert_eq!(findings(&o).len(), 2);
    let o = ftlint(dir.path(), cache.path(), &["data/train.jsonl"]);
    assert_eq!(findings(&o).len(), 4);
}

#[test]
fn from_a_subdirectory_and_a_directory_argument() {
    let (dir, cache) = repo();
    edit_line(&dir.path().join("data/train.jsonl"), 10, &bad(10));
    let sub = dir.path().join("data");
    let o = ftlint(&sub, cache.path(), &["--diff", "HEAD", "train.jsonl"]);
    assert_eq!(findings(&o), vec![("train.jsonl".to_string(), 10)]);
    let o = ftlint(&sub, cache.path(), &["--diff", "HEAD~0", "."]);
    assert_eq!(findings(&o).len(), 1, "{}", stderr(&o));
}

#[test]
fn renamed_files_keep_their_history() {
    let (dir, cache) = repo();
    git(
        dir.path(),
        &["mv", "data/train.jsonl", "data/renamed.jsonl"],
    );
    edit_line(&dir.path().join("data/renamed.jsonl"), 20, &bad(20));
    let o = ftlint(
        dir.path(),
        cache.path(),
        &["--diff", "HEAD", "data/renamed.jsonl"],
    );
    assert_eq!(
        findings(&o),
        vec![("data/renamed.jsonl".to_string(), 20)],
        "{}",
        stderr(&o)
    );
}

#[test]
fn untracked_files_are_all_changed() {
    let (dir, cache) = repo();
    std::fs::write(dir.path().join("data/new.jsonl"), data(10, &[2, 9])).unwrap();
    let o = ftlint(dir.path(), cache.path(), &["--diff", "HEAD", "data"]);
    assert_eq!(
        findings(&o),
        vec![
            ("data/new.jsonl".to_string(), 2),
            ("data/new.jsonl".to_string(), 9)
        ]
    );
}

#[test]
fn diff_errors_exit_2_with_one_line() {
    let (dir, cache) = repo();
    let o = ftlint(dir.path(), cache.path(), &["--diff", "no-such-rev", "data"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown git revision `no-such-rev`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).lines().count(), 1);
    let o = ftlint(dir.path(), cache.path(), &["--diff", "--help", "data"]);
    assert_eq!(o.status.code(), Some(2));

    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("x.jsonl"), data(3, &[1])).unwrap();
    let o = ftlint(plain.path(), cache.path(), &["--diff", "HEAD", "x.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not in a git repository"),
        "{}",
        stderr(&o)
    );

    let o = ftlint(dir.path(), cache.path(), &["--diff", "HEAD", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("stdin"), "{}", stderr(&o));
}

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("data")).unwrap();
    let file = d.join("data/train.jsonl");
    // Two identical bad lines: the entry's count is 2.
    let mut lines: Vec<String> = data(20, &[4, 12]).lines().map(String::from).collect();
    lines[15] = bad(4);
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();

    let o = ftlint(
        d,
        cache.path(),
        &["data", "--write-baseline", "ftlint-baseline.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(findings(&o).is_empty());
    let base: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("ftlint-baseline.json")).unwrap()).unwrap();
    assert_eq!(base["version"], 1);
    assert_eq!(base["entries"].as_array().unwrap().len(), 2);

    let check = |cwd: &Path, path: &str, baseline: &str| {
        ftlint(cwd, cache.path(), &[path, "--baseline", baseline])
    };
    let o = check(d, "data", "ftlint-baseline.json");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(findings(&o).is_empty());
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));

    // Lines move (reversed), and the run starts from another folder: still hidden.
    lines.reverse();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let o = check(&d.join("data"), "train.jsonl", "../ftlint-baseline.json");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(findings(&o).is_empty());

    // A third copy of the repeated bad line exceeds the entry's count.
    lines.push(bad(4));
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let o = check(d, "data", "ftlint-baseline.json");
    assert_eq!(findings(&o), vec![("data/train.jsonl".to_string(), 21)]);

    // Editing a bad line reports it again, and its old entry is stale.
    lines.pop();
    let at = lines.iter().position(|l| *l == bad(12)).unwrap();
    lines[at] = bad(1200);
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let o = check(d, "data", "ftlint-baseline.json");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        findings(&o),
        vec![("data/train.jsonl".to_string(), at as u64 + 1)]
    );
    assert!(
        stderr(&o).contains("1 baseline entry in `ftlint-baseline.json` no longer matches"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn baseline_with_stdin_uses_the_stdin_filename() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let text = data(5, &[2]);
    let run = |args: &[&str]| {
        let mut child = common::command(dir.path(), cache.path())
            .args([
                "check",
                "--output-format",
                "json-lines",
                "--select",
                "C005",
                "-",
            ])
            .args(["--stdin-filename", "piped.jsonl"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        // A run that fails on its arguments (a missing baseline) may exit before it reads
        // stdin: the write then meets a closed pipe, which is not this test's failure.
        let written = child.stdin.take().unwrap().write_all(text.as_bytes());
        if let Err(e) = written {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
        child.wait_with_output().unwrap()
    };
    let o = run(&["--write-baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["--baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(findings(&o).is_empty());
    let o = run(&["--baseline", "missing.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read baseline"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_git_is_one_clear_line() {
    let (dir, cache) = repo();
    let empty = tempfile::tempdir().unwrap();
    let o = common::command(dir.path(), cache.path())
        .env("PATH", empty.path())
        .args(["check", "--diff", "HEAD", "data"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("needs `git`"), "{}", stderr(&o));
}

#[test]
fn diff_and_baseline_together_and_unselected_rules_are_not_stale() {
    let (dir, cache) = repo();
    let d = dir.path();
    let file = d.join("data/train.jsonl");
    edit_line(&file, 5, "{not json");
    let o = ftlint(
        d,
        cache.path(),
        &["data", "--select", "J002", "--write-baseline", "b.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Only C005 runs: the J002 entry is not reported as stale.
    let o = ftlint(d, cache.path(), &["data", "--baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    // A new bad line on a changed line shows through both filters; baselined ones do not.
    edit_line(&file, 6, &bad(6));
    let o = ftlint(
        d,
        cache.path(),
        &["data", "--diff", "HEAD", "--baseline", "b.json"],
    );
    assert_eq!(findings(&o), vec![("data/train.jsonl".to_string(), 6)]);
    // The fixed line leaves its entry stale.
    edit_line(&file, 5, &good(5));
    let o = ftlint(
        d,
        cache.path(),
        &["data", "--select", "J002", "--baseline", "b.json"],
    );
    assert!(stderr(&o).contains("1 baseline entry"), "{}", stderr(&o));
}

/// `--write-baseline` never turns what is at its path into a file unless it is one: a FIFO is
/// refused (exit 2, the FIFO stays), a symbolic link is written through and stays a link
/// (issue 19, item 1).
#[cfg(unix)]
#[test]
fn the_baseline_is_written_only_to_a_regular_file() {
    use std::os::unix::fs::FileTypeExt;
    let (dir, cache) = repo();
    let d = dir.path();
    let fifo = d.join("fifo.json");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let o = ftlint(d, cache.path(), &["data", "--write-baseline", "fifo.json"]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(
            stderr(&o),
            "ftlint: error: cannot write baseline `fifo.json`: `fifo.json` is a FIFO, not a \
             regular file; it was left as it is\n"
        );
        assert!(std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo());
    } else {
        eprintln!("mkfifo is not available: the FIFO case is skipped");
    }
    std::fs::write(d.join("real.json"), "{\"version\": 1, \"entries\": []}").unwrap();
    std::os::unix::fs::symlink("real.json", d.join("link.json")).unwrap();
    let o = ftlint(d, cache.path(), &["data", "--write-baseline", "link.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(d.join("link.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    let written = std::fs::read_to_string(d.join("real.json")).unwrap();
    assert!(written.contains("\"entries\""), "{written}");
}

// ---------------------------------------------------------------------------------------------
// Accepting findings (issue 18): `ftlint accept`, merged writes, counted and stale entries.

/// A file with an unknown top-level key on line 1 (C002), a ShareGPT role on line 2 (C005) and
/// a bot role and an unknown message key on line 3 (C005, C008).
const MIXED: &str = concat!(
    r#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}], "id": 1}"#,
    "\n",
    r#"{"messages": [{"role": "human", "content": "hi"}, {"role": "assistant", "content": "hello"}]}"#,
    "\n",
    r#"{"messages": [{"role": "user", "content": "a", "name2": 1}, {"role": "bot", "content": "b"}]}"#,
    "\n",
);

fn mixed_dir() -> (tempfile::TempDir, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.jsonl"), MIXED).unwrap();
    (dir, tempfile::tempdir().unwrap())
}

fn run(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    common::command(dir, cache).args(args).output().unwrap()
}

/// (code, line) of each finding a `concise` check of `t.jsonl` with rules C002, C005 and C008
/// prints.
fn shown(dir: &Path, cache: &Path, extra: &[&str]) -> Vec<(String, u64)> {
    let mut args = vec![
        "check",
        "t.jsonl",
        "--select",
        "C002,C005,C008",
        "--output-format",
        "json-lines",
    ];
    args.extend_from_slice(extra);
    let o = run(dir, cache, &args);
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["code"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn entries(path: &Path) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["entries"].as_array().unwrap().clone()
}

/// The observed problem: `--write-baseline` for C002, then for C005, kept only C005. Writes now
/// merge: a rewrite replaces only the entries of the files and rules it judged.
#[test]
fn write_baseline_merges_with_what_is_there() {
    let (dir, cache) = mixed_dir();
    let d = dir.path();
    for code in ["C002", "C005"] {
        let o = run(
            d,
            cache.path(),
            &[
                "check",
                "t.jsonl",
                "--select",
                code,
                "--write-baseline",
                "b.json",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let codes: Vec<String> = entries(&d.join("b.json"))
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["C002", "C005", "C005"]);
    assert_eq!(
        shown(d, cache.path(), &["--baseline", "b.json"]),
        [("C008".to_string(), 3)]
    );
    // Rewriting C005 after line 2 was fixed drops that entry and keeps C002's.
    let fixed = MIXED.replace("\"human\"", "\"user\"");
    std::fs::write(d.join("t.jsonl"), fixed).unwrap();
    let o = run(
        d,
        cache.path(),
        &[
            "check",
            "t.jsonl",
            "--select",
            "C005",
            "--write-baseline",
            "b.json",
        ],
    );
    assert!(
        stderr(&o).contains("wrote 1 baseline entries (1 findings) to `b.json`; kept 1 entry of other files or rules"),
        "{}",
        stderr(&o)
    );
    let codes: Vec<String> = entries(&d.join("b.json"))
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["C002", "C005"]);
}

#[test]
fn accept_one_line_then_a_rule_then_prune() {
    let (dir, cache) = mixed_dir();
    let (d, c) = (dir.path(), cache.path());
    // One finding, by a location copied from `concise` output, with a reason.
    let o = run(
        d,
        c,
        &[
            "accept",
            "t.jsonl:2:24:",
            "C005",
            "--reason",
            "ShareGPT import, mapped at load time",
            "--baseline",
            "b.json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "ftlint: accepted 1 finding of `t.jsonl` in `b.json`: C005 (line 2)\n"
    );
    let e = entries(&d.join("b.json"));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["reason"], "ShareGPT import, mapped at load time");
    assert_eq!(
        shown(d, c, &["--baseline", "b.json"]),
        [
            ("C002".to_string(), 1),
            ("C008".to_string(), 3),
            ("C005".to_string(), 3)
        ]
    );
    // The same again adds nothing.
    let o = run(
        d,
        c,
        &["accept", "t.jsonl:2", "C005", "--baseline", "b.json"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        "ftlint: nothing to add: 1 finding already accepted in `b.json`\n"
    );
    // A finding that is not there: exit 2, saying what the line has.
    let o = run(
        d,
        c,
        &["accept", "t.jsonl:3", "C002", "--baseline", "b.json"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ftlint: error: nothing to accept: no C002 finding on line 3 of `t.jsonl` (it has C005, C008, C010)\n"
    );
    // Every C008 finding of the file; the earlier entry stays.
    let o = run(
        d,
        c,
        &[
            "accept",
            "t.jsonl",
            "--code",
            "C008",
            "--baseline",
            "b.json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        shown(d, c, &["--baseline", "b.json"]),
        [("C002".to_string(), 1), ("C005".to_string(), 3)]
    );
    // The summary and JSON say how many findings the baseline hid.
    let o = run(
        d,
        c,
        &[
            "check",
            "t.jsonl",
            "--select",
            "C005,C008",
            "--baseline",
            "b.json",
        ],
    );
    assert!(
        stdout(&o).contains("Found 1 error in 1 file (2 more accepted in the baseline)."),
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
            "C008",
            "--baseline",
            "b.json",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("No problems found in 1 file (1 accepted in the baseline)."),
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
            "C008",
            "--baseline",
            "b.json",
            "--output-format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["accepted"], 1);

    // Line 2 changes: its entry is stale, listed on request, and pruned.
    let edited = MIXED.replace(
        "\"hi\"}, {\"role\": \"assistant\", \"content\": \"hello\"}]}",
        "\"hey\"}, {\"role\": \"assistant\", \"content\": \"hello\"}]}",
    );
    assert_ne!(edited, MIXED);
    std::fs::write(d.join("t.jsonl"), edited).unwrap();
    let o = run(
        d,
        c,
        &[
            "check",
            "t.jsonl",
            "--select",
            "C005,C008",
            "--baseline",
            "b.json",
            "--show-stale-baseline",
            "--output-format",
            "concise",
        ],
    );
    assert_eq!(
        stderr(&o),
        "ftlint: stale baseline entry: `t.jsonl` C005 (`messages[0].role` is `\"human\"`; \
         expected `system`, `user`, `assistant`, `tool` or `function`) matches no finding (its \
         line changed, or the problem is gone)\n\
         ftlint: note: 1 baseline entry in `b.json` no longer matches; remove it with `ftlint \
         accept --prune`\n"
    );
    let o = run(d, c, &["accept", "--prune", "--baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "ftlint: pruned 1 stale accepted finding from `b.json` (1 finding left)\n"
    );
    let e = entries(&d.join("b.json"));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["code"], "C008");
    let o = run(d, c, &["accept", "--prune", "--baseline", "b.json"]);
    assert_eq!(stderr(&o), "ftlint: no stale entries in `b.json`\n");
}

/// The baseline comes from the config when no `--baseline` is given (relative to the config's
/// folder); with neither, `accept` says what to do.
#[test]
fn accept_uses_the_configured_baseline() {
    let (dir, cache) = mixed_dir();
    let (d, c) = (dir.path(), cache.path());
    let o = run(d, c, &["accept", "t.jsonl:1"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ftlint: error: no baseline file: pass `--baseline FILE` or set `baseline` in the config\n"
    );
    std::fs::create_dir(d.join("data")).unwrap();
    std::fs::rename(d.join("t.jsonl"), d.join("data/t.jsonl")).unwrap();
    std::fs::write(
        d.join("ftlint.toml"),
        "baseline = \"ftlint-baseline.json\"\nselect = [\"C002\", \"C005\"]\n",
    )
    .unwrap();
    let o = run(&d.join("data"), c, &["accept", "t.jsonl:1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = entries(&d.join("ftlint-baseline.json"));
    assert_eq!(e.len(), 1);
    // Keyed by the path below the baseline's folder.
    assert_eq!(e[0]["path"], "data/t.jsonl");
    assert_eq!(e[0]["code"], "C002");
    let o = run(d, c, &["check", "data", "--output-format", "concise"]);
    assert_eq!(
        stdout(&o),
        "data/t.jsonl:2:24: error: C005 `messages[0].role` is `\"human\"`; expected `system`, `user`, \
         `assistant`, `tool` or `function`\n\
         data/t.jsonl:3:70: error: C005 `messages[1].role` is `\"bot\"`; expected `system`, `user`, \
         `assistant`, `tool` or `function`\n"
    );
}
