//! Which rules run, as ruff users expect (issue 18): `extend-select` and `extend-ignore` in the
//! config and as flags; `--select` replaces the configured set while `--ignore` and
//! `--extend-*` add to it; within a layer the more specific selector wins; `ftlint config` says
//! where each part came from and what it comes to.

mod common;

use common::{stderr, stdout};
use std::path::Path;
use std::process::Output;

const SAMPLE: &str = "fixtures/samples/train.jsonl";

/// A folder with the sample as `train.jsonl` and `ftlint.toml` holding `config`.
fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE),
        dir.path().join("train.jsonl"),
    )
    .unwrap();
    std::fs::write(dir.path().join("ftlint.toml"), config).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    common::command(dir, &common::empty_cache())
        .args(args)
        .output()
        .unwrap()
}

/// The codes reported for `train.jsonl`, in output order.
fn codes(dir: &Path, flags: &[&str]) -> Vec<String> {
    let mut args = vec!["check", "train.jsonl", "--output-format", "json"];
    args.extend_from_slice(flags);
    let o = run(dir, &args);
    assert!(o.status.code().is_some_and(|c| c < 2), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// The sample's findings, with no selection: D002, C010, C005, J002, C002, D003.
const ALL: [&str; 6] = ["D002", "C010", "C005", "J002", "C002", "D003"];

#[test]
fn flags_add_to_the_config_and_select_starts_over() {
    let dir = project("ignore = [\"C005\"]\n");
    let d = dir.path();
    assert_eq!(codes(d, &["--isolated"]), ALL);
    assert_eq!(codes(d, &[]), ["D002", "C010", "J002", "C002", "D003"]);
    // The observed problem: `--ignore J002` dropped the config's `ignore = ["C005"]`.
    assert_eq!(
        codes(d, &["--ignore", "J002"]),
        ["D002", "C010", "C002", "D003"]
    );
    assert_eq!(
        codes(d, &["--extend-ignore", "J002"]),
        ["D002", "C010", "C002", "D003"]
    );
    // `--select` replaces the configured set, its ignore included.
    assert_eq!(codes(d, &["--select", "C005,J002"]), ["C005", "J002"]);
    // `--extend-select` brings back what the config ignores: the flags' layer is applied on top.
    assert_eq!(codes(d, &["--extend-select", "C005"]), ALL);
}

#[test]
fn config_extend_select_and_extend_ignore() {
    let dir = project("select = [\"C\"]\nextend-select = [\"D003\"]\nextend-ignore = [\"C010\"]\n");
    let d = dir.path();
    assert_eq!(codes(d, &[]), ["C005", "C002", "D003"]);
    assert_eq!(
        codes(d, &["--extend-select", "J"]),
        ["C005", "J002", "C002", "D003"]
    );
    assert_eq!(codes(d, &["--ignore", "unknown-role"]), ["C002", "D003"]);
    // More specific wins within a layer: C is ignored, C005 kept.
    assert_eq!(
        codes(d, &["--ignore", "C", "--extend-select", "C005"]),
        ["C005", "D003"]
    );
    // At equal specificity the ignore wins.
    assert_eq!(
        codes(d, &["--select", "C005,D", "--ignore", "C005"]),
        ["D002", "D003"]
    );
}

#[test]
fn config_command_shows_each_layer_and_the_result() {
    let dir = project("ignore = [\"C005\"]\nextend-select = [\"D\"]\n");
    let config = |flags: &[&str]| {
        let o = run(
            dir.path(),
            &[&["config", "train.jsonl"][..], flags].concat(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        let toml = dir.path().join("ftlint.toml");
        out.replace(&toml.display().to_string(), "ftlint.toml")
            .lines()
            .filter(|l| {
                [
                    "select =",
                    "extend-select =",
                    "ignore =",
                    "extend-ignore =",
                    "# rules:",
                ]
                .iter()
                .any(|k| l.starts_with(k))
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let n = ftlint::rules::all().count();
    assert_eq!(
        config(&["--ignore", "J002"]),
        format!(
            "select = []  # default\n\
             extend-select = [\"D\"]  # from ftlint.toml\n\
             ignore = [\"C005\", \"J002\"]  # from ftlint.toml and flag\n\
             extend-ignore = []  # default\n\
             # rules: {} of {n} on; off: J002, C005",
            n - 2
        )
    );
    assert_eq!(
        config(&["--select", "C005", "--extend-ignore", "C"]),
        format!(
            "select = [\"C005\"]  # flag\n\
             extend-select = []  # default\n\
             ignore = []  # default\n\
             extend-ignore = [\"C\"]  # flag\n\
             # rules: 1 of {n} on: C005"
        )
    );
    // A typo in a selector is an error here too.
    let o = run(dir.path(), &["config", "--extend-select", "C05"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `C005`?"),
        "{}",
        stderr(&o)
    );
}
