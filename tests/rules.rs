//! Every rule against its fixtures: the rendered `full` output of each fixture file is a
//! snapshot (read them: the carets must sit where a person would point), invalid files must
//! produce the rule, valid files must not. A meta-test checks that every registered rule has a
//! doc, a fixture folder and a snapshot.

use ftlint::engine::{self, DatasetLimits, FileReport};
use ftlint::format::{Format, FormatChoice};
use ftlint::render::{self, OutputFormat, RunInfo};
use ftlint::rules::{self, RuleMeta as Rule};
use ftlint::settings::Settings;
use ftlint::settings::Setup;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The file-size and image-count rules cannot ship 512 MB fixtures: their tests lower the limit.
fn limits_for(code: &str) -> DatasetLimits {
    let mut l = DatasetLimits {
        min_examples: 10,
        recommended_examples: 50,
        max_file_bytes: 512 * 1024 * 1024,
        max_image_examples: 50_000,
    };
    match code {
        "D006" => l.max_file_bytes = 1000,
        "D007" => l.max_image_examples = 2,
        _ => {}
    }
    l
}

/// T001's fixtures need a short context; T002's invalid case an unknown model.
fn model_for(code: &str, file: &Path) -> Option<&'static str> {
    match code {
        "T001" => Some("gpt-3.5-turbo-0613"),
        "T002" if file.ends_with("invalid.jsonl") => Some("gpt-5-turbo"),
        _ => None,
    }
}

/// Moderation fixtures come with the scores they are judged on.
fn scores_for(file: &Path) -> Option<PathBuf> {
    let scores = file.with_extension("scores.ndjson");
    scores.exists().then_some(scores)
}

/// Reinforcement fine-tuning is never auto-detected.
fn format_for(code: &str) -> FormatChoice {
    if code.starts_with('R') {
        FormatChoice::Fixed(Format::Rft)
    } else {
        FormatChoice::Auto
    }
}

fn check(rule: &Rule, file: &Path) -> (FileReport, String) {
    let cache = tempfile::tempdir().unwrap();
    let settings = Settings {
        model: model_for(rule.code(), file).map(str::to_owned),
        select: vec![rule.code().to_string()],
        format: format_for(rule.code()),
        scores: scores_for(file),
        cache_dir: Some(cache.path().to_path_buf()),
        ..Settings::default()
    };
    let mut setup = Setup::new(&settings, false).unwrap();
    setup.opts.limits = limits_for(rule.code());
    let opts = &setup.opts;
    let rel = file
        .strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let mut report = engine::check_reader(rel, std::fs::File::open(file).unwrap(), opts).unwrap();
    report
        .diagnostics
        .splice(0..0, setup.file_level.iter().cloned());
    let info = RunInfo {
        target: "openai".into(),
        model: "gpt-4o-mini-2024-07-18".into(),
        color: false,
        width: 100,
    };
    let mut out = Vec::new();
    render::render(
        OutputFormat::Full,
        std::slice::from_ref(&report),
        &info,
        &mut out,
    )
    .unwrap();
    (report, String::from_utf8(out).unwrap())
}

fn fixture_files(code: &str) -> Vec<PathBuf> {
    let dir = root().join("fixtures").join(code);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|_| panic!("no fixture folder fixtures/{code}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_rule_on_its_fixtures() {
    for rule in rules::all() {
        for file in fixture_files(rule.code()) {
            let (report, rendered) = check(rule, &file);
            let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
            let hits = report
                .diagnostics
                .iter()
                .filter(|d| d.rule.code() == rule.code())
                .count();
            if stem.starts_with("invalid") {
                assert!(
                    hits > 0,
                    "{} found nothing in {}",
                    rule.code(),
                    file.display()
                );
            } else {
                assert_eq!(
                    hits,
                    0,
                    "{} fired on {}:\n{rendered}",
                    rule.code(),
                    file.display()
                );
            }
            insta::assert_snapshot!(format!("{}-{stem}", rule.code()), rendered);
        }
    }
}

#[test]
fn every_rule_has_doc_fixtures_and_snapshot() {
    let mut codes = Vec::new();
    for rule in rules::all() {
        assert!(
            !codes.contains(&rule.code()),
            "duplicate code {}",
            rule.code()
        );
        codes.push(rule.code());
        let doc = rule.doc();
        for section in [
            "## What it checks",
            "## Why it matters",
            "## Example",
            "## Configuration",
        ] {
            assert!(
                doc.contains(section),
                "{} doc lacks `{section}`",
                rule.code()
            );
        }
        assert!(
            rule.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            rule.name
        );
        assert!(
            !rule.summary.ends_with('.'),
            "{} summary ends with a period",
            rule.code()
        );
        let files = fixture_files(rule.code());
        assert!(
            files.iter().any(|f| f
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .starts_with("invalid")),
            "fixtures/{} has no invalid case",
            rule.code()
        );
        let snap = root().join(format!(
            "tests/snapshots/rules__{}-invalid.snap",
            rule.code()
        ));
        assert!(snap.exists(), "no snapshot {}", snap.display());
    }
}

#[test]
fn rule_files_are_named_after_their_rules() {
    // One rule, one file: `src/rules/<family>/<code>_<name>.rs`.
    for rule in rules::all() {
        let file = format!(
            "{}_{}.rs",
            rule.code().to_lowercase(),
            rule.name.replace('-', "_")
        );
        let found = std::fs::read_dir(root().join("src/rules"))
            .unwrap()
            .filter_map(Result::ok)
            .any(|fam| fam.path().join(&file).exists());
        assert!(found, "no src/rules/*/{file}");
    }
}
