//! Moderation profiles: per-category `warn`/`error` thresholds and the file-level gate.
//!
//! Built-in profiles are TOML files under `rules/moderation/`, embedded in the binary; each
//! threshold's reasoning is written beside it there. Users add profiles (`[profiles.NAME]`, a
//! [`ProfileDef`]) or override thresholds (`[thresholds]`, a [`ThresholdOverrides`]) in their
//! config; their written shapes are in `profile_def.rs`.

use super::profile_def::ThresholdsDef;
pub use super::profile_def::{ProfileDef, ThresholdOverrides};
use super::scale::{Scale, Threshold};
use super::scores::{Category, Score};
use crate::bounded::Fraction;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// How serious a threshold hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Warn,
    Error,
}

/// The two thresholds of one category. Either may be absent; `warn` is not above `error`.
/// Each is a probability or a severity, as the profile's scale says.
// Both given: checked as the table is read (`try_from`), so the error points at the table.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize, JsonSchema)]
#[serde(try_from = "ThresholdsDef")]
pub struct Thresholds {
    pub warn: Option<Threshold>,
    pub error: Option<Threshold>,
}

/// The file-level "too many flagged examples" gate. The file fails when either limit is passed.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// More flagged examples than this and the file fails (M003)
    pub max_flagged_examples: Option<u64>,
    /// A larger fraction of flagged examples than this and the file fails (M003)
    pub max_flagged_fraction: Option<Fraction>,
}

/// One finding of [`Profile::evaluate`] for one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub category: Category,
    pub score: f64,
    /// The threshold reached; `None` for a `flagged_only` hit (no threshold was involved).
    pub threshold: Option<f64>,
    pub level: Level,
    /// `true` when the hit comes from the source's own verdict (`flagged` with this category
    /// marked `true`), i.e. rule M001; `false` for a threshold hit (rule M002).
    pub flagged_only: bool,
    /// The family of `score` and `threshold` (the profile's).
    pub scale: Scale,
}

/// Which gate limit a file passed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GateLimit {
    Examples(u64),
    Fraction(f64),
}

/// The gate's verdict on a file that has too many flagged examples.
#[derive(Debug, Clone, PartialEq)]
pub struct GateVerdict {
    pub flagged_examples: u64,
    pub total_examples: u64,
    pub limit: GateLimit,
    pub profile: String,
}

/// A moderation profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    pub description: String,
    /// What the thresholds are: probabilities (OpenAI) or severities (Azure AI Content Safety).
    pub scale: Scale,
    /// Whether the source's `flagged` verdict is an error (M001).
    pub use_flagged: bool,
    pub gate: Gate,
    pub categories: BTreeMap<Category, Thresholds>,
}

const BUILTIN_SOURCES: &[(&str, &str)] = &[
    (
        "finetune",
        include_str!("../../rules/moderation/finetune.toml"),
    ),
    ("api", include_str!("../../rules/moderation/api.toml")),
    (
        "azure-finetune",
        include_str!("../../rules/moderation/azure-finetune.toml"),
    ),
];

static BUILTINS: LazyLock<Vec<Profile>> = LazyLock::new(|| {
    BUILTIN_SOURCES
        .iter()
        .filter_map(|(name, src)| {
            // The files are tested (`builtins_parse`); a broken one is left out, never a panic.
            let def: ProfileDef = toml::from_str(src).ok()?;
            Profile::from_def(name, def).ok()
        })
        .collect()
});

/// The name of the default profile.
pub const DEFAULT_PROFILE: &str = "finetune";

impl Profile {
    /// A built-in profile by name (`finetune`, `api`, `azure-finetune`).
    pub fn builtin(name: &str) -> Option<Profile> {
        BUILTINS.iter().find(|p| p.name == name).cloned()
    }

    /// The profile named `name`: one of `user` (from the config, which may shadow a built-in),
    /// else a built-in. The error lists the names that exist.
    pub fn find(name: &str, user: &[Profile]) -> Result<Profile, ProfileError> {
        if let Some(p) = user.iter().find(|p| p.name == name) {
            return Ok(p.clone());
        }
        Profile::builtin(name).ok_or_else(|| {
            let mut names: Vec<String> = Profile::builtin_names()
                .into_iter()
                .map(String::from)
                .collect();
            names.extend(user.iter().map(|p| p.name.clone()));
            names.sort();
            names.dedup();
            ProfileError::UnknownProfile {
                name: name.to_string(),
                known: names,
            }
        })
    }

    /// Names of the built-in profiles.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN_SOURCES.iter().map(|(n, _)| *n).collect()
    }

    /// Builds a profile from its written shape. `name` is used unless the definition names
    /// itself.
    pub fn from_def(name: &str, def: ProfileDef) -> Result<Profile, ProfileError> {
        let p = Profile {
            name: def.name.unwrap_or_else(|| name.to_string()),
            description: def.description,
            scale: def.scale,
            use_flagged: def.use_flagged,
            gate: def.gate,
            categories: def.categories,
        };
        p.validate()?;
        Ok(p)
    }

    /// Applies `[thresholds]` overrides: a threshold or gate limit given replaces the
    /// profile's, one not given keeps it.
    pub fn with_overrides(mut self, o: &ThresholdOverrides) -> Result<Profile, ProfileError> {
        if o.gate.max_flagged_examples.is_some() {
            self.gate.max_flagged_examples = o.gate.max_flagged_examples;
        }
        if o.gate.max_flagged_fraction.is_some() {
            self.gate.max_flagged_fraction = o.gate.max_flagged_fraction;
        }
        for (&cat, t) in &o.categories {
            let entry = self.categories.entry(cat).or_default();
            if t.warn.is_some() {
                entry.warn = t.warn;
            }
            if t.error.is_some() {
                entry.error = t.error;
            }
        }
        self.validate()?;
        Ok(self)
    }

    /// What the types cannot check alone: each threshold against the profile's scale (a
    /// probability, or an integer severity 0–7; the type admits both), and an override's `warn`
    /// against the profile's `error` (a table that gives both is checked as it is read).
    fn validate(&self) -> Result<(), ProfileError> {
        for (cat, t) in &self.categories {
            for (which, v) in [("warn", t.warn), ("error", t.error)] {
                if let Some(v) = v.map(Threshold::get) {
                    if !self.scale.is_valid(v) {
                        return Err(ProfileError::OffScale {
                            profile: self.name.clone(),
                            category: *cat,
                            which,
                            value: v,
                            scale: self.scale,
                        });
                    }
                }
            }
            if let (Some(w), Some(e)) = (t.warn, t.error) {
                if w > e {
                    return Err(ProfileError::WarnAboveError {
                        profile: self.name.clone(),
                        category: *cat,
                        warn: w.get(),
                        error: e.get(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Every finding this profile makes about one text's score: one `flagged_only` hit per
    /// category the source marked (when the profile trusts `flagged`), then one threshold hit
    /// per category at or over its warn or error threshold (the higher level only). A category
    /// the source already flagged is not repeated as a threshold hit. Ordered by level (errors
    /// first), then score descending.
    pub fn evaluate(&self, score: &Score) -> Vec<Hit> {
        let mut hits = Vec::new();
        if self.use_flagged && score.flagged {
            for &cat in &score.categories {
                hits.push(Hit {
                    category: cat,
                    score: score.get(cat).unwrap_or(0.0),
                    threshold: None,
                    level: Level::Error,
                    flagged_only: true,
                    scale: self.scale,
                });
            }
        }
        for (&cat, t) in &self.categories {
            if hits.iter().any(|h| h.category == cat) {
                continue;
            }
            let Some(s) = score.get(cat) else { continue };
            let level = match (t.error.map(Threshold::get), t.warn.map(Threshold::get)) {
                (Some(e), _) if s >= e => Some((Level::Error, e)),
                (_, Some(w)) if s >= w => Some((Level::Warn, w)),
                _ => None,
            };
            if let Some((level, threshold)) = level {
                hits.push(Hit {
                    category: cat,
                    score: s,
                    threshold: Some(threshold),
                    level,
                    flagged_only: false,
                    scale: self.scale,
                });
            }
        }
        hits.sort_by(|a, b| {
            b.level
                .cmp(&a.level)
                .then(b.score.total_cmp(&a.score))
                .then(a.category.cmp(&b.category))
        });
        hits
    }

    /// Whether a score makes its example count toward the gate: flagged (when trusted) or
    /// an error-level threshold hit.
    pub fn counts_as_flagged(&self, score: &Score) -> bool {
        (self.use_flagged && score.flagged)
            || self.evaluate(score).iter().any(|h| h.level == Level::Error)
    }

    /// How risky a score is under this profile, for ranking examples: the highest
    /// score/threshold ratio over categories with a warn (else error) threshold, 1.0+ for a
    /// flagged score; raw scores when the profile has no thresholds.
    pub fn risk(&self, score: &Score) -> (f64, Option<(Category, f64)>) {
        let mut best: (f64, Option<(Category, f64)>) = (0.0, None);
        for (&cat, &s) in &score.category_scores {
            let base = self
                .categories
                .get(&cat)
                .and_then(|t| t.warn.or(t.error))
                .map(Threshold::get)
                .filter(|b| *b > 0.0);
            let mut r = match base {
                Some(b) => s / b,
                None if self.categories.is_empty() => s,
                None => continue,
            };
            if self.use_flagged && score.flagged && score.categories.contains(&cat) {
                r = r.max(1.0) + 1000.0;
            }
            if best.1.is_none() || r > best.0 {
                best = (r, Some((cat, s)));
            }
        }
        best
    }

    /// The file gate: `Some` when `flagged_examples` passes either limit.
    pub fn gate(&self, flagged_examples: u64, total_examples: u64) -> Option<GateVerdict> {
        let verdict = |limit| GateVerdict {
            flagged_examples,
            total_examples,
            limit,
            profile: self.name.clone(),
        };
        if let Some(max) = self.gate.max_flagged_examples {
            if flagged_examples > max {
                return Some(verdict(GateLimit::Examples(max)));
            }
        }
        if let Some(max) = self.gate.max_flagged_fraction.map(Fraction::get) {
            if total_examples > 0 && flagged_examples as f64 / total_examples as f64 > max {
                return Some(verdict(GateLimit::Fraction(max)));
            }
        }
        None
    }
}

/// A profile that cannot be used (its written shape is checked as it is read: `profile_def.rs`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProfileError {
    /// `known`: every profile name there is, sorted.
    #[error("unknown moderation profile `{name}`; expected one of {}", quoted(.known))]
    UnknownProfile { name: String, known: Vec<String> },
    #[error("profile `{profile}`: `{category}` warn {warn} is above error {error}")]
    WarnAboveError {
        profile: String,
        category: Category,
        warn: f64,
        error: f64,
    },
    /// A threshold of the other family: a severity in a probability profile or the reverse.
    #[error(
        "profile `{profile}` has `{scale}` thresholds: `{category}` {which} {value} is not {}",
        .scale.expected()
    )]
    OffScale {
        profile: String,
        category: Category,
        which: &'static str,
        value: f64,
        scale: Scale,
    },
}

/// `a`, `b`: names as an error message lists them.
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::scores::ModerationResponse;

    fn recorded() -> Score {
        ModerationResponse::parse(include_str!(
            "../../fixtures/profile-dataset/moderation-response.json"
        ))
        .unwrap()
        .results[0]
            .clone()
    }

    #[test]
    fn builtins_parse() {
        for name in Profile::builtin_names() {
            let src = BUILTIN_SOURCES.iter().find(|(n, _)| *n == name).unwrap().1;
            let p = Profile::from_def(name, toml::from_str(src).unwrap()).unwrap();
            assert_eq!(p.name, name);
            assert_eq!(Profile::builtin(name), Some(p));
        }
        assert!(Profile::builtin("nope").is_none());
    }

    #[test]
    fn every_threshold_has_its_reasoning_above_it() {
        for (name, src) in BUILTIN_SOURCES {
            let lines: Vec<&str> = src.lines().collect();
            for (i, l) in lines.iter().enumerate() {
                let setting = ["warn", "error", "max_flagged", "use_flagged", "scale"]
                    .iter()
                    .any(|k| l.starts_with(k));
                if setting {
                    assert!(
                        i > 0 && lines[i - 1].starts_with('#'),
                        "{name}.toml line {}: `{l}` has no comment above it",
                        i + 1
                    );
                }
            }
        }
    }

    #[test]
    fn finetune_covers_every_category() {
        let p = Profile::builtin("finetune").unwrap();
        for c in Category::ALL {
            let t = p.categories[&c];
            assert!(t.warn.is_some() && t.error.is_some(), "{c}");
        }
    }

    #[test]
    fn finetune_explains_the_recorded_scores() {
        let p = Profile::builtin("finetune").unwrap();
        let hits = p.evaluate(&recorded());
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].category, Category::Sexual);
        assert_eq!(hits[0].threshold, Some(0.05));
        assert_eq!(hits[0].level, Level::Warn);
        assert_eq!(hits[1].category, Category::SexualMinors);
        assert_eq!(hits[1].threshold, Some(0.01));
        assert!(hits.iter().all(|h| !h.flagged_only));
        assert!(!p.counts_as_flagged(&recorded()));
    }

    #[test]
    fn api_is_silent_on_the_recorded_scores() {
        let p = Profile::builtin("api").unwrap();
        assert!(p.evaluate(&recorded()).is_empty());
    }

    #[test]
    fn flagged_categories_are_error_hits_not_repeated() {
        let mut s = recorded();
        s.flagged = true;
        s.categories = vec![Category::Sexual];
        s.category_scores.insert(Category::Sexual, 0.9);
        let p = Profile::builtin("finetune").unwrap();
        let hits = p.evaluate(&s);
        assert_eq!(hits[0].category, Category::Sexual);
        assert!(hits[0].flagged_only);
        assert_eq!(
            hits.iter()
                .filter(|h| h.category == Category::Sexual)
                .count(),
            1
        );
        assert!(p.counts_as_flagged(&s));
        let api = Profile::builtin("api").unwrap();
        assert_eq!(api.evaluate(&s).len(), 1);
    }

    #[test]
    fn overrides_change_thresholds_and_gate() {
        let table: ThresholdOverrides = toml::from_str(
            "sexual = { warn = 0.1 }\nself_harm = { error = 0.2 }\nmax_flagged_examples = 3",
        )
        .unwrap();
        let p = Profile::builtin("finetune")
            .unwrap()
            .with_overrides(&table)
            .unwrap();
        let get = |c: Category, f: fn(&Thresholds) -> Option<Threshold>| {
            f(&p.categories[&c]).map(Threshold::get)
        };
        assert_eq!(get(Category::Sexual, |t| t.warn), Some(0.1));
        assert_eq!(get(Category::Sexual, |t| t.error), Some(0.30));
        assert_eq!(get(Category::SelfHarm, |t| t.error), Some(0.2));
        assert_eq!(p.gate.max_flagged_examples, Some(3));
        // 0.0687 no longer reaches sexual's warn.
        assert_eq!(p.evaluate(&recorded()).len(), 1);

        // Each bad override is refused where it is read, at its key or value.
        for (bad, message) in [
            (
                "nonsense = { warn = 0.1 }",
                "unknown category `nonsense`; expected one of harassment, harassment/threatening, hate, hate/threatening, illicit, illicit/violent, self-harm, self-harm/instructions, self-harm/intent, sexual, sexual/minors, violence, violence/graphic",
            ),
            (
                "sexual = { warn = 1.5 }",
                "1.5 is neither a probability (0..=1) nor a severity (an integer in 0..=7)",
            ),
            (
                "sexual = { warn = 0.5, error = 0.4 }",
                "warn 0.5 is above error 0.4",
            ),
            (
                "sexual = { typo = 0.5 }",
                "unknown field `typo`, expected `warn` or `error`",
            ),
            (
                "max_flagged_examples = -1",
                "invalid value: integer `-1`, expected u64",
            ),
        ] {
            let e = toml::from_str::<ThresholdOverrides>(bad).unwrap_err();
            assert_eq!(e.message(), message, "{bad}");
        }
        // An override's warn above the profile's own error is refused when they meet.
        let t: ThresholdOverrides = toml::from_str("sexual = { warn = 0.5 }").unwrap();
        let e = Profile::builtin("finetune")
            .unwrap()
            .with_overrides(&t)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "profile `finetune`: `sexual` warn 0.5 is above error 0.3"
        );
        // A severity where a probability belongs reads, and is refused by the profile.
        let t: ThresholdOverrides = toml::from_str("sexual = { warn = 2 }").unwrap();
        let e = Profile::builtin("finetune")
            .unwrap()
            .with_overrides(&t)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "profile `finetune` has `probability` thresholds: `sexual` warn 2 is not a probability between 0 and 1"
        );
        // …and the reverse: a fraction in a severity profile.
        let t: ThresholdOverrides = toml::from_str("sexual = { warn = 0.5 }").unwrap();
        let e = Profile::builtin("azure-finetune")
            .unwrap()
            .with_overrides(&t)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "profile `azure-finetune` has `severity` thresholds: `sexual` warn 0.5 is not an integer severity between 0 and 7"
        );
        let t: ThresholdOverrides = toml::from_str("sexual = { warn = 3 }").unwrap();
        let p = Profile::builtin("azure-finetune")
            .unwrap()
            .with_overrides(&t)
            .unwrap();
        assert_eq!(
            p.categories[&Category::Sexual].warn.map(Threshold::get),
            Some(3.0)
        );
    }

    /// `azure-finetune`: severities for Azure's four harm categories; warn at low, error at
    /// medium (the level Azure's default content filter blocks), violence's warn at the top
    /// of low; no `flagged` (the service gives none); any error-level example fails the file.
    #[test]
    fn azure_finetune_judges_severities() {
        let p = Profile::builtin("azure-finetune").unwrap();
        assert_eq!(p.scale, Scale::Severity);
        assert!(!p.use_flagged);
        assert_eq!(p.gate.max_flagged_examples, Some(0));
        let levels: Vec<(Category, Option<f64>, Option<f64>)> = p
            .categories
            .iter()
            .map(|(c, t)| (*c, t.warn.map(Threshold::get), t.error.map(Threshold::get)))
            .collect();
        assert_eq!(
            levels,
            [
                (Category::Hate, Some(2.0), Some(4.0)),
                (Category::SelfHarm, Some(2.0), Some(4.0)),
                (Category::Sexual, Some(2.0), Some(4.0)),
                (Category::Violence, Some(3.0), Some(4.0)),
            ]
        );
        let azure = |sexual: f64, violence: f64| Score {
            model: "azure-content-safety-2024-09-01-EightSeverityLevels".into(),
            provider: crate::moderation::Provider::AzureContentSafety,
            flagged: false,
            categories: vec![],
            category_scores: [
                (Category::Hate, 0.0),
                (Category::SelfHarm, 1.0),
                (Category::Sexual, sexual),
                (Category::Violence, violence),
            ]
            .into(),
        };
        assert!(p.evaluate(&azure(1.0, 2.0)).is_empty());
        let hits = p.evaluate(&azure(4.0, 3.0));
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(
            (
                hits[0].category,
                hits[0].level,
                hits[0].threshold,
                hits[0].scale
            ),
            (Category::Sexual, Level::Error, Some(4.0), Scale::Severity)
        );
        assert_eq!(
            (hits[1].category, hits[1].level, hits[1].threshold),
            (Category::Violence, Level::Warn, Some(3.0))
        );
        assert!(p.counts_as_flagged(&azure(4.0, 0.0)));
        assert!(!p.counts_as_flagged(&azure(3.0, 3.0)));
        // Ranked by severity over the warn level: sexual 3/2 beats violence 3/3.
        assert_eq!(p.risk(&azure(3.0, 3.0)).1, Some((Category::Sexual, 3.0)));
    }

    #[test]
    fn user_profile_from_def() {
        let t: ProfileDef = toml::from_str("description = \"mine\"\n[gate]\nmax_flagged_examples = 2\n[categories.violence]\nwarn = 0.2\nerror = 0.6")
            .unwrap();
        let p = Profile::from_def("strict", t).unwrap();
        assert_eq!(p.name, "strict");
        assert!(p.use_flagged);
        assert!(p.gate(2, 10).is_none());
        assert_eq!(p.gate(3, 10).unwrap().limit, GateLimit::Examples(2));
        assert!(toml::from_str::<ProfileDef>("colour = 1").is_err());
    }

    #[test]
    fn find_prefers_user_profiles() {
        let t: ProfileDef = toml::from_str("description = \"mine\"").unwrap();
        let mine = Profile::from_def("api", t).unwrap();
        assert_eq!(
            Profile::find("api", std::slice::from_ref(&mine)).unwrap(),
            mine
        );
        assert_eq!(
            Profile::find("finetune", &[]).unwrap().name,
            DEFAULT_PROFILE
        );
        let e = Profile::find("nope", &[mine]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown moderation profile `nope`; expected one of `api`, `azure-finetune`, `finetune`"
        );
    }

    #[test]
    fn gate_limits() {
        let f = Profile::builtin("finetune").unwrap();
        assert!(f.gate(0, 100).is_none());
        assert_eq!(f.gate(1, 1000).unwrap().limit, GateLimit::Examples(0));
        let a = Profile::builtin("api").unwrap();
        assert!(a.gate(1, 100).is_none());
        assert_eq!(a.gate(2, 100).unwrap().limit, GateLimit::Fraction(0.01));
        assert!(a.gate(0, 0).is_none());
    }

    #[test]
    fn risk_ranks_by_ratio_to_warn() {
        let p = Profile::builtin("finetune").unwrap();
        let (r, top) = p.risk(&recorded());
        // sexual/minors 0.0162/0.01 = 1.62 beats sexual 0.0687/0.05 = 1.37.
        assert_eq!(top.unwrap().0, Category::SexualMinors);
        assert!((r - 1.6186).abs() < 1e-3);
    }
}
