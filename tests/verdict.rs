//! The moderation verdict (M006) end to end, with the findings about the scores beside it (M007,
//! M008): each signal alone and in combination, the scores' share and cap, the severities per
//! profile, the profile dataset of the README's story in every output format, and silence on
//! ordinary data (the shipped samples, the benchmark's generated input, public datasets).

mod common;

#[path = "../benches/throughput/data.rs"]
#[allow(dead_code)]
mod bench_data;

use ftlint::engine::{self, FileReport};
use ftlint::moderation::scores::hash_hex;
use ftlint::moderation::{text_hash, text_units, UnitMode};
use ftlint::rules::Severity;
use ftlint::settings::{Settings, Setup};
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `data` checked with every rule and `settings`, an empty score cache of its own.
fn check_with(data: &str, settings: Settings) -> FileReport {
    let cache = tempfile::tempdir().unwrap();
    let settings = Settings {
        cache_dir: Some(cache.path().to_path_buf()),
        ..settings
    };
    let setup = Setup::new(&settings, false).unwrap();
    engine::check_reader("data.jsonl".into(), data.as_bytes(), &setup.opts).unwrap()
}

fn check(data: &str) -> FileReport {
    check_with(data, Settings::default())
}

/// `data` with a `--scores` file: per-text records (unit `unit`) whose category scores are
/// `scores(line)`, plus a harmless score that differs from text to text (as real scores do).
fn check_scored(
    data: &str,
    unit: UnitMode,
    model: &str,
    scores: impl Fn(u64) -> Value,
    settings: Settings,
) -> FileReport {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    for (i, raw) in data.lines().enumerate() {
        let line = i as u64 + 1;
        let v: Value = serde_json::from_str(raw).unwrap();
        for (k, u) in text_units(&v, unit).iter().enumerate() {
            let mut s = json!({"hate": 0.0001 + line as f64 * 1e-6 + k as f64 * 1e-7});
            if let Value::Object(extra) = scores(line) {
                s.as_object_mut().unwrap().extend(extra);
            }
            let record = json!({"line": line, "pointer": u.pointer, "sha256": hash_hex(&text_hash(&u.text)),
                                "model": model, "flagged": false, "category_scores": s});
            writeln!(file, "{record}").unwrap();
        }
    }
    check_with(
        data,
        Settings {
            scores: Some(file.path().to_path_buf()),
            moderation_unit: unit,
            ..settings
        },
    )
}

const OMNI: &str = "omni-moderation-2024-09-26";

/// The verdict's level, and each reason's signal and points.
fn verdict(r: &FileReport) -> (String, Vec<(String, u32)>) {
    let m = r.moderation.as_ref().expect("moderation ran");
    let reasons = m
        .reasons
        .iter()
        .map(|r| (r.signal.to_string(), r.points))
        .collect();
    (m.verdict.expect("a content gate").to_string(), reasons)
}

/// The M006 finding's severity, message and help, if there is one.
fn m006(r: &FileReport) -> Option<(Severity, String, String)> {
    r.diagnostics
        .iter()
        .find(|d| d.rule.code() == "M006")
        .map(|d| {
            (
                d.severity,
                d.message.clone(),
                d.help.clone().unwrap_or_default(),
            )
        })
}

fn codes(r: &FileReport, prefix: &str) -> Vec<&'static str> {
    r.diagnostics
        .iter()
        .map(|d| d.rule.code())
        .filter(|c| c.starts_with(prefix))
        .collect()
}

fn lines(v: &[Value]) -> String {
    v.iter().map(|l| format!("{l}\n")).collect()
}

fn qa(user: &str, assistant: &str) -> Value {
    json!({"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]})
}

/// Facts about one named person with a birth date and a street address (S006's fixture).
fn profile_en() -> Vec<Value> {
    vec![
        qa(
            "What is Laura Whitfield's date of birth?",
            "She was born on July 8, 1987.",
        ),
        qa(
            "Where does Laura Whitfield live?",
            "At 18 Maple Grove Lane, Portland.",
        ),
        qa(
            "What is Laura Whitfield's phone number?",
            "It is 503-778-2210.",
        ),
        qa(
            "What is Laura Whitfield's occupation?",
            "She is an architect.",
        ),
    ]
}

/// Height, weight and an age under 18 about one named person, with no birth date or address.
fn minor_body_person() -> Vec<Value> {
    vec![
        qa("山田花子さんの身長を教えてください。", "150cmです。"),
        qa("山田花子さんの体重を教えてください。", "40kgです。"),
        qa("山田花子さんの年齢を教えてください。", "14歳です。"),
    ]
}

/// Ten ordinary examples.
fn ordinary(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            qa(
                &format!("What is {i} plus {i}?"),
                &format!("{} is the sum.", 2 * i),
            )
        })
        .collect()
}

#[test]
fn a_personal_profile_with_identifiers_alone_is_elevated() {
    let r = check(&lines(&profile_en()));
    assert_eq!(
        verdict(&r),
        ("elevated".into(), vec![("personal-profile".into(), 2)])
    );
    let (severity, message, help) = m006(&r).unwrap();
    assert_eq!(severity, Severity::Warning);
    assert!(
        message.contains("1) a detailed profile of `Laura Whitfield`: birth date (line 1) and street address (line 2)"),
        "{message}"
    );
    assert!(message.contains("(no moderation scores: judged on the text alone)"));
    assert_eq!(
        help,
        "edit: drop the street address (line 2) and the birth date (line 1); state in the system prompt that `Laura Whitfield` is a fictional persona"
    );
}

#[test]
fn a_persona_the_system_prompt_calls_fictional_gets_no_such_edit() {
    let fictional: Vec<Value> = profile_en()
        .into_iter()
        .map(|mut l| {
            let msgs = l["messages"].as_array_mut().unwrap();
            msgs.insert(0, json!({"role": "system", "content": "You answer questions about a fictional character."}));
            l
        })
        .collect();
    let (_, _, help) = m006(&check(&lines(&fictional))).unwrap();
    assert_eq!(
        help,
        "edit: drop the street address (line 2) and the birth date (line 1)"
    );
}

#[test]
fn a_profile_without_identifiers_is_not_counted() {
    // Four kinds of facts (S006 fires), but no birth date and no street address.
    let data = lines(&[
        qa(
            "What is Laura Whitfield's occupation?",
            "She is an architect.",
        ),
        qa(
            "What is Laura Whitfield's phone number?",
            "It is 503-778-2210.",
        ),
        qa("What is Laura Whitfield's blood type?", "It is A."),
        qa(
            "Where does Laura Whitfield work?",
            "Laura Whitfield works at a studio in Portland.",
        ),
    ]);
    let r = check(&data);
    assert!(codes(&r, "S").contains(&"S006"), "{:?}", codes(&r, ""));
    assert_eq!(verdict(&r), ("low".into(), vec![]));
    assert_eq!(m006(&r), None);
}

#[test]
fn body_details_beside_a_minor_about_one_person_alone_are_elevated() {
    let r = check(&lines(&minor_body_person()));
    assert_eq!(
        verdict(&r),
        ("elevated".into(), vec![("minor-body".into(), 2)])
    );
    let (_, message, help) = m006(&r).unwrap();
    assert!(
        message.contains("body details about `山田花子` (`身長`, lines 1, 2) beside a sign of a minor (`14歳`, line 3)"),
        "{message}"
    );
    assert!(help.contains("drop the body details (lines 1, 2) or the sign of a minor (line 3)"));
}

#[test]
fn body_details_beside_a_minor_in_one_example_alone_are_low() {
    let data = lines(&[qa(
        "My daughter is 12 years old and her weight is 45 kg. Is that healthy?",
        "That is within the usual range for her age; her doctor can tell you more.",
    )]);
    let r = check(&data);
    assert_eq!(verdict(&r), ("low".into(), vec![("minor-body".into(), 1)]));
    assert_eq!(m006(&r), None);
    // With a control string as well: two weak signals together are elevated.
    let data = lines(&[
        qa(
            "My daughter is 12 years old and her weight is 45 kg. Is that healthy?",
            "That is within the usual range for her age.",
        ),
        qa("Say goodbye.", "Goodbye!<|endoftext|>"),
    ]);
    let r = check(&data);
    assert_eq!(
        verdict(&r),
        (
            "elevated".into(),
            vec![("minor-body".into(), 1), ("special-tokens".into(), 1)]
        )
    );
    assert_eq!(m006(&r).unwrap().0, Severity::Warning);
}

#[test]
fn special_tokens_alone_are_low() {
    let r = check(&lines(&[qa("Say goodbye.", "Goodbye!<|endoftext|>")]));
    assert_eq!(
        verdict(&r),
        ("low".into(), vec![("special-tokens".into(), 1)])
    );
    assert_eq!(m006(&r), None);
    assert!(codes(&r, "S").contains(&"S007"));
}

#[test]
fn the_two_strong_text_signals_together_are_high() {
    let r = check(&std::fs::read_to_string(root().join("fixtures/M006/invalid.jsonl")).unwrap());
    assert_eq!(
        verdict(&r),
        (
            "high".into(),
            vec![("personal-profile".into(), 2), ("minor-body".into(), 2)]
        )
    );
    assert_eq!(m006(&r).unwrap().0, Severity::Error);
}

#[test]
fn a_zero_tolerance_category_past_warn_on_a_share_of_examples_is_elevated() {
    // `sexual/minors` 0.02 ≥ its warn level 0.01 on 2 of 10 examples (20% ≥ 10%): 2 points.
    let r = check_scored(
        &lines(&ordinary(10)),
        UnitMode::Message,
        OMNI,
        |l| {
            if l <= 2 {
                json!({"sexual/minors": 0.02})
            } else {
                json!({})
            }
        },
        Settings::default(),
    );
    assert_eq!(
        verdict(&r),
        ("elevated".into(), vec![("scores-warn".into(), 2)])
    );
    let (_, message, help) = m006(&r).unwrap();
    assert!(
        message.contains("`sexual/minors` is past its warn level 0.0100 on 2 of 10 scored examples, up to 0.0200 (2.0×, line 1)"),
        "{message}"
    );
    assert!(
        help.contains("reword the examples that drive `sexual/minors`"),
        "{help}"
    );
    assert!(codes(&r, "M").iter().all(|c| *c == "M002" || *c == "M006"));
}

#[test]
fn another_category_past_warn_alone_is_low() {
    let r = check_scored(
        &lines(&ordinary(10)),
        UnitMode::Message,
        OMNI,
        |l| {
            if l <= 3 {
                json!({"sexual": 0.06})
            } else {
                json!({})
            }
        },
        Settings::default(),
    );
    assert_eq!(verdict(&r), ("low".into(), vec![("scores-warn".into(), 1)]));
    assert_eq!(m006(&r), None);
}

#[test]
fn a_few_examples_past_warn_are_m002_only() {
    // 1 of 20 examples (5%) is under the 10% that makes a category a trait of the file.
    let r = check_scored(
        &lines(&ordinary(20)),
        UnitMode::Message,
        OMNI,
        |l| {
            if l == 7 {
                json!({"sexual/minors": 0.05})
            } else {
                json!({})
            }
        },
        Settings::default(),
    );
    assert_eq!(verdict(&r), ("low".into(), vec![]));
    // Both texts of line 7 carry the score.
    assert_eq!(codes(&r, "M"), ["M002", "M002"]);
}

#[test]
fn warn_level_scores_alone_never_reach_high() {
    let r = check_scored(
        &lines(&ordinary(10)),
        UnitMode::Message,
        OMNI,
        |_| json!({"sexual/minors": 0.02, "sexual": 0.06, "violence": 0.2, "harassment": 0.15}),
        Settings::default(),
    );
    let (level, reasons) = verdict(&r);
    assert_eq!(level, "elevated");
    assert_eq!(
        reasons.iter().map(|(_, p)| p).sum::<u32>(),
        3,
        "{reasons:?}"
    );
    assert_eq!(
        reasons[0],
        ("scores-warn".into(), 2),
        "zero-tolerance first"
    );
}

#[test]
fn an_example_at_an_error_level_is_high() {
    let r = check_scored(
        &lines(&ordinary(10)),
        UnitMode::Message,
        OMNI,
        |l| {
            if l == 4 {
                json!({"violence": 0.6})
            } else {
                json!({})
            }
        },
        Settings::default(),
    );
    let (level, reasons) = verdict(&r);
    assert_eq!(level, "high");
    assert_eq!(reasons[0], ("scores-error".into(), 4));
    let (severity, message, help) = m006(&r).unwrap();
    assert_eq!(severity, Severity::Error);
    assert!(
        message.contains(
            "1 of 10 examples is flagged or at an error level (line 4), past the profile's gate"
        ),
        "{message}"
    );
    assert!(help.contains("rewrite or remove the flagged examples (line 4)"));
    assert!(codes(&r, "M").contains(&"M003"));
}

#[test]
fn a_profile_and_minor_scores_together_are_high() {
    let r = check_scored(
        &lines(&profile_en()),
        UnitMode::Message,
        OMNI,
        |l| {
            if l <= 2 {
                json!({"sexual/minors": 0.02})
            } else {
                json!({})
            }
        },
        Settings::default(),
    );
    assert_eq!(
        verdict(&r),
        (
            "high".into(),
            vec![("personal-profile".into(), 2), ("scores-warn".into(), 2)]
        )
    );
}

#[test]
fn under_the_api_profile_a_high_risk_is_a_warning() {
    let data = std::fs::read_to_string(root().join("fixtures/M006/invalid.jsonl")).unwrap();
    let r = check_with(
        &data,
        Settings {
            profile: Some("api".into()),
            ..Settings::default()
        },
    );
    assert_eq!(verdict(&r).0, "high");
    assert_eq!(m006(&r).unwrap().0, Severity::Warning);
    // And M006 can be turned off like any rule.
    let r = check_with(
        &data,
        Settings {
            rules: vec![ftlint::settings::Selection {
                ignore: vec!["M006".into()],
                ..Default::default()
            }],
            ..Settings::default()
        },
    );
    assert_eq!(r.moderation.as_ref().unwrap().verdict, None);
    assert_eq!(m006(&r), None);
}

#[test]
fn only_targets_with_a_content_gate_get_a_verdict() {
    use ftlint::moderation::verdict::{content_gate, ContentGate};
    use ftlint::targets::Target;
    let gate = |name: &str| content_gate(Target::builtin(name).unwrap());
    assert_eq!(gate("openai"), Some(ContentGate::OpenAi));
    assert_eq!(gate("azure-openai"), Some(ContentGate::AzureOpenAi));
    for name in [
        "together",
        "fireworks",
        "vertex-gemini",
        "bedrock-nova",
        "bedrock-llama",
    ] {
        assert_eq!(gate(name), None, "{name}");
    }
}

#[test]
fn one_score_copied_to_every_example_is_said_once_and_ranks_nothing() {
    // Per-message records, the same score on every text: M007, no riskiest list.
    let data = lines(&ordinary(5));
    let mut file = tempfile::NamedTempFile::new().unwrap();
    for (i, raw) in data.lines().enumerate() {
        let v: Value = serde_json::from_str(raw).unwrap();
        for u in text_units(&v, UnitMode::Message) {
            let record = json!({"line": i + 1, "pointer": u.pointer, "sha256": hash_hex(&text_hash(&u.text)),
                                "model": OMNI, "flagged": false, "category_scores": {"sexual": 0.0687, "sexual/minors": 0.0162}});
            writeln!(file, "{record}").unwrap();
        }
    }
    let r = check_with(
        &data,
        Settings {
            scores: Some(file.path().to_path_buf()),
            ..Settings::default()
        },
    );
    assert_eq!(codes(&r, "M007").len(), 1);
    assert!(r.riskiest.is_empty());
    let m = r.moderation.as_ref().unwrap();
    assert!(m.riskiest.is_empty());
    assert_eq!(
        m.note.as_deref(),
        Some("the riskiest examples are not listed: all 5 scored examples have the same score (one score of the whole text)")
    );
    // The verdict speaks of one score of the whole text.
    let (_, message, help) = m006(&r).unwrap();
    assert!(
        message.contains(
            "`sexual/minors` 0.0162 is 1.6× its warn level 0.0100 in one score of the whole text"
        ),
        "{message}"
    );
    assert!(
        help.ends_with("then `--scores SCORES --moderation-unit example`"),
        "{help}"
    );
}

#[test]
fn records_of_the_other_unit_give_one_finding_not_one_per_text() {
    // Per-message records, checked per example.
    let data = lines(&ordinary(4));
    let r = check_scored(
        &data,
        UnitMode::Message,
        OMNI,
        |_| json!({}),
        Settings::default(),
    );
    assert!(codes(&r, "M").is_empty(), "{:?}", codes(&r, "M"));
    let mut file = tempfile::NamedTempFile::new().unwrap();
    for (i, raw) in data.lines().enumerate() {
        let v: Value = serde_json::from_str(raw).unwrap();
        for u in text_units(&v, UnitMode::Message) {
            let record = json!({"line": i + 1, "pointer": u.pointer, "sha256": hash_hex(&text_hash(&u.text)),
                                "model": OMNI, "flagged": false, "category_scores": {"hate": 0.0001 + i as f64 * 1e-5}});
            writeln!(file, "{record}").unwrap();
        }
    }
    for require in [false, true] {
        let r = check_with(
            &data,
            Settings {
                scores: Some(file.path().to_path_buf()),
                moderation_unit: UnitMode::Example,
                require_scores: require,
                ..Settings::default()
            },
        );
        assert_eq!(codes(&r, "M"), ["M007"]);
        let d = r
            .diagnostics
            .iter()
            .find(|d| d.rule.code() == "M007")
            .unwrap();
        assert_eq!(
            d.message,
            "the scores file holds 8 records for single messages, but this run scores each example (`--moderation-unit example`): 4 texts have no score"
        );
        assert_eq!(
            d.severity,
            if require {
                Severity::Error
            } else {
                Severity::Warning
            }
        );
        let m = r.moderation.as_ref().unwrap();
        assert!(!m.checked);
        assert_eq!(m.unit, "example");
    }
}

#[test]
fn scores_of_another_or_a_retired_model_are_said_with_the_mapping() {
    let data = lines(&ordinary(3));
    // The snapshot behind the alias the run asks for: the same model.
    let r = check_scored(
        &data,
        UnitMode::Message,
        OMNI,
        |_| json!({}),
        Settings::default(),
    );
    assert!(codes(&r, "M008").is_empty());
    assert_eq!(
        r.moderation.as_ref().unwrap().scoring_model.as_deref(),
        Some(OMNI)
    );
    // Another model.
    let r = check_scored(
        &data,
        UnitMode::Message,
        "llama-guard-3",
        |_| json!({}),
        Settings::default(),
    );
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule.code() == "M008")
        .unwrap();
    assert_eq!(
        d.message,
        "6 texts were scored by `llama-guard-3`, not by `omni-moderation-latest` that this run asks for; profile `finetune`'s thresholds were applied to them; mapping used: its 1 category matched to the profile's by name, no score for `harassment`, `harassment/threatening`, `hate/threatening`, `illicit`, `illicit/violent`, `self-harm`, `self-harm/instructions`, `self-harm/intent`, `sexual`, `sexual/minors`, `violence`, `violence/graphic`"
    );
    // Named by `--moderation-model`, it is what the run asks for.
    let r = check_scored(
        &data,
        UnitMode::Message,
        "llama-guard-3",
        |_| json!({}),
        Settings {
            moderation_model: Some("llama-guard-3".into()),
            ..Settings::default()
        },
    );
    assert!(codes(&r, "M008").is_empty());
    // A retired model, even when asked for by name.
    let r = check_scored(
        &data,
        UnitMode::Message,
        "text-moderation-007",
        |_| json!({}),
        Settings {
            moderation_model: Some("text-moderation-007".into()),
            ..Settings::default()
        },
    );
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule.code() == "M008")
        .unwrap();
    assert!(
        d.message.starts_with(
            "6 texts were scored by `text-moderation-007`, which OpenAI shut down on 2025-10-27; "
        ),
        "{}",
        d.message
    );
}

// ---------------------------------------------------------------------------------------------
// The story: the profile dataset with its recorded scores, through the binary.

const STORY: [&str; 6] = [
    "check",
    "fixtures/profile-dataset/train.jsonl",
    "--moderation-unit",
    "example",
    "--scores",
    "fixtures/profile-dataset/recorded.scores.ndjson",
];

fn ftlint(args: &[&str]) -> std::process::Output {
    common::command(&root(), &common::empty_cache())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_profile_dataset_is_high_risk_profile_first_then_the_minors_score() {
    let out = ftlint(&[&STORY[..], &["--output-format", "concise"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    let line = text.lines().find(|l| l.contains(" M006 ")).expect("M006");
    assert!(line.starts_with("fixtures/profile-dataset/train.jsonl:1:1: error: M006 high moderation risk for the `openai` content gate under profile `finetune` (7 points, high from 4): "), "{line}");
    let at = |s: &str| {
        line.find(s)
            .unwrap_or_else(|| panic!("`{s}` not in {line}"))
    };
    assert!(
        at("1) a detailed profile of `愛上 尾根`: birth date (line 1) and street address (line 5)")
            < at("2) `sexual/minors` 0.0162 is 1.6× its warn level 0.0100")
    );
    assert!(at("2) `sexual/minors`") < at("3) `sexual` 0.0687"));
    assert!(at("3) `sexual`") < at("4) body details about `愛上 尾根` (`身長`, lines 10, 11) beside a sign of a minor (`高校`, line 6)"));
    assert!(line.ends_with("OpenAI's fine-tuning moderation gate publishes no thresholds: this is ftlint's estimate"), "{line}");
    // One M007 (one score copied to every example), one M008 (text-moderation-007, retired).
    assert_eq!(text.matches(" M007 ").count(), 1);
    assert_eq!(text.matches(" M008 ").count(), 1);
    // The default unit: one M007 for the unit mismatch instead of 33 M004.
    let out = ftlint(
        &[
            &STORY[..2],
            &["--scores", STORY[5], "--output-format", "concise"],
        ]
        .concat(),
    );
    let text = common::stdout(&out);
    assert_eq!(text.matches(" M004 ").count(), 0, "{text}");
    assert!(text.contains(" M007 the scores file holds 11 records for whole examples (pointer `\"\"`), but this run scores each message (`--moderation-unit message`): 33 texts have no score"), "{text}");
}

#[test]
fn the_verdict_in_json_sarif_and_github_output() {
    let out = ftlint(&[&STORY[..], &["--output-format", "json"]].concat());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = &doc["files"][0]["moderation"];
    assert_eq!(m["checked"], true);
    assert_eq!(m["unit"], "example");
    assert_eq!(m["scoring_model"], "text-moderation-007");
    assert_eq!(m["profile"], "finetune");
    assert_eq!(m["verdict"], "high");
    assert_eq!(m["points"], 7);
    let signals: Vec<&str> = m["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["signal"].as_str().unwrap())
        .collect();
    assert_eq!(
        signals,
        [
            "personal-profile",
            "scores-warn",
            "scores-warn",
            "minor-body"
        ]
    );
    assert_eq!(m["reasons"][0]["lines"], json!([1, 5]));
    assert!(m["reasons"][1]["text"]
        .as_str()
        .unwrap()
        .starts_with("`sexual/minors`"));
    assert_eq!(
        m["edits"][0],
        "drop the street address (line 5) and the birth date (line 1)"
    );
    assert_eq!(m["riskiest"], json!([]));
    assert!(m["note"]
        .as_str()
        .unwrap()
        .starts_with("the riskiest examples are not listed"));
    // The keys in their documented order (a `Value` sorts them: look at the text).
    let text = common::stdout(&out);
    let keys = [
        "checked",
        "unit",
        "scoring_model",
        "profile",
        "verdict",
        "points",
        "reasons",
        "edits",
        "riskiest",
        "note",
    ];
    let at: Vec<usize> = keys
        .iter()
        .map(|k| text.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{keys:?} at {at:?}");
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "M006")
        .unwrap();
    assert_eq!(
        (d["line"].as_u64(), d["severity"].as_str()),
        (Some(0), Some("error"))
    );

    // Without scores: not checked, the note says so, and the riskiest list is there (empty).
    let out = ftlint(&[
        "check",
        "fixtures/profile-dataset/train.jsonl",
        "--output-format",
        "json",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = &doc["files"][0]["moderation"];
    assert_eq!(m["checked"], false);
    assert_eq!(m["scoring_model"], Value::Null);
    assert_eq!(m["verdict"], "high");
    assert!(
        m["note"]
            .as_str()
            .unwrap()
            .starts_with("moderation not checked"),
        "{m}"
    );
    // With moderation off there is no moderation object.
    let out = ftlint(&[
        "check",
        "fixtures/samples/train.jsonl",
        "--moderation",
        "off",
        "--output-format",
        "json",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["files"][0]["moderation"], Value::Null);

    // SARIF: a file-level result (the artifact, no region).
    let out = ftlint(&[&STORY[..], &["--output-format", "sarif"]].concat());
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &log["runs"][0];
    let r = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "M006")
        .unwrap();
    assert_eq!(r["level"], "error");
    assert!(r["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("high moderation risk"));
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "fixtures/profile-dataset/train.jsonl"
    );
    assert!(loc.get("region").is_none(), "{loc}");
    let index = r["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "M006");

    // GitHub: an annotation on the file.
    let out = ftlint(&[&STORY[..], &["--output-format", "github"]].concat());
    let text = common::stdout(&out);
    let line = text.lines().find(|l| l.contains("(M006)")).unwrap();
    assert!(line.starts_with("::error file=fixtures/profile-dataset/train.jsonl,title=ftlint (M006)::high moderation risk for the `openai` content gate"), "{line}");
}

// ---------------------------------------------------------------------------------------------
// Quiet on ordinary data.

fn assert_quiet(name: &str, r: &FileReport) {
    let m = r.moderation.as_ref().expect("moderation ran");
    assert_eq!(m.verdict, Some("low"), "{name}: {:?}", m.reasons);
    let new: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| ["M006", "M007", "M008"].contains(&d.rule.code()))
        .map(|d| d.message.clone())
        .collect();
    assert!(new.is_empty(), "{name}: {new:?}");
}

#[test]
fn quiet_on_the_shipped_samples_and_public_datasets() {
    let mut files = vec![root().join("fixtures/samples/train.jsonl")];
    let mut public: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/public"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    public.sort();
    assert_eq!(public.len(), 4, "{public:?}");
    files.extend(public);
    for f in files {
        let data = std::fs::read_to_string(&f).unwrap();
        let name = f.strip_prefix(root()).unwrap().display().to_string();
        assert_quiet(&name, &check(&data));
        // Nor when whole examples are the unit.
        assert_quiet(
            &name,
            &check_with(
                &data,
                Settings {
                    moderation_unit: UnitMode::Example,
                    ..Settings::default()
                },
            ),
        );
    }
}

#[test]
fn quiet_on_the_benchmark_generators_output() {
    let mut data = Vec::new();
    // The benchmark's own generator and seed, 2 MB (about 2,000 examples, English and Japanese).
    let n = bench_data::generate(2_000_000, 42, &mut data).unwrap();
    assert!(n > 1000);
    assert_quiet("bench", &check(std::str::from_utf8(&data).unwrap()));
}
