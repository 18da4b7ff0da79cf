//! Score families: what a category score means, which values are valid, and how it prints.
//!
//! OpenAI's moderation endpoint gives each category a **probability** in [0, 1]; Azure AI
//! Content Safety gives a **severity**, an integer 0–7 (`EightSeverityLevels`) or one of 0, 2,
//! 4, 6 (`FourSeverityLevels`). Both are stored as `f64` in [`super::Score`] and judged by the
//! same profile code — a threshold is reached when `score >= threshold` in either family — so
//! the family decides only which values are valid, how they print, and which profiles may judge
//! them (a profile states its scale; `provider.rs` refuses a profile of the other family).

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;
use std::fmt;

/// The family of a score or of a profile's thresholds.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Scale {
    /// A probability in [0, 1] (OpenAI).
    #[default]
    Probability,
    /// An integer severity 0–7 (Azure AI Content Safety).
    Severity,
}

/// The highest severity Azure AI Content Safety reports (`EightSeverityLevels`: 0–7).
pub const MAX_SEVERITY: f64 = 7.0;

impl Scale {
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Probability => "probability",
            Scale::Severity => "severity",
        }
    }

    /// Whether `v` is a valid score (or threshold) of this family.
    pub fn is_valid(self, v: f64) -> bool {
        match self {
            Scale::Probability => (0.0..=1.0).contains(&v),
            Scale::Severity => (0.0..=MAX_SEVERITY).contains(&v) && v.fract() == 0.0,
        }
    }

    /// What a valid value is, for messages: `a probability between 0 and 1`.
    pub fn expected(self) -> &'static str {
        match self {
            Scale::Probability => "a probability between 0 and 1",
            Scale::Severity => "an integer severity between 0 and 7",
        }
    }

    /// A value as messages print it, in backticks: `` `0.0687` ``, or `` `4` (medium) ``.
    pub fn fmt_value(self, v: f64) -> String {
        match self {
            Scale::Probability => format!("`{}`", super::fmt_score(v)),
            Scale::Severity => format!("`{}` ({})", v as u8, severity_label(v)),
        }
    }

    /// What the value is called in messages: `score` or `severity`.
    pub fn noun(self) -> &'static str {
        match self {
            Scale::Probability => "score",
            Scale::Severity => "severity",
        }
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Azure's name for a severity: 0–1 safe, 2–3 low, 4–5 medium, 6–7 high (the eight levels map
/// onto the four two by two: harm-categories.md, "Severity levels").
pub fn severity_label(v: f64) -> &'static str {
    match v {
        v if v < 2.0 => "safe",
        v if v < 4.0 => "low",
        v if v < 6.0 => "medium",
        _ => "high",
    }
}

/// A threshold as a profile writes it: a probability (a number in 0..=1) or a severity (an
/// integer in 0..=7). Which of the two it must be is the profile's scale, checked when the
/// profile is built (`Profile::validate`); anything that is neither is refused as it is read,
/// at its line and column.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Threshold(f64);

impl Threshold {
    /// `v`, or the message saying what a threshold may be.
    pub fn new(v: f64) -> Result<Self, String> {
        if Scale::Probability.is_valid(v) || Scale::Severity.is_valid(v) {
            Ok(Threshold(v))
        } else {
            Err(format!(
                "{v} is neither a probability (0..=1) nor a severity (an integer in 0..=7)"
            ))
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // f64 also accepts TOML integers (`warn = 4`).
        Threshold::new(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Threshold {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Threshold".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {"type": "integer", "minimum": 0, "maximum": 7}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_check_their_values() {
        for v in [0.0, 0.5, 1.0] {
            assert!(Scale::Probability.is_valid(v), "{v}");
        }
        for v in [-0.1, 1.01, 4.0, f64::NAN] {
            assert!(!Scale::Probability.is_valid(v), "{v}");
        }
        for v in [0.0, 1.0, 4.0, 7.0] {
            assert!(Scale::Severity.is_valid(v), "{v}");
        }
        for v in [-1.0, 0.5, 3.5, 8.0, f64::NAN, f64::INFINITY] {
            assert!(!Scale::Severity.is_valid(v), "{v}");
        }
    }

    #[test]
    fn values_print_in_their_family() {
        assert_eq!(Scale::Probability.fmt_value(0.0686868802), "`0.0687`");
        assert_eq!(Scale::Severity.fmt_value(4.0), "`4` (medium)");
        let labels: Vec<&str> = (0..=7).map(|s| severity_label(s as f64)).collect();
        assert_eq!(
            labels,
            ["safe", "safe", "low", "low", "medium", "medium", "high", "high"]
        );
    }

    #[test]
    fn thresholds_are_probabilities_or_severities() {
        assert_eq!(Threshold::new(0.05).unwrap().get(), 0.05);
        assert_eq!(Threshold::new(4.0).unwrap().get(), 4.0);
        assert_eq!(
            Threshold::new(1.5).unwrap_err(),
            "1.5 is neither a probability (0..=1) nor a severity (an integer in 0..=7)"
        );
        assert!(Threshold::new(8.0).is_err());
        assert!(Threshold::new(-0.5).is_err());
        let t: Threshold = toml::Value::Integer(4).try_into().unwrap();
        assert_eq!(t.get(), 4.0);
    }
}
