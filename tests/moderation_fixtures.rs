//! The M rule fixtures say what they should: each `invalid.jsonl` with its scores file triggers
//! its rule (and the README's expected findings), each `valid.jsonl` triggers no M rule.

use ftlint::moderation::{ImportedScores, ModerationCheck, Profile, ScoreStore, UnitMode};
use ftlint::rules::moderation::{describe, m003_too_many_flagged};
use serde_json::Value;
use std::path::Path;

fn run(folder: &str, name: &str, profile: &str) -> Vec<(u64, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(folder);
    let data = std::fs::read_to_string(dir.join(format!("{name}.jsonl"))).unwrap();
    let imported = ImportedScores::from_path(&dir.join(format!("{name}.scores.ndjson"))).unwrap();
    let store = ScoreStore::new("omni-moderation-latest", None, Some(imported));
    let check = ModerationCheck {
        profile: Profile::builtin(profile).unwrap(),
        unit_mode: UnitMode::Message,
        report_unscored: true,
        require_scores: false,
    };
    let mut out = Vec::new();
    let mut summaries = Vec::new();
    for (i, line) in data.lines().enumerate() {
        let v: Value = serde_json::from_str(line).unwrap();
        let (f, s) = check.check_line(&store, i as u64 + 1, &v);
        summaries.push(s);
        out.extend(f.into_iter().map(|e| {
            let f = describe(&e);
            (
                i as u64 + 1,
                f.rule.code().to_string(),
                e.pointer + " " + &f.message,
            )
        }));
    }
    if let Some(g) = check.check_file(&summaries).gate {
        let message = m003_too_many_flagged::message(&g.verdict, &g.worst_lines);
        out.push((0, "M003".to_string(), message));
    }
    out
}

fn codes(found: &[(u64, String, String)]) -> Vec<(u64, &str)> {
    found.iter().map(|(l, c, _)| (*l, c.as_str())).collect()
}

#[test]
fn valid_fixtures_are_silent() {
    for folder in ["M001", "M002", "M003", "M004", "M005"] {
        assert!(run(folder, "valid", "finetune").is_empty(), "{folder}");
    }
}

#[test]
fn m001_fixture() {
    let f = run("M001", "invalid", "finetune");
    assert_eq!(codes(&f), [(1, "M001"), (2, "M001"), (0, "M003")]);
    assert!(
        f[0].2
            .starts_with("/messages/2/content moderation flagged this text: `violence` 0.9300"),
        "{f:?}"
    );
    assert_eq!(
        codes(&run("M001", "invalid", "api")),
        [(1, "M001"), (2, "M001"), (0, "M003")]
    );
}

#[test]
fn m002_fixture() {
    let f = run("M002", "invalid", "finetune");
    assert_eq!(
        codes(&f),
        [(1, "M002"), (1, "M002"), (2, "M002"), (2, "M002")]
    );
    assert!(f[0].2.contains("`sexual` score `0.0687`"), "{f:?}");
    assert!(f[1].2.contains("`sexual/minors` score `0.0162`"), "{f:?}");
    assert!(run("M002", "invalid", "api").is_empty());
}

#[test]
fn m003_fixture() {
    let f = run("M003", "invalid", "finetune");
    let gate = f.iter().find(|(_, c, _)| c == "M003").unwrap();
    assert_eq!(gate.0, 0);
    assert!(
        gate.2.starts_with("`2` of `3` examples are flagged"),
        "{}",
        gate.2
    );
    assert!(gate.2.ends_with("Flagged lines: 3, 1"), "{}", gate.2);
}

#[test]
fn m004_fixture() {
    let f = run("M004", "invalid", "finetune");
    assert_eq!(
        codes(&f),
        [(1, "M004"), (1, "M004"), (2, "M004"), (2, "M004")]
    );
    assert!(f[0].2.starts_with("/messages/1/content "), "{f:?}");
}

#[test]
fn m005_fixture() {
    let f = run("M005", "invalid", "finetune");
    assert_eq!(codes(&f), [(1, "M005"), (2, "M005")]);
    assert!(
        f[0].2
            .starts_with("/messages/2/content the imported score is stale"),
        "{f:?}"
    );
}

#[test]
fn profile_dataset_recorded_scores_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/profile-dataset");
    let imported = ImportedScores::from_path(&dir.join("recorded.scores.ndjson")).unwrap();
    let store = ScoreStore::new("omni-moderation-latest", None, Some(imported));
    let data = std::fs::read_to_string(dir.join("train.jsonl")).unwrap();
    for (profile, per_line) in [("finetune", 2), ("api", 0)] {
        let check = ModerationCheck {
            profile: Profile::builtin(profile).unwrap(),
            unit_mode: UnitMode::Example,
            report_unscored: true,
            require_scores: true,
        };
        for (i, line) in data.lines().enumerate() {
            let v: Value = serde_json::from_str(line).unwrap();
            let (f, _) = check.check_line(&store, i as u64 + 1, &v);
            assert_eq!(f.len(), per_line, "{profile} line {}: {f:?}", i + 1);
            assert!(f.iter().all(|e| describe(e).rule.code() == "M002"));
        }
    }
}
