//! Directory walks as ripgrep and ruff walk (issue 18): hidden files and folders, `.ignore`
//! files, and inside a git repository `.gitignore` and `.git/info/exclude`, leave files out;
//! `--no-ignore` reads no ignore file; a path named on the command line is always checked;
//! `--exclude` and `--force-exclude` still apply; the order is the paths' order, every run.

mod common;

use common::{stderr, stdout};
use std::path::Path;
use std::process::{Command, Output};

const BAD: &str = r#"{"messages": [{"role": "bot", "content": "x"}]}"#;

fn put(dir: &Path, files: &[&str]) {
    for f in files {
        let p = dir.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, format!("{BAD}\n")).unwrap();
    }
}

fn git_init(dir: &Path) {
    let o = Command::new("git")
        .current_dir(dir)
        .args(["init", "-q", "."])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn run(dir: &Path, args: &[&str]) -> Output {
    common::command(dir, &common::empty_cache())
        // The global gitignore is git's `core.excludesFile`, else `$XDG_CONFIG_HOME/git/ignore`
        // or `~/.config/git/ignore`: point them at nothing, so the user's cannot change results.
        .env("HOME", dir.join(".no-home"))
        .env("XDG_CONFIG_HOME", dir.join(".no-home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(args)
        .output()
        .unwrap()
}

/// The files checked, in output order.
fn checked(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", "--select", "C005", "--output-format", "concise"];
    all.extend_from_slice(args);
    let o = run(dir, &all);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect()
}

/// A repository whose `.gitignore` names `data/raw/` and `node_modules/`: they were checked.
#[test]
fn git_ignored_folders_are_not_walked() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    git_init(d);
    put(
        d,
        &[
            "data/raw/dump.jsonl",
            "data/clean/train.jsonl",
            "node_modules/pkg/fixture.jsonl",
            "data/clean/scratch.jsonl",
            ".cache/old.jsonl",
            "data/.draft.jsonl",
            "top.jsonl",
        ],
    );
    std::fs::write(d.join(".gitignore"), "data/raw/\nnode_modules/\n").unwrap();
    std::fs::write(d.join(".git/info/exclude"), "scratch.jsonl\n").unwrap();
    let walked = ["./data/clean/train.jsonl", "./top.jsonl"];
    assert_eq!(checked(d, &["."]), walked);
    // Twice the same, and the same from a subfolder's walk (the root's .gitignore applies).
    assert_eq!(checked(d, &["."]), walked);
    assert_eq!(checked(d, &["data"]), ["data/clean/train.jsonl"]);
    // `--no-ignore`: every file, hidden ones still left out.
    assert_eq!(
        checked(d, &[".", "--no-ignore"]),
        [
            "./data/clean/scratch.jsonl",
            "./data/clean/train.jsonl",
            "./data/raw/dump.jsonl",
            "./node_modules/pkg/fixture.jsonl",
            "./top.jsonl",
        ]
    );
    // So does the config key.
    std::fs::write(d.join("ftlint.toml"), "respect-gitignore = false\n").unwrap();
    assert_eq!(checked(d, &["."]).len(), 5);
    std::fs::remove_file(d.join("ftlint.toml")).unwrap();
    // A path named on the command line is checked, ignored or not.
    assert_eq!(checked(d, &["data/raw"]), ["data/raw/dump.jsonl"]);
    assert_eq!(
        checked(d, &["node_modules/pkg/fixture.jsonl"]),
        ["node_modules/pkg/fixture.jsonl"]
    );
    // `--exclude` still applies to the walk, `--force-exclude` to named paths.
    assert_eq!(checked(d, &[".", "--exclude", "clean"]), ["./top.jsonl"]);
    let o = run(
        d,
        &[
            "check",
            "top.jsonl",
            "--exclude",
            "top.jsonl",
            "--force-exclude",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "No problems found in 0 files.\n");
}

/// `.ignore` files count outside git too; `.gitignore` only in a repository, as in ripgrep.
#[test]
fn ignore_files_outside_a_repository() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    put(d, &["a/keep.jsonl", "a/skip.jsonl", "b/tmp.jsonl"]);
    std::fs::write(d.join("a/.ignore"), "skip.jsonl\n").unwrap();
    std::fs::write(d.join(".gitignore"), "b/\n").unwrap();
    assert_eq!(checked(d, &["."]), ["./a/keep.jsonl", "./b/tmp.jsonl"]);
    // A folder whose files are all ignored says so, and how to check them anyway.
    std::fs::write(d.join("b/.ignore"), "*.jsonl\n").unwrap();
    let o = run(d, &["check", "b"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ftlint: error: no `*.jsonl` files found in directory `b` that `.gitignore` or `.ignore` files do not ignore (`--no-ignore` checks them)\n"
    );
    assert_eq!(checked(d, &["b", "--no-ignore"]), ["b/tmp.jsonl"]);
}
