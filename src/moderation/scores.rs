//! The moderation score model: OpenAI's `flagged` / `categories` / `category_scores` shape,
//! normalised to one set of slash-form category names, always tagged with the scoring model.
//!
//! text-moderation-007 answers with 18 keys (11 slash keys plus 7 underscore aliases such as
//! `self_harm_intent`); omni-moderation answers with 13 (adds `illicit` and `illicit/violent`,
//! which may be `null` or missing). Unknown keys are ignored so a future model does not break
//! old binaries.
//!
//! A score also carries its provider: OpenAI's are probabilities, Azure AI Content Safety's are
//! severities 0–7 (`azure.rs`) in the categories `hate`, `sexual`, `violence`, `self-harm`. The
//! provider decides which values are valid (`scale.rs`) and keeps the two apart everywhere.

use super::provider::Provider;
use super::scale::Scale;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;

/// A moderation category, in the API's slash form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Harassment,
    HarassmentThreatening,
    Hate,
    HateThreatening,
    Illicit,
    IllicitViolent,
    SelfHarm,
    SelfHarmInstructions,
    SelfHarmIntent,
    Sexual,
    SexualMinors,
    Violence,
    ViolenceGraphic,
}

impl Category {
    /// Every category, in a stable order.
    pub const ALL: [Category; 13] = [
        Category::Harassment,
        Category::HarassmentThreatening,
        Category::Hate,
        Category::HateThreatening,
        Category::Illicit,
        Category::IllicitViolent,
        Category::SelfHarm,
        Category::SelfHarmInstructions,
        Category::SelfHarmIntent,
        Category::Sexual,
        Category::SexualMinors,
        Category::Violence,
        Category::ViolenceGraphic,
    ];

    /// The canonical (slash) name, e.g. `sexual/minors`.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Harassment => "harassment",
            Category::HarassmentThreatening => "harassment/threatening",
            Category::Hate => "hate",
            Category::HateThreatening => "hate/threatening",
            Category::Illicit => "illicit",
            Category::IllicitViolent => "illicit/violent",
            Category::SelfHarm => "self-harm",
            Category::SelfHarmInstructions => "self-harm/instructions",
            Category::SelfHarmIntent => "self-harm/intent",
            Category::Sexual => "sexual",
            Category::SexualMinors => "sexual/minors",
            Category::Violence => "violence",
            Category::ViolenceGraphic => "violence/graphic",
        }
    }

    /// Parses a slash key or one of its underscore aliases (`self_harm_intent`,
    /// `sexual_minors`, …). Returns the category and whether the key was the canonical form.
    pub fn parse(key: &str) -> Option<(Category, bool)> {
        if let Some(c) = Category::ALL.iter().find(|c| c.as_str() == key) {
            return Some((*c, true));
        }
        let c = match key {
            "harassment_threatening" => Category::HarassmentThreatening,
            "hate_threatening" => Category::HateThreatening,
            "illicit_violent" => Category::IllicitViolent,
            "self_harm" => Category::SelfHarm,
            "self_harm_instructions" => Category::SelfHarmInstructions,
            "self_harm_intent" => Category::SelfHarmIntent,
            "sexual_minors" => Category::SexualMinors,
            "violence_graphic" => Category::ViolenceGraphic,
            _ => return None,
        };
        Some((c, false))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Category {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Category::parse(&s)
            .map(|(c, _)| c)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown category `{s}`")))
    }
}

/// One text's moderation result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The model that produced the score, as the response named it (e.g. `text-moderation-007`).
    pub model: String,
    /// The service that scored the text (absent in a record: `openai`).
    #[serde(default, skip_serializing_if = "Provider::is_openai")]
    pub provider: Provider,
    /// The source's own verdict.
    pub flagged: bool,
    /// Categories the source marked `true` (absent or `false` ones are not stored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Category>,
    /// Category probabilities; categories the model does not score (null or missing) are absent.
    pub category_scores: BTreeMap<Category, f64>,
}

impl Score {
    /// The score of `category`, if the model gave one.
    pub fn get(&self, category: Category) -> Option<f64> {
        self.category_scores.get(&category).copied()
    }

    /// The highest-scoring category.
    pub fn max_category(&self) -> Option<(Category, f64)> {
        self.category_scores
            .iter()
            .map(|(c, s)| (*c, *s))
            .fold(None, |best, (c, s)| match best {
                Some((_, b)) if b >= s => best,
                _ => Some((c, s)),
            })
    }

    /// The family of this score's values.
    pub fn scale(&self) -> Scale {
        self.provider.scale()
    }

    /// Builds a score from one element of a response's `results` array.
    pub fn from_result(model: &str, result: &Value) -> Result<Score, ScoreError> {
        Self::from_result_of(Provider::OpenAi, model, result)
    }

    /// [`Score::from_result`] for a score of `provider`: its values must be of the provider's
    /// family (a probability in [0, 1], or an integer severity 0–7).
    pub fn from_result_of(
        provider: Provider,
        model: &str,
        result: &Value,
    ) -> Result<Score, ScoreError> {
        let obj = result.as_object().ok_or(ScoreError::ResultNotObject)?;
        let flagged = match obj.get("flagged") {
            Some(Value::Bool(b)) => *b,
            Some(Value::Null) | None => false,
            Some(_) => return Err(ScoreError::Flagged),
        };
        let scores_obj = match obj.get("category_scores") {
            Some(Value::Object(m)) => m,
            _ => return Err(ScoreError::CategoryScores),
        };
        let category_scores = normalise(scores_obj, |v| match v {
            Value::Number(n) => n.as_f64().filter(|f| f.is_finite()).map(Some).ok_or(()),
            Value::Null => Ok(None),
            _ => Err(()),
        })
        .map_err(|key| ScoreError::CategoryScore { key })?;
        // A probability outside [0, 1] (a severity that is not an integer 0–7) is a broken or
        // hostile answer: using it (and caching it for good) would decide findings on nonsense.
        let scale = provider.scale();
        if let Some((&category, &value)) =
            category_scores.iter().find(|(_, v)| !scale.is_valid(**v))
        {
            return Err(ScoreError::CategoryScoreRange {
                category,
                value,
                scale,
            });
        }
        let categories = match obj.get("categories") {
            Some(Value::Object(m)) => normalise(m, |v| match v {
                Value::Bool(b) => Ok(Some(*b)),
                Value::Null => Ok(None),
                _ => Err(()),
            })
            .map_err(|key| ScoreError::CategoryFlag { key })?
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(c, _)| c)
            .collect(),
            Some(Value::Null) | None => Vec::new(),
            Some(_) => return Err(ScoreError::Categories),
        };
        Ok(Score {
            model: model.to_string(),
            provider,
            flagged,
            categories,
            category_scores,
        })
    }
}

/// Folds slash keys and underscore aliases into one map; the slash key wins when both are
/// present (they carry the same value in every response seen, but the slash form is canonical).
/// The error is the key whose value `read` refused; the caller says what it should have been.
fn normalise<T>(
    map: &Map<String, Value>,
    read: impl Fn(&Value) -> Result<Option<T>, ()>,
) -> Result<BTreeMap<Category, T>, String> {
    let mut out = BTreeMap::new();
    let mut canonical = Vec::new();
    for (key, value) in map {
        let Some((cat, is_canonical)) = Category::parse(key) else {
            continue; // unknown keys: a newer model; ignore
        };
        let Some(v) = read(value).map_err(|_| key.clone())? else {
            continue;
        };
        if is_canonical {
            canonical.push(cat);
            out.insert(cat, v);
        } else if !canonical.contains(&cat) {
            out.insert(cat, v);
        }
    }
    Ok(out)
}

/// A parsed Moderation API response body.
#[derive(Debug, Clone, PartialEq)]
pub struct ModerationResponse {
    pub model: String,
    pub results: Vec<Score>,
}

impl ModerationResponse {
    /// Parses `{"id", "model", "results": [...]}`.
    pub fn from_value(v: &Value) -> Result<ModerationResponse, ScoreError> {
        let obj = v.as_object().ok_or(ScoreError::ResponseNotObject)?;
        let model = obj
            .get("model")
            .and_then(Value::as_str)
            .ok_or(ScoreError::NoModel)?;
        let results = obj
            .get("results")
            .and_then(Value::as_array)
            .ok_or(ScoreError::NoResults)?;
        let results = results
            .iter()
            .map(|r| Score::from_result(model, r))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ModerationResponse {
            model: model.to_string(),
            results,
        })
    }

    /// Parses a response body from text.
    pub fn parse(text: &str) -> Result<ModerationResponse, ScoreError> {
        let v: Value =
            serde_json::from_str(text).map_err(|source| ScoreError::NotJson { source })?;
        Self::from_value(&v)
    }
}

/// A score or moderation response that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScoreError {
    #[error("the response is not JSON: {source}")]
    NotJson {
        #[source]
        source: serde_json::Error,
    },
    #[error("the response is not a JSON object")]
    ResponseNotObject,
    #[error("the response has no `model` string")]
    NoModel,
    #[error("the response has no `results` array")]
    NoResults,
    #[error("a result is not an object")]
    ResultNotObject,
    #[error("`flagged` is not a boolean")]
    Flagged,
    #[error("`category_scores` is missing or not an object")]
    CategoryScores,
    /// `key` as the response spelled it.
    #[error("`category_scores.{key}` is not a number")]
    CategoryScore { key: String },
    #[error("`category_scores.{category}` is {value}, not {}", .scale.expected())]
    CategoryScoreRange {
        category: Category,
        value: f64,
        scale: Scale,
    },
    #[error("`categories` is not an object")]
    Categories,
    #[error("`categories.{key}` is not a boolean")]
    CategoryFlag { key: String },
}

/// SHA-256 of a text unit's UTF-8 bytes: the key of the cache and of imported records.
pub fn text_hash(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// Lower-case hex of a hash, as written in cache and score files.
pub fn hash_hex(hash: &[u8; 32]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(64);
    for b in hash {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Parses 64 hex digits (either case).
pub fn parse_hash_hex(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RECORDED: &str = include_str!("../../fixtures/profile-dataset/moderation-response.json");

    #[test]
    fn parses_the_recorded_text_moderation_007_response() {
        let r = ModerationResponse::parse(RECORDED).unwrap();
        assert_eq!(r.model, "text-moderation-007");
        assert_eq!(r.results.len(), 1);
        let s = &r.results[0];
        assert!(!s.flagged);
        assert!(s.categories.is_empty());
        // 18 keys fold into the 11 legacy categories.
        assert_eq!(s.category_scores.len(), 11);
        assert_eq!(s.get(Category::Sexual), Some(0.0686868802));
        assert_eq!(s.get(Category::SexualMinors), Some(0.0161863714));
        assert_eq!(s.get(Category::SelfHarmIntent), Some(6.8691e-06));
        assert_eq!(s.get(Category::Illicit), None);
        assert_eq!(s.max_category(), Some((Category::Sexual, 0.0686868802)));
    }

    #[test]
    fn parses_omni_with_null_and_missing_illicit_and_unknown_keys() {
        let v = json!({"id": "x", "model": "omni-moderation-2024-09-26", "results": [
            {"flagged": true,
             "categories": {"violence": true, "illicit": null, "brand_new": true},
             "category_scores": {"violence": 0.9, "illicit": null, "brand_new": 0.5,
                                 "sexual/minors": 0.001}},
            {"flagged": false, "categories": {}, "category_scores": {"illicit/violent": 0.2}}
        ]});
        let r = ModerationResponse::from_value(&v).unwrap();
        assert_eq!(r.results[0].categories, vec![Category::Violence]);
        assert_eq!(r.results[0].category_scores.len(), 2);
        assert_eq!(r.results[0].model, "omni-moderation-2024-09-26");
        assert_eq!(r.results[1].get(Category::IllicitViolent), Some(0.2));
    }

    #[test]
    fn slash_key_wins_over_alias() {
        let v = json!({"flagged": false, "category_scores": {"self_harm": 0.9, "self-harm": 0.1}});
        let s = Score::from_result("m", &v).unwrap();
        assert_eq!(s.get(Category::SelfHarm), Some(0.1));
    }

    #[test]
    fn rejects_malformed_results() {
        for v in [
            json!([]),
            json!({"flagged": "yes", "category_scores": {}}),
            json!({"flagged": false}),
            json!({"flagged": false, "category_scores": {"hate": "high"}}),
            json!({"flagged": false, "category_scores": {"hate": -0.5}}),
            json!({"flagged": false, "category_scores": {"violence": 5.0}}),
        ] {
            assert!(Score::from_result("m", &v).is_err(), "{v}");
        }
        let e = Score::from_result("m", &json!({"category_scores": {"self_harm": 1.5}}));
        assert_eq!(
            e.unwrap_err().to_string(),
            "`category_scores.self-harm` is 1.5, not a probability between 0 and 1"
        );
        assert!(ModerationResponse::parse("{").is_err());
        assert!(ModerationResponse::parse("{\"results\": []}").is_err());
    }

    #[test]
    fn score_round_trips_through_serde_in_slash_form() {
        let v = json!({"flagged": true, "categories": {"sexual_minors": true},
                       "category_scores": {"sexual_minors": 0.5}});
        let s = Score::from_result("m", &v).unwrap();
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains("\"sexual/minors\""), "{text}");
        let back: Score = serde_json::from_str(&text).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn hashes_are_sha256_hex() {
        let h = text_hash("abc");
        let hex = hash_hex(&h);
        assert_eq!(
            hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(parse_hash_hex(&hex), Some(h));
        assert_eq!(parse_hash_hex(&hex.to_uppercase()), Some(h));
        assert_eq!(parse_hash_hex("zz"), None);
    }
}
