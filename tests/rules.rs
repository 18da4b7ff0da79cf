//! Every rule against its fixtures, one test module per rule: `C005::invalid` checks
//! `fixtures/C005/invalid*.jsonl`, `C005::valid` the other files of the folder. A failure names
//! the rule, and one rule runs alone:
//!
//! ```sh
//! cargo test C005               # C005's tests, `C005::valid` and `C005::invalid`
//! cargo test --test rules C005  # the same, building and running only this test binary
//! cargo test --test rules C0    # every C rule
//! ```
//!
//! The filter is libtest's case-sensitive substring match on the test's path, so spell the code
//! as ftlint prints it: `cargo test c005` runs nothing.
//!
//! Invalid files must produce the rule and their rendered `full` output is a snapshot
//! (`tests/snapshots/rules__<CODE>-<stem>.snap`; read them: the carets must sit where a person
//! would point). Valid files must not produce it; their output must be exactly the clean-run text
//! [`CLEAN`], except for the rules in [`VALID_WITH_SNAPSHOT`], whose valid output says more and
//! has its own snapshot. The conversion rules (`X`) run their fixtures through `ftlint convert`
//! instead of `check` ([`conversion_target`]), for the target the file or the code names.
//! Meta-tests check that the rules tested here, the registered rules and
//! the fixture folders are the same codes; that every rule has a doc and an invalid case; and
//! that every `rules__*.snap` file belongs to a fixture (no orphan snapshots).

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
        max_examples: u64::MAX,
        max_line_bytes: 150 << 20,
    };
    match code {
        "D006" => l.max_file_bytes = 1000,
        "D007" => l.max_image_examples = 2,
        "D009" => l.max_examples = 3,
        "J013" => l.max_line_bytes = 400,
        _ => {}
    }
    l
}

/// Rules that only some targets enable: their fixtures run on such a target.
fn target_for(code: &str, file: &Path) -> &'static str {
    match code {
        "J011" => "azure-openai",
        "C022" => "together",
        // The open-model trainers' families, on the target that takes their format.
        c if c.starts_with('H') => "hf",
        c if c.starts_with('F') => "sharegpt",
        c if c.starts_with('A') => "alpaca",
        "D008" if file.ends_with("invalid.jsonl") => "azure-openai",
        // Azure's last training days are months away on T005's day.
        "T005" if file.ends_with("valid.jsonl") && !file.ends_with("invalid.jsonl") => {
            "azure-openai"
        }
        _ => "openai",
    }
}

/// The day the lifecycle rules judge by: a day with nothing to say, except for T004's and
/// T005's own fixtures.
fn today_for(code: &str) -> ftlint::targets::Date {
    match code {
        "T004" | "T005" => "2026-12-01",
        _ => "2026-06-01",
    }
    .parse()
    .unwrap()
}

/// T001's fixtures need a short context; T002's invalid case an unknown model.
fn model_for(code: &str, file: &Path) -> Option<&'static str> {
    match code {
        "T001" => Some("gpt-3.5-turbo-0613"),
        "T002" if file.ends_with("invalid.jsonl") => Some("gpt-5-turbo"),
        "T003" if file.ends_with("invalid.jsonl") => Some("davinci-002"),
        "T004" if file.ends_with("invalid.jsonl") => Some("gpt-4.1-nano-2025-04-14"),
        _ => None,
    }
}

/// The open-model token rules count with the fixture tokenizer (a byte-level BPE with the
/// ChatML template, `fixtures/tokenizers/chatml-bpe`); T001 too for its `*-open-model` cases.
/// The path is relative (tests run in the package's folder), so snapshots do not hold this
/// machine's folders.
fn tokenizer_for(code: &str, file: &Path) -> Option<PathBuf> {
    let open_model = matches!(code, "T006" | "T007") || stem(file).ends_with("open-model");
    open_model.then(|| PathBuf::from("fixtures/tokenizers/chatml-bpe"))
}

/// The trainer's `max_length` of the truncation cases: 60 tokens of the fixture tokenizer.
fn max_length_for(code: &str, file: &Path) -> Option<u32> {
    (code == "T006" || stem(file).ends_with("open-model")).then_some(60)
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

/// The conversion rules (`X`) word what `ftlint convert` cannot carry over: their fixtures are
/// converted, not checked. The target is the one a fixture's name gives after the case
/// (`invalid-bedrock-nova.jsonl`), else the code's own below.
fn conversion_target(code: &str, file: &Path) -> Option<String> {
    if !code.starts_with('X') {
        return None;
    }
    let stem = stem(file);
    let named = stem
        .strip_prefix("invalid-")
        .or_else(|| stem.strip_prefix("valid-"))
        .filter(|t| ftlint::targets::Target::builtin(t).is_some());
    let default = match code {
        "X002" | "X005" | "X009" => "bedrock-nova",
        "X008" => "together",
        "X010" => "openai",
        "X011" => "alpaca",
        _ => "vertex-gemini",
    };
    Some(named.unwrap_or(default).to_owned())
}

/// A conversion fixture's report: the file converted for its target with only `rule` wording
/// losses (the converted records themselves are not kept).
fn convert(rule: &Rule, file: &Path, target: &str) -> FileReport {
    use ftlint::convert::{Conversion, OnLoss};
    use ftlint::engine::convert::{convert_reader, ConvertOptions};
    let target = ftlint::targets::Target::builtin(target).unwrap();
    let opts = ConvertOptions {
        conversion: Conversion::new(target, None).unwrap(),
        format: FormatChoice::Auto,
        plan: rules::Plan::new(std::iter::once(rule.rule).collect()),
        on_loss: OnLoss::Error,
        mapping: None,
    };
    let rel = file
        .strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let input = std::fs::File::open(file).unwrap();
    convert_reader(rel, input, &opts, &mut std::io::sink())
        .unwrap()
        .report
}

fn check(rule: &Rule, file: &Path) -> (FileReport, String) {
    if let Some(target) = conversion_target(rule.code(), file) {
        let report = convert(rule, file, &target);
        let info = RunInfo {
            target,
            model: String::new(),
            color: false,
            width: 100,
            ..RunInfo::default()
        };
        let mut out = Vec::new();
        render::render(
            OutputFormat::Full,
            std::slice::from_ref(&report),
            &info,
            &mut out,
        )
        .unwrap();
        return (report, String::from_utf8(out).unwrap());
    }
    let cache = tempfile::tempdir().unwrap();
    let settings = Settings {
        model: model_for(rule.code(), file)
            .filter(|_| tokenizer_for(rule.code(), file).is_none())
            .map(str::to_owned),
        tokenizer: tokenizer_for(rule.code(), file),
        max_length: max_length_for(rule.code(), file),
        target: target_for(rule.code(), file).to_owned(),
        today: Some(today_for(rule.code())),
        rules: vec![ftlint::settings::Selection::only(&[rule.code()])],
        format: format_for(rule.code()),
        scores: scores_for(file),
        cache_dir: Some(cache.path().to_path_buf()),
        ..Settings::default()
    };
    let mut setup = Setup::new(&settings, false).unwrap();
    setup.opts.limits = limits_for(rule.code());
    let rel = file
        .strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    // With the fixture folder's `dataset_info.json` entry for the file, if it has one (found
    // from the relative path, so that messages name no folder of this machine).
    let opts = setup.opts.for_file(Path::new(&rel)).unwrap();
    let mut report = engine::check_reader(rel, std::fs::File::open(file).unwrap(), &opts).unwrap();
    report
        .diagnostics
        .splice(0..0, setup.file_level.iter().cloned());
    let info = RunInfo {
        target: "openai".into(),
        model: "gpt-4o-mini-2024-07-18".into(),
        color: false,
        width: 100,
        ..RunInfo::default()
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

/// What a clean run of one file renders. Valid fixtures are checked against this text in code
/// instead of 56 byte-identical snapshots.
const CLEAN: &str = "No problems found in 1 file.\n";

/// Rules whose valid fixture renders more than [`CLEAN`], so it keeps its own snapshot: the M
/// fixtures come with scores, and the report lists the riskiest examples even when none is over
/// a threshold; with a T rule selected the report prints the token and cost summary.
const VALID_WITH_SNAPSHOT: &[&str] = &[
    "M001", "M002", "M003", "M004", "M005", "M006", "M007", "M008", "T001", "T002", "T006", "T007",
];

/// One module per rule code, each with a `valid` and an `invalid` test; `TESTED` lists the codes
/// for the meta-test. `build.rs` invokes it with the codes of the rule files (it reads
/// `src/rules/`, not `fixtures/`: fixtures are read at run time, so editing one rebuilds nothing),
/// so a new rule file gets its tests without a line here.
macro_rules! rule_tests {
    ($($code:ident)*) => {
        const TESTED: &[&str] = &[$(stringify!($code)),*];
        $(
            // Named exactly as the code is printed, so `cargo test C005` finds it.
            #[allow(non_snake_case)]
            mod $code {
                #[test]
                fn valid() {
                    super::check_fixtures(stringify!($code), super::Case::Valid);
                }
                #[test]
                fn invalid() {
                    super::check_fixtures(stringify!($code), super::Case::Invalid);
                }
            }
        )*
    };
}

// `rule_tests! { J001 J002 … }`, written by `build.rs` from the rule files.
include!(concat!(env!("OUT_DIR"), "/rule_tests.rs"));

#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    Valid,
    Invalid,
}

/// A fixture file's case: `invalid*.jsonl` must produce the rule, every other file must not.
fn case_of(file: &Path) -> Case {
    if stem(file).starts_with("invalid") {
        Case::Invalid
    } else {
        Case::Valid
    }
}

fn stem(file: &Path) -> String {
    file.file_stem().unwrap().to_string_lossy().into_owned()
}

/// The snapshot a fixture file is compared with, if it has one (the name is `rules__` plus this).
fn snapshot_name(code: &str, file: &Path) -> Option<String> {
    let own = case_of(file) == Case::Invalid || VALID_WITH_SNAPSHOT.contains(&code);
    own.then(|| format!("{code}-{}", stem(file)))
}

fn rule(code: &str) -> &'static Rule {
    rules::all()
        .find(|r| r.code() == code)
        .unwrap_or_else(|| panic!("{code} is tested here but not registered in rules::all()"))
}

fn check_fixtures(code: &str, case: Case) {
    let rule = rule(code);
    for file in fixture_files(code).iter().filter(|f| case_of(f) == case) {
        let (report, rendered) = check(rule, file);
        let hits = report
            .diagnostics
            .iter()
            .filter(|d| d.rule.code() == code)
            .count();
        match case {
            Case::Invalid => assert!(hits > 0, "{code} found nothing in {}", file.display()),
            Case::Valid => assert_eq!(hits, 0, "{code} fired on {}:\n{rendered}", file.display()),
        }
        match snapshot_name(code, file) {
            Some(name) => insta::assert_snapshot!(name, rendered),
            None => assert_eq!(
                rendered,
                CLEAN,
                "{} must render only the clean-run text; if the extra output is intended, add \
                 {code} to VALID_WITH_SNAPSHOT and review its new snapshot",
                file.display()
            ),
        }
    }
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

/// `fixtures/` folders named like a rule code (`C005`); the others hold shared data sets.
fn fixture_folders() -> Vec<String> {
    let mut codes: Vec<String> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let b = n.as_bytes();
            b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
        })
        .collect();
    codes.sort();
    codes
}

#[test]
fn tested_registered_and_fixture_codes_agree() {
    let sorted = |codes: Vec<&str>| {
        let mut codes: Vec<String> = codes.into_iter().map(str::to_owned).collect();
        codes.sort();
        codes
    };
    let registered = sorted(rules::all().map(|r| r.code()).collect());
    let tested = sorted(TESTED.to_vec());
    let folders = fixture_folders();
    let missing = |from: &[String], what: &str, to: &[String], where_: &str| {
        let gap: Vec<_> = from.iter().filter(|c| !to.contains(c)).collect();
        assert!(gap.is_empty(), "{what} but {where_}: {gap:?}");
    };
    missing(
        &registered,
        "registered",
        &tested,
        "not tested by rule_tests!",
    );
    missing(&tested, "in rule_tests!", &registered, "not registered");
    missing(
        &registered,
        "registered",
        &folders,
        "no folder fixtures/<CODE>",
    );
    missing(
        &folders,
        "a folder fixtures/<CODE>",
        &registered,
        "no such rule",
    );
    for code in VALID_WITH_SNAPSHOT {
        assert!(
            registered.iter().any(|c| c == code),
            "VALID_WITH_SNAPSHOT: no rule {code}"
        );
    }
}

#[test]
fn every_snapshot_belongs_to_a_fixture() {
    // insta reports an unreferenced snapshot only under `cargo insta test --unreferenced`; CI
    // runs `cargo test`, so a snapshot left behind by a renamed fixture or a folded valid case
    // fails here instead of lingering unread.
    let mut expected: Vec<String> = rules::all()
        .flat_map(|r| {
            fixture_files(r.code())
                .into_iter()
                .filter_map(|f| snapshot_name(r.code(), &f))
        })
        .map(|name| format!("rules__{name}.snap"))
        .collect();
    expected.sort();
    let mut found: Vec<String> = std::fs::read_dir(root().join("tests/snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("rules__") && n.ends_with(".snap"))
        .collect();
    found.sort();
    let orphans: Vec<_> = found.iter().filter(|n| !expected.contains(n)).collect();
    assert!(
        orphans.is_empty(),
        "snapshots no fixture uses (delete them): {orphans:?}"
    );
    let missing: Vec<_> = expected.iter().filter(|n| !found.contains(n)).collect();
    assert!(
        missing.is_empty(),
        "fixtures without a snapshot: {missing:?}"
    );
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
        // The snapshots themselves: `every_snapshot_belongs_to_a_fixture`.
        assert!(
            fixture_files(rule.code())
                .iter()
                .any(|f| case_of(f) == Case::Invalid),
            "fixtures/{} has no invalid case",
            rule.code()
        );
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
