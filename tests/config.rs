//! Config files: discovery, precedence, unknown keys, per-file-ignores, user models,
//! thresholds, sensitive allow-lists, `ftlint config`, and the committed JSON Schema.

mod common;

use common::{stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::Output;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn fixture(rel: &str) -> PathBuf {
    Path::new(ROOT).join("fixtures").join(rel)
}

/// Runs ftlint in `dir` with a private score cache.
fn ftlint(dir: &Path, args: &[&str]) -> Output {
    common::command(dir, &dir.join(".test-cache"))
        .args(args)
        .output()
        .expect("run ftlint")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A temp tree with the S002 fixture at `a/b/data.jsonl`.
fn tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let data = std::fs::read_to_string(fixture("S002/invalid.jsonl")).unwrap();
    write(&t.path().join("a/b/data.jsonl"), &data);
    t
}

fn concise(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["check", "--output-format", "concise"];
    args.extend_from_slice(extra);
    let o = ftlint(dir, &args);
    assert!(o.status.code().is_some_and(|c| c < 2), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn config_in_an_ancestor_folder_is_found() {
    let t = tree();
    assert!(concise(t.path(), &["a/b/data.jsonl"]).contains("S002"));
    write(&t.path().join("ftlint.toml"), "ignore = [\"S002\"]\n");
    let out = concise(t.path(), &["a/b/data.jsonl"]);
    assert!(!out.contains("S002"), "{out}");
    // The nearest file wins.
    write(&t.path().join("a/.ftlint.toml"), "ignore = [\"D\"]\n");
    let out = concise(t.path(), &["a/b/data.jsonl"]);
    assert!(out.contains("S002") && !out.contains("D001"), "{out}");
}

#[test]
fn pyproject_counts_only_with_a_tool_ftlint_table() {
    let t = tree();
    write(&t.path().join("ftlint.toml"), "ignore = [\"S002\"]\n");
    write(
        &t.path().join("a/b/pyproject.toml"),
        "[project]\nname = \"x\"\n[tool.black]\nline-length = 88\n",
    );
    let out = concise(t.path(), &["a/b/data.jsonl"]);
    assert!(!out.contains("S002"), "outer ftlint.toml applies: {out}");
    write(
        &t.path().join("a/b/pyproject.toml"),
        "[project]\nname = \"x\"\n[tool.ftlint]\nignore = [\"D\"]\n",
    );
    let out = concise(t.path(), &["a/b/data.jsonl"]);
    assert!(out.contains("S002") && !out.contains("D001"), "{out}");
}

#[test]
fn flags_add_to_the_configured_selection_and_isolated_ignores_it() {
    let t = tree();
    write(&t.path().join("ftlint.toml"), "ignore = [\"S002\"]\n");
    // `--ignore` adds to the config's `ignore` (it used to replace it: S002 came back).
    let out = concise(t.path(), &["--ignore", "D", "a/b/data.jsonl"]);
    assert!(!out.contains("S002") && !out.contains("D001"), "{out}");
    // `--select` starts over: the config's selection no longer counts.
    let out = concise(t.path(), &["--select", "S002,D001", "a/b/data.jsonl"]);
    assert!(out.contains("S002") && out.contains("D001"), "{out}");
    let out = concise(t.path(), &["--isolated", "a/b/data.jsonl"]);
    assert!(out.contains("S002") && out.contains("D001"), "{out}");
}

#[test]
fn explicit_config_file_is_used() {
    let t = tree();
    write(&t.path().join("conf/custom.toml"), "ignore = [\"S002\"]\n");
    let out = concise(
        t.path(),
        &["--config", "conf/custom.toml", "a/b/data.jsonl"],
    );
    assert!(!out.contains("S002"), "{out}");
}

#[test]
fn unknown_key_exits_2_naming_key_file_and_line() {
    let t = tree();
    write(
        &t.path().join("ftlint.toml"),
        "target = \"openai\"\nselct = [\"J\"]\n",
    );
    let o = ftlint(t.path(), &["check", "a/b/data.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("`selct`"), "{err}");
    assert!(err.contains("ftlint.toml:2:1"), "{err}");
    // Also inside pyproject's table, located in the whole file.
    let t = tree();
    write(
        &t.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\n\n[tool.ftlint]\nmodle = \"x\"\n",
    );
    let o = ftlint(t.path(), &["check", "a/b/data.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("`modle`") && err.contains("pyproject.toml:5:1"),
        "{err}"
    );
}

#[test]
fn bad_enum_value_exits_2() {
    let t = tree();
    write(&t.path().join("ftlint.toml"), "format = \"xml\"\n");
    let o = ftlint(t.path(), &["check", "a/b/data.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`format`"), "{}", stderr(&o));
}

#[test]
fn per_file_ignores_drop_codes_for_matching_files() {
    let t = tree();
    let data = std::fs::read_to_string(t.path().join("a/b/data.jsonl")).unwrap();
    write(&t.path().join("a/c/other.jsonl"), &data);
    write(
        &t.path().join("a/ftlint.toml"),
        "[per-file-ignores]\n\"b/*.jsonl\" = [\"S002\"]\n",
    );
    let out = concise(t.path(), &["a"]);
    assert!(!out.contains("data.jsonl:1:174: warning: S002"), "{out}");
    assert!(out.contains("other.jsonl:1:174: warning: S002"), "{out}");
}

#[test]
fn user_model_is_used_for_tokens() {
    let t = tree();
    let o = ftlint(
        t.path(),
        &[
            "check",
            "--output-format",
            "concise",
            "--model",
            "tiny-ft",
            "a/b/data.jsonl",
        ],
    );
    assert!(stdout(&o).contains("T002"), "{}", stdout(&o));
    write(
        &t.path().join("ftlint.toml"),
        "model = \"tiny-ft\"\n[[models]]\nname = \"tiny-ft\"\ncontext = 20\nencoding = \"o200k_base\"\n",
    );
    let out = concise(t.path(), &["a/b/data.jsonl"]);
    assert!(!out.contains("T002"), "{out}");
    assert!(out.contains("T001"), "{out}");
}

#[test]
fn thresholds_change_m002_outcome() {
    let t = tempfile::tempdir().unwrap();
    for f in ["invalid.jsonl", "invalid.scores.ndjson"] {
        std::fs::copy(fixture("M002").join(f), t.path().join(f)).unwrap();
    }
    let args = ["--scores", "invalid.scores.ndjson", "invalid.jsonl"];
    assert!(concise(t.path(), &args).contains("M002"));
    write(
        &t.path().join("ftlint.toml"),
        "[thresholds]\nsexual = { warn = 0.5, error = 0.9 }\n\"sexual/minors\" = { warn = 0.5, error = 0.9 }\n",
    );
    let out = concise(t.path(), &args);
    assert!(!out.contains("M002"), "{out}");
    // Scores from the config, relative to its folder.
    write(
        &t.path().join("ftlint.toml"),
        "scores = \"invalid.scores.ndjson\"\n",
    );
    let sub = t.path().join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    assert!(concise(&sub, &["../invalid.jsonl"]).contains("M002"));
}

#[test]
fn user_profile_is_selectable() {
    let t = tempfile::tempdir().unwrap();
    for f in ["invalid.jsonl", "invalid.scores.ndjson"] {
        std::fs::copy(fixture("M002").join(f), t.path().join(f)).unwrap();
    }
    write(
        &t.path().join("ftlint.toml"),
        "profile = \"lenient\"\nscores = \"invalid.scores.ndjson\"\n[profiles.lenient]\ndescription = \"only flagged\"\n",
    );
    let out = concise(t.path(), &["invalid.jsonl"]);
    assert!(!out.contains("M002"), "{out}");
}

#[test]
fn sensitive_allow_list_silences_s002() {
    let t = tree();
    write(
        &t.path().join("ftlint.toml"),
        "[sensitive]\nallow = [\"maria.gonzalez@northwind-mail.com\"]\n",
    );
    let out = concise(t.path(), &["a/b/data.jsonl"]);
    assert!(!out.contains("maria.gonzalez"), "{out}");
    assert!(out.contains("sato.kenji"), "{out}");
}

#[test]
fn config_command_shows_origins() {
    let t = tree();
    write(
        &t.path().join("ftlint.toml"),
        "ignore = [\"S002\"]\ncache-dir = \"cache\"\n",
    );
    let o = ftlint(t.path(), &["config", "--model", "gpt-4o-2024-08-06", "a"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("ftlint.toml"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("ignore = [\"S002\"]  # from ") && l.ends_with("ftlint.toml")),
        "{out}"
    );
    assert!(
        out.contains("model = \"gpt-4o-2024-08-06\"  # flag"),
        "{out}"
    );
    assert!(out.contains("target = \"openai\"  # default"), "{out}");
    let cache_line = out.lines().find(|l| l.starts_with("cache-dir")).unwrap();
    assert!(
        cache_line.contains(&t.path().join("cache").display().to_string()),
        "{cache_line}"
    );
}

#[test]
fn schema_is_current() {
    let path = Path::new(ROOT).join("rules/schemas/ftlint-config.schema.json");
    let fresh = ftlint::config::json_schema_text();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != fresh {
        if std::env::var_os("FTLINT_BLESS").is_some() {
            std::fs::write(&path, fresh).unwrap();
        } else {
            panic!("config schema is stale: run `FTLINT_BLESS=1 cargo test --test config`");
        }
    }
}

#[test]
fn readme_example_config_is_valid() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let start = readme
        .find("```toml\n# ftlint.toml")
        .expect("README has an example ftlint.toml");
    let body = &readme[start + "```toml\n".len()..];
    let body = &body[..body.find("```").unwrap()];
    ftlint::config::parse(body, Path::new("README.md"), false).unwrap();
}

#[test]
fn stats_uses_the_config_model() {
    let t = tree();
    write(
        &t.path().join("ftlint.toml"),
        "model = \"tiny-ft\"\nepochs = 7\n[[models]]\nname = \"tiny-ft\"\ncontext = 20\nencoding = \"cl100k_base\"\nprice_per_mtok = 1.0\n",
    );
    let o = ftlint(t.path(), &["stats", "a/b/data.jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("tiny-ft"), "{out}");
    let o = ftlint(t.path(), &["stats", "--isolated", "a/b/data.jsonl"]);
    assert!(!stdout(&o).contains("tiny-ft"), "{}", stdout(&o));
}

#[test]
fn invalid_nested_tables_name_the_file() {
    let t = tree();
    for (text, needle) in [
        ("[thresholds]\nsexuality = { warn = 0.1 }\n", "sexuality"),
        ("[sensitive]\nallow-regex = [\"(\"]\n", "sensitive"),
        (
            "[[models]]\nname = \"x\"\ncontext = 1\nencoding = \"o200k_base\"\nprice = 1\n",
            "price",
        ),
        ("[sensitive]\nallowed = []\n", "allowed"),
    ] {
        write(&t.path().join("ftlint.toml"), text);
        let o = ftlint(t.path(), &["check", "a/b/data.jsonl"]);
        assert_eq!(o.status.code(), Some(2), "{text}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("ftlint.toml") && err.contains(needle),
            "{text}: {err}"
        );
    }
}

#[test]
fn config_excludes_are_relative_to_the_config_folder() {
    let t = tree();
    let data = std::fs::read_to_string(t.path().join("a/b/data.jsonl")).unwrap();
    write(&t.path().join("a/c/other.jsonl"), &data);
    write(
        &t.path().join("a/ftlint.toml"),
        "exclude = [\"b/*.jsonl\"]\n",
    );
    let out = concise(t.path(), &["a"]);
    assert!(!out.contains("data.jsonl"), "{out}");
    assert!(out.contains("other.jsonl"), "{out}");
}

/// A config's `folder/glob` exclude is anchored at the config's folder from wherever ftlint runs:
/// the config folder, a subfolder, a sibling folder reaching over with `..`.
#[test]
fn config_excludes_hold_from_subfolders() {
    let t = tree();
    let data = std::fs::read_to_string(t.path().join("a/b/data.jsonl")).unwrap();
    write(&t.path().join("a/c/other.jsonl"), &data);
    write(&t.path().join("a/d/kept.jsonl"), &data);
    write(
        &t.path().join("a/ftlint.toml"),
        "exclude = [\"b/*.jsonl\", \"c\"]\n",
    );
    let a = t.path().join("a");
    for (dir, path) in [(a.clone(), "."), (a.join("b"), ".."), (a.join("d"), "..")] {
        let out = concise(&dir, &[path]);
        assert!(!out.contains("data.jsonl"), "from {}: {out}", dir.display());
        assert!(
            !out.contains("other.jsonl"),
            "from {}: {out}",
            dir.display()
        );
        assert!(out.contains("kept.jsonl"), "from {}: {out}", dir.display());
    }
    // Named explicitly, an excluded file is checked unless `--force-exclude`.
    let b = a.join("b");
    assert!(concise(&b, &["data.jsonl"]).contains("data.jsonl"));
    assert!(!concise(&b, &["--force-exclude", "data.jsonl"]).contains("data.jsonl"));
}

/// Per-file ignores with a `/` hold from a subfolder too, and with `--config` given relative.
#[test]
fn per_file_ignores_hold_from_subfolders() {
    let t = tree();
    write(
        &t.path().join("a/ftlint.toml"),
        "[per-file-ignores]\n\"b/*.jsonl\" = [\"S002\"]\n",
    );
    let a = t.path().join("a");
    for (dir, args) in [
        (a.clone(), vec!["b"]),
        (a.join("b"), vec!["."]),
        (
            t.path().to_path_buf(),
            vec!["--config", "a/ftlint.toml", "a/b"],
        ),
    ] {
        let out = concise(&dir, &args);
        assert!(out.contains("D001"), "from {}: {out}", dir.display());
        assert!(!out.contains("S002"), "from {}: {out}", dir.display());
    }
}

/// A bad threshold is refused when the config is read — with its file, line, column and key —
/// even when the run would not use moderation at all.
#[test]
fn bad_threshold_is_an_error_at_load_time() {
    let t = tree();
    write(
        &t.path().join("ftlint.toml"),
        "[thresholds]\nsexual = { warn = 1.5 }\n",
    );
    for extra in [&[][..], &["--moderation", "off"][..]] {
        let mut args = vec!["check"];
        args.extend_from_slice(extra);
        args.push("a/b/data.jsonl");
        let o = ftlint(t.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        assert_eq!(
            stderr(&o),
            format!(
                "ftlint: error: invalid config `{}:2:19`: `thresholds.sexual.warn`: 1.5 is neither a probability (0..=1) nor a severity (an integer in 0..=7)\n",
                t.path().join("ftlint.toml").display()
            ),
            "{extra:?}"
        );
        assert_eq!(stdout(&o), "");
    }
}

/// A flag and its config key share one type: the same range, the same words.
#[test]
fn flag_and_config_say_the_same_about_a_bad_number() {
    let t = tree();
    let o = ftlint(t.path(), &["check", "--epochs", "99", "a/b/data.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ftlint: error: invalid value '99' for '--epochs <N>': 99 is not in 1..=50 (see `ftlint --help`)\n"
    );
    write(&t.path().join("ftlint.toml"), "epochs = 99\n");
    let o = ftlint(t.path(), &["check", "a/b/data.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "ftlint: error: invalid config `{}:1:10`: `epochs`: 99 is not in 1..=50\n",
            t.path().join("ftlint.toml").display()
        )
    );
    write(&t.path().join("ftlint.toml"), "concurrency = 65\n");
    let o = ftlint(t.path(), &["config", "a"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).ends_with("ftlint.toml:1:15`: `concurrency`: 65 is not in 1..=64\n"),
        "{}",
        stderr(&o)
    );
    let o = ftlint(
        t.path(),
        &["check", "--concurrency", "0", "--isolated", "a"],
    );
    assert_eq!(
        stderr(&o),
        "ftlint: error: invalid value '0' for '--concurrency <CONCURRENCY>': 0 is not in 1..=64 (see `ftlint --help`)\n"
    );
}

/// The generated schema and the loader agree: the README's example passes both, and each bad
/// config the loader refuses (where a schema can say why) fails the schema too.
#[test]
fn schema_and_loader_agree() {
    let schema = ftlint::config::json_schema();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .unwrap();
    let as_json = |text: &str| {
        let table: toml::Table = text.parse().unwrap();
        serde_json::to_value(table).unwrap()
    };
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let start = readme.find("```toml\n# ftlint.toml").unwrap() + "```toml\n".len();
    let example = &readme[start..][..readme[start..].find("```").unwrap()];
    assert!(validator.is_valid(&as_json(example)));
    ftlint::config::parse(example, Path::new("README.md"), false).unwrap();
    for bad in [
        "selct = [\"J\"]\n",
        "format = \"xml\"\n",
        "output-format = 3\n",
        "epochs = 0\n",
        "epochs = 51\n",
        "concurrency = 65\n",
        "max-warnings = -1\n",
        "moderation-unit = \"line\"\n",
        "[thresholds]\nsexuality = { warn = 0.1 }\n",
        "[thresholds]\nsexual = { warn = 2.5 }\n",
        "[thresholds]\nsexual = { warn = 8 }\n",
        "moderation-provider = \"bing\"\n",
        "[thresholds]\nmax_flagged_fraction = 1.5\n",
        "[thresholds]\nmax_flagged_examples = -3\n",
        "[profiles.x]\ncolour = 1\n",
        "[profiles.x.categories.violence]\nwarn = 3.5\n",
        "[profiles.x]\nscale = \"percent\"\n",
        "[profiles.x.categories.violent]\nwarn = 0.3\n",
        "[profiles.x.gate]\nmax_flagged_fraction = 2\n",
        "[sensitive]\nallowed = []\n",
        "[[models]]\nname = \"x\"\ncontext = 1\nencoding = \"o200k_base\"\nprice = 1\n",
        "[[models]]\nname = \"x\"\ncontext = 1\nencoding = \"o300k\"\n",
    ] {
        assert!(
            ftlint::config::parse(bad, Path::new("f.toml"), false).is_err(),
            "loader accepts {bad}"
        );
        assert!(!validator.is_valid(&as_json(bad)), "schema accepts {bad}");
    }
}

/// Settings resolve below the CLI: flags (a `Config` layer) over the file over the defaults,
/// each key's origin recorded, the file's paths anchored at its folder.
#[test]
fn settings_resolve_without_the_cli() {
    use ftlint::config::Config;
    use ftlint::settings::{resolve, Lookup, Origin};
    let t = tree();
    let file = t.path().join("conf/ftlint.toml");
    write(
        &file,
        "model = \"m\"\nepochs = 7\nscores = \"s.ndjson\"\n[thresholds]\nsexual = { warn = 0.1 }\n",
    );
    let flags = Config {
        model: Some("from-flag".into()),
        offline: Some(true),
        ..Config::default()
    };
    let r = resolve(&Lookup::File(file.clone()), &[], flags).unwrap();
    let s = &r.settings;
    assert_eq!(s.model.as_deref(), Some("from-flag"));
    assert_eq!(s.epochs, Some(7));
    assert!(s.offline);
    assert_eq!(s.target, "openai");
    assert_eq!(
        s.scores.as_deref(),
        Some(t.path().join("conf/s.ndjson").as_path())
    );
    assert!(s.thresholds.is_some());
    assert_eq!(r.origin("model"), Origin::Flag);
    assert_eq!(r.origin("offline"), Origin::Flag);
    assert_eq!(r.origin("epochs"), Origin::Config);
    assert_eq!(r.origin("thresholds"), Origin::Config);
    assert_eq!(r.origin("target"), Origin::Default);
    let r = resolve(&Lookup::Isolated, &[file], Config::default()).unwrap();
    assert!(r.config.is_none() && r.origins.is_empty());
}
