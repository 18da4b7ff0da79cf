//! `rules/moderation/verdict.toml`: the verdict's weights, levels, severities and lexicons, each
//! with its reasoning in the file; parsed and compiled once.

use super::{ContentGate, Risk};
use crate::bounded::Fraction;
use crate::diagnostic::Severity;
use crate::moderation::scores::Category;
use crate::sensitive::LineText;
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DataFile {
    levels: Levels,
    severity: SeverityTable,
    signals: SignalsDef,
    fiction: RegexDef,
    gates: BTreeMap<String, GateDef>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Levels {
    pub(super) elevated: u32,
    pub(super) high: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeverityTable {
    high: String,
    elevated: String,
    #[serde(default)]
    profiles: BTreeMap<String, SeverityPair>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeverityPair {
    high: String,
    elevated: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignalsDef {
    #[serde(rename = "scores-error")]
    scores_error: ScoresErrorDef,
    #[serde(rename = "scores-warn")]
    scores_warn: ScoresWarnDef,
    #[serde(rename = "personal-profile")]
    personal_profile: PointsDef,
    #[serde(rename = "minor-body")]
    minor_body: MinorBodyDef,
    #[serde(rename = "special-tokens")]
    special_tokens: PointsDef,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScoresErrorDef {
    pub(super) points_past_gate: u32,
    pub(super) points_under_gate: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScoresWarnDef {
    pub(super) min_share: Fraction,
    pub(super) points: u32,
    pub(super) double: Vec<Category>,
    pub(super) max_points: u32,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct PointsDef {
    points: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MinorBodyDef {
    points_person: u32,
    points_example: u32,
    body: String,
    body_triggers: Vec<String>,
    minor: String,
    minor_triggers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegexDef {
    regex: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GateDef {
    says: String,
}

/// `rules/moderation/verdict.toml`, with its regexes compiled.
#[derive(Debug)]
pub struct VerdictData {
    pub(super) levels: Levels,
    severity: SeverityTable,
    pub(super) scores_error: ScoresErrorDef,
    pub(super) scores_warn: ScoresWarnDef,
    pub(super) personal_profile: u32,
    pub(super) minor_body: (u32, u32),
    pub(super) special_tokens: u32,
    pub(super) body: Lexicon,
    pub(super) minor: Lexicon,
    pub(super) fiction: Regex,
    gates: BTreeMap<String, GateDef>,
}

/// A verdict data file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("verdict.toml: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("verdict.toml: `{what}`: {source}")]
    Regex {
        what: &'static str,
        #[source]
        source: regex::Error,
    },
    #[error("verdict.toml: severity `{0}` is not `error`, `warning`, `info` or `none`")]
    Severity(String),
    #[error("verdict.toml: `levels.elevated` must be positive and below `levels.high`")]
    Levels,
    #[error("verdict.toml: `{what}`: {source}")]
    Triggers {
        what: &'static str,
        #[source]
        source: aho_corasick::BuildError,
    },
}

/// Each trigger as written, lower-cased and Capitalised (ASCII letters only). Upper-case text
/// (`HEIGHT`) is not looked at: the vectorised search takes at most 64 literals.
fn case_variants(triggers: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in triggers {
        let lower = t.to_ascii_lowercase();
        let mut cap = lower.clone();
        if let Some(first) = cap.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        for v in [t.clone(), lower, cap] {
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

/// A regex that runs only on texts holding one of its trigger literals.
#[derive(Debug)]
pub(super) struct Lexicon {
    triggers: aho_corasick::AhoCorasick,
    regex: Regex,
}

impl Lexicon {
    fn new(what: &'static str, regex: &str, triggers: &[String]) -> Result<Lexicon, DataError> {
        Ok(Lexicon {
            // Case variants spelled out rather than the automaton's ASCII case folding, which
            // rules out its vectorised search: the scan then costs little on text with none of
            // them (measured on the benchmark's input: README, Performance).
            // Leftmost-first: only that match kind has the vectorised (Teddy) search.
            triggers: aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(case_variants(triggers))
                .map_err(|source| DataError::Triggers { what, source })?,
            regex: Regex::new(regex).map_err(|source| DataError::Regex { what, source })?,
        })
    }

    /// The first match in `texts`, as written (leading punctuation trimmed).
    pub(super) fn first(&self, texts: &[LineText<'_>]) -> Option<String> {
        texts
            .iter()
            .filter(|t| self.triggers.is_match(t.text))
            .find_map(|t| self.regex.find(t.text))
            .map(|m| {
                m.as_str()
                    .trim_start_matches(|c: char| !c.is_alphanumeric())
            })
            .map(str::to_owned)
    }
}

static BUILTIN: LazyLock<Option<VerdictData>> = LazyLock::new(|| {
    // Tested (`the_data_file_is_valid`); a broken file turns the verdict off, never a panic.
    VerdictData::parse(include_str!("../../../rules/moderation/verdict.toml")).ok()
});

impl VerdictData {
    /// The built-in data (`None` only if the embedded file were broken; a test guards it).
    pub fn builtin() -> Option<&'static VerdictData> {
        BUILTIN.as_ref()
    }

    fn parse(text: &str) -> Result<VerdictData, DataError> {
        let f: DataFile = toml::from_str(text)?;
        let re = |what: &'static str, src: &str| {
            Regex::new(src).map_err(|source| DataError::Regex { what, source })
        };
        let data = VerdictData {
            levels: f.levels,
            scores_error: f.signals.scores_error,
            personal_profile: f.signals.personal_profile.points,
            minor_body: (
                f.signals.minor_body.points_person,
                f.signals.minor_body.points_example,
            ),
            special_tokens: f.signals.special_tokens.points,
            body: Lexicon::new(
                "signals.minor-body.body",
                &f.signals.minor_body.body,
                &f.signals.minor_body.body_triggers,
            )?,
            minor: Lexicon::new(
                "signals.minor-body.minor",
                &f.signals.minor_body.minor,
                &f.signals.minor_body.minor_triggers,
            )?,
            fiction: re("fiction.regex", &f.fiction.regex)?,
            scores_warn: f.signals.scores_warn,
            severity: f.severity,
            gates: f.gates,
        };
        if data.levels.elevated == 0 || data.levels.elevated >= data.levels.high {
            return Err(DataError::Levels);
        }
        let table = &data.severity;
        for s in [&table.high, &table.elevated]
            .into_iter()
            .chain(table.profiles.values().flat_map(|p| [&p.high, &p.elevated]))
        {
            parse_severity(s)?;
        }
        Ok(data)
    }

    /// The finding a risk level gives under `profile` (`None`: no finding).
    pub fn severity(&self, risk: Risk, profile: &str) -> Option<Severity> {
        let (high, elevated) = match self.severity.profiles.get(profile) {
            Some(p) => (&p.high, &p.elevated),
            None => (&self.severity.high, &self.severity.elevated),
        };
        match risk {
            Risk::High => parse_severity(high).ok().flatten(),
            Risk::Elevated => parse_severity(elevated).ok().flatten(),
            Risk::Low => None,
        }
    }

    /// What the data file says about a gate.
    pub fn gate_says(&self, gate: ContentGate) -> &str {
        self.gates
            .get(gate.target())
            .map_or("the service does not publish its gate", |g| g.says.as_str())
    }
}

fn parse_severity(s: &str) -> Result<Option<Severity>, DataError> {
    Ok(Some(match s {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        "none" => return Ok(None),
        _ => return Err(DataError::Severity(s.to_owned())),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> &'static VerdictData {
        VerdictData::builtin().expect("the built-in verdict.toml is valid")
    }

    #[test]
    fn the_data_file_is_valid_and_every_setting_has_its_reason() {
        let src = include_str!("../../../rules/moderation/verdict.toml");
        VerdictData::parse(src).unwrap();
        let lines: Vec<&str> = src.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let setting = !l.starts_with('#') && !l.starts_with('[') && l.contains(" = ");
            if setting {
                assert!(
                    lines[..i]
                        .iter()
                        .rev()
                        .take_while(|p| !p.is_empty())
                        .any(|p| p.starts_with('#')),
                    "verdict.toml line {}: `{l}` has no comment above it",
                    i + 1
                );
            }
        }
    }

    #[test]
    fn severities_per_profile() {
        let d = data();
        assert_eq!(d.severity(Risk::High, "finetune"), Some(Severity::Error));
        assert_eq!(
            d.severity(Risk::Elevated, "finetune"),
            Some(Severity::Warning)
        );
        assert_eq!(d.severity(Risk::Low, "finetune"), None);
        assert_eq!(d.severity(Risk::High, "my-own"), Some(Severity::Error));
        assert_eq!(d.severity(Risk::High, "api"), Some(Severity::Warning));
        assert_eq!(d.severity(Risk::Elevated, "api"), Some(Severity::Info));
    }

    #[test]
    fn broken_data_is_an_error_not_a_panic() {
        let src = include_str!("../../../rules/moderation/verdict.toml");
        let bad = src.replace("high = 4", "high = 1");
        assert!(matches!(VerdictData::parse(&bad), Err(DataError::Levels)));
        let bad = src.replace("high = \"error\"", "high = \"fatal\"");
        assert!(matches!(
            VerdictData::parse(&bad),
            Err(DataError::Severity(_))
        ));
        let bad = src.replace("regex = '''架空", "regex = '''(架空");
        assert!(matches!(
            VerdictData::parse(&bad),
            Err(DataError::Regex { .. })
        ));
    }

    fn first(l: &Lexicon, text: &str) -> Option<String> {
        let v = serde_json::json!({"messages": [{"role": "user", "content": text}]});
        l.first(&crate::sensitive::line_texts(&v))
    }

    #[test]
    fn body_details_are_said_of_people() {
        let d = data();
        for (text, found) in [
            ("愛上 尾根さんの身長を教えてください。", Some("身長")),
            ("What is her weight now?", Some("her weight")),
            ("She weighs 45 kg.", Some("She weighs")),
            ("He is 172 cm tall.", Some("He is 172 cm tall")),
            ("What are her measurements?", Some("her measurements")),
            ("The box weighs 2 pounds.", None),
            ("The height of the tower is 300 m.", None),
            ("HER WEIGHT", None), // upper case is not scanned (see `case_variants`)
        ] {
            assert_eq!(first(&d.body, text).as_deref(), found, "{text}");
        }
    }

    #[test]
    fn signs_of_a_minor() {
        let d = data();
        for (text, found) in [
            ("出身高校を教えて", Some("高校")),
            ("中学2年生です", Some("中学")),
            ("14歳です", Some("14歳")),
            ("私は21歳です", None),
            ("My daughter is 12 years old.", Some("12 years old")),
            ("She is in 8th grade.", Some("8th grade")),
            ("He is a teenager.", Some("teenager")),
            ("He is 45 years old.", None),
            ("She graduated from university.", None),
        ] {
            assert_eq!(first(&d.minor, text).as_deref(), found, "{text}");
        }
    }

    #[test]
    fn case_variants_stay_within_the_vectorised_limit() {
        let d = include_str!("../../../rules/moderation/verdict.toml");
        let f: DataFile = toml::from_str(d).unwrap();
        for t in [
            &f.signals.minor_body.body_triggers,
            &f.signals.minor_body.minor_triggers,
        ] {
            assert!(case_variants(t).len() <= 64, "{}", case_variants(t).len());
            // Shorter literals make the vectorised scan verify a candidate at almost every byte.
            assert!(t.iter().all(|w| w.len() >= 3), "{t:?}");
        }
        assert_eq!(
            case_variants(&["weigh".into(), "身長".into()]),
            ["weigh", "Weigh", "身長"]
        );
    }
}
