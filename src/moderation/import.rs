//! `--scores FILE`: scores computed elsewhere, in one of two formats (detected per file).
//!
//! **Per-text records** (JSON Lines, what `ftlint moderate --export` writes), one per text unit:
//! `{"line": 3, "pointer": "/messages/1/content", "sha256": "<hex of the text>", "model":
//! "omni-moderation-2024-09-26", "provider": "openai", "flagged": false, "categories": {…},
//! "category_scores": {…}}` (`categories` optional; `provider` `openai` when absent, or
//! `azure-content-safety`, whose `category_scores` are severities 0–7). A record is found by its (line, pointer); its `sha256` must match the
//! text now there, else the score is stale (M005). A record whose hash matches a text anywhere
//! also scores that text (the line moved).
//!
//! **Raw Moderation API responses** (`{"id", "model", "results": [...]}`), aligned to lines,
//! in either layout:
//! - a file holding **one pretty-printed** response (one JSON document over several lines, as
//!   the API's answer is usually saved): `results[k]` scores dataset line k+1 as a whole (every
//!   text unit of that line gets it);
//! - a JSON Lines file with **one response per dataset line** (line N of the scores file ↔ line
//!   N of the dataset; an empty line or `null` keeps the numbering for a line without scores):
//!   `results[i]` scores the i-th text unit of that line in [`super::units::text_units`] order;
//!   a response with a single result scores every unit of its line (the example was sent whole).
//!   A file that is one compact response on one line is read this way too (it is line 1's).
//!
//! Raw responses carry no text hash, so they are never reported stale. Per-text records and
//! responses may be mixed in one JSON Lines file.

use super::provider::Provider;
use super::scores::{hash_hex, parse_hash_hex, ModerationResponse, Score, ScoreError};
use super::units::TextUnit;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// One exported/imported per-text record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreRecord {
    pub line: u64,
    pub pointer: String,
    pub sha256: String,
    pub model: String,
    /// Written always, so a file says which service scored it.
    pub provider: Provider,
    pub flagged: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<super::scores::Category>,
    pub category_scores: BTreeMap<super::scores::Category, f64>,
}

impl ScoreRecord {
    /// A record for `ftlint moderate --export`.
    pub fn new(line: u64, pointer: &str, hash: &[u8; 32], score: &Score) -> ScoreRecord {
        ScoreRecord {
            line,
            pointer: pointer.to_string(),
            sha256: hash_hex(hash),
            model: score.model.clone(),
            provider: score.provider,
            flagged: score.flagged,
            categories: score.categories.clone(),
            category_scores: score.category_scores.clone(),
        }
    }

    /// The record's score. (`categories` is written as a list of names; on import both that
    /// list and the API's `{name: bool}` map are accepted.)
    pub fn score(&self) -> Score {
        Score {
            model: self.model.clone(),
            provider: self.provider,
            flagged: self.flagged,
            categories: self.categories.clone(),
            category_scores: self.category_scores.clone(),
        }
    }
}

/// Writes records as JSON Lines (the `--export` format).
pub fn write_records<'a>(
    mut w: impl Write,
    records: impl IntoIterator<Item = &'a ScoreRecord>,
) -> io::Result<()> {
    for r in records {
        serde_json::to_writer(&mut w, r).map_err(io::Error::other)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

/// What an import says about one text unit.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<'a> {
    Fresh(&'a Score),
    /// A record exists for this (line, pointer) but was computed for another text.
    Stale {
        recorded: [u8; 32],
    },
    Missing,
}

/// Imported scores, indexed for lookup.
#[derive(Debug, Default)]
pub struct ImportedScores {
    /// line → pointer → (hash, score); nested so a lookup allocates nothing.
    by_position: HashMap<u64, HashMap<String, ([u8; 32], Score)>>,
    by_hash: HashMap<[u8; 32], Score>,
    /// line → results aligned to its units (one result = whole line).
    aligned: HashMap<u64, Vec<Score>>,
    /// Per-text records for whole examples (pointer `""`) and for single texts.
    example_records: usize,
    text_records: usize,
}

impl ImportedScores {
    /// Reads a scores file.
    pub fn from_path(path: &Path) -> Result<ImportedScores, ImportError> {
        let text = std::fs::read_to_string(path).map_err(|source| ImportError {
            line: 0,
            kind: ImportErrorKind::Read {
                path: path.to_path_buf(),
                source,
            },
        })?;
        Self::parse(&text)
    }

    /// Parses a scores file's text (see the module docs for the formats).
    pub fn parse(text: &str) -> Result<ImportedScores, ImportError> {
        let mut out = ImportedScores::default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // A single pretty-printed response document: results[k] ↔ line k+1.
        let multi_line = text.trim().contains('\n');
        if let Some(v) = multi_line
            .then(|| serde_json::from_str::<Value>(text).ok())
            .flatten()
        {
            if v.get("results").is_some() {
                let r = ModerationResponse::from_value(&v).map_err(|e| ImportError {
                    line: 0,
                    kind: e.into(),
                })?;
                for (k, s) in r.results.into_iter().enumerate() {
                    out.aligned.insert(k as u64 + 1, vec![s]);
                }
                return Ok(out);
            }
        }
        for (i, raw) in text.lines().enumerate() {
            let line = i as u64 + 1;
            let err = |kind: ImportErrorKind| ImportError { line, kind };
            if raw.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(raw)
                .map_err(|source| err(ImportErrorKind::NotJson { source }))?;
            if v.is_null() {
                continue;
            }
            if v.get("results").is_some() {
                let r = ModerationResponse::from_value(&v).map_err(|e| err(e.into()))?;
                out.aligned.insert(line, r.results);
                continue;
            }
            let ((at_line, pointer), hash, score) = read_record(&v).map_err(err)?;
            if pointer.is_empty() {
                out.example_records += 1;
            } else {
                out.text_records += 1;
            }
            out.by_hash.insert(hash, score.clone());
            out.by_position
                .entry(at_line)
                .or_default()
                .insert(pointer, (hash, score));
        }
        Ok(out)
    }

    /// Every score held, in no particular order (the fuzz targets check their ranges).
    pub fn all_scores(&self) -> impl Iterator<Item = &Score> {
        self.by_hash.values().chain(self.aligned.values().flatten())
    }

    /// Number of scores imported.
    pub fn len(&self) -> usize {
        self.by_position.values().map(HashMap::len).sum::<usize>()
            + self.aligned.values().map(Vec::len).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The providers whose scores the file holds, sorted.
    pub fn providers(&self) -> Vec<Provider> {
        let mut out: Vec<Provider> = self
            .by_position
            .values()
            .flat_map(|m| m.values().map(|(_, s)| s.provider))
            .chain(self.aligned.values().flatten().map(|s| s.provider))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The text unit every record is for, when all are per-text records of one unit (raw
    /// responses fit either unit): whole examples, or single messages. With the number of
    /// records.
    pub fn records_unit(&self) -> Option<(super::units::UnitMode, usize)> {
        use super::units::UnitMode;
        if !self.aligned.is_empty() {
            return None;
        }
        match (self.example_records, self.text_records) {
            (0, 0) => None,
            (n, 0) => Some((UnitMode::Example, n)),
            (0, n) => Some((UnitMode::Message, n)),
            _ => None,
        }
    }

    /// The score for the `unit_index`-th unit of dataset line `line` (1-based), whose text
    /// hashes to `hash`.
    pub fn lookup(
        &self,
        line: u64,
        unit_index: usize,
        unit: &TextUnit,
        hash: &[u8; 32],
    ) -> Lookup<'_> {
        let at = self
            .by_position
            .get(&line)
            .and_then(|m| m.get(unit.pointer.as_str()));
        if let Some((h, s)) = at {
            if h == hash {
                return Lookup::Fresh(s);
            }
        }
        if let Some(s) = self.by_hash.get(hash) {
            return Lookup::Fresh(s);
        }
        if let Some((h, _)) = at {
            return Lookup::Stale { recorded: *h };
        }
        match self.aligned.get(&line).map(Vec::as_slice) {
            Some([one]) => Lookup::Fresh(one),
            Some(many) => many.get(unit_index).map_or(Lookup::Missing, Lookup::Fresh),
            None => Lookup::Missing,
        }
    }
}

/// (line, pointer), text hash and score of one per-text record.
type RecordParts = ((u64, String), [u8; 32], Score);

fn read_record(v: &Value) -> Result<RecordParts, ImportErrorKind> {
    let obj = v.as_object().ok_or(ImportErrorKind::NotARecord)?;
    let line = obj
        .get("line")
        .and_then(Value::as_u64)
        .filter(|l| *l > 0)
        .ok_or(ImportErrorKind::Line)?;
    let pointer = match obj.get("pointer") {
        Some(Value::String(p)) if p.is_empty() || p.starts_with('/') => p.clone(),
        None => String::new(),
        _ => return Err(ImportErrorKind::Pointer),
    };
    let hash = obj
        .get("sha256")
        .and_then(Value::as_str)
        .and_then(parse_hash_hex)
        .ok_or(ImportErrorKind::Sha256)?;
    let model = obj
        .get("model")
        .and_then(Value::as_str)
        .ok_or(ImportErrorKind::Model)?;
    let provider = match obj.get("provider") {
        None => Provider::OpenAi,
        Some(v) => serde_json::from_value(v.clone()).map_err(|_| ImportErrorKind::Provider)?,
    };
    // Records written by --export list `categories` as names; the API uses a map.
    let mut result = obj.clone();
    if let Some(Value::Array(names)) = obj.get("categories") {
        let map = names
            .iter()
            .filter_map(Value::as_str)
            .map(|n| (n.to_string(), Value::Bool(true)))
            .collect();
        result.insert("categories".into(), Value::Object(map));
    }
    let score = Score::from_result_of(provider, model, &Value::Object(result))?;
    Ok(((line, pointer), hash, score))
}

/// A scores file that could not be read; `line` is the scores file's line (0: whole file).
#[derive(Debug, thiserror::Error)]
#[error("scores file{}: {kind}", at_line(*.line))]
pub struct ImportError {
    pub line: u64,
    #[source]
    pub kind: ImportErrorKind,
}

/// ` line N`, or nothing for the whole file.
fn at_line(line: u64) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(" line {line}")
    }
}

/// What was wrong with a scores file, or with one of its lines.
#[derive(Debug, thiserror::Error)]
pub enum ImportErrorKind {
    #[error("cannot read `{}`: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("not JSON: {source}")]
    NotJson {
        #[source]
        source: serde_json::Error,
    },
    /// A moderation response (or one of its results) that does not have the API's shape.
    #[error(transparent)]
    Score(#[from] ScoreError),
    #[error("expected a score record or a moderation response object")]
    NotARecord,
    #[error("`line` must be a positive integer")]
    Line,
    #[error("`pointer` must be a JSON pointer string")]
    Pointer,
    #[error("`sha256` must be 64 hex digits")]
    Sha256,
    #[error("`model` must be a string")]
    Model,
    #[error("`provider` must be `openai` or `azure-content-safety`")]
    Provider,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::scores::{text_hash, Category};

    fn unit(p: &str, t: &str) -> TextUnit {
        TextUnit {
            pointer: p.into(),
            text: t.into(),
        }
    }

    #[test]
    fn export_then_import_round_trip() {
        let score = Score::from_result(
            "omni-moderation-2024-09-26",
            &serde_json::json!({"flagged": true, "categories": {"violence": true},
                                "category_scores": {"violence": 0.8}}),
        )
        .unwrap();
        let u = unit("/messages/1/content", "hit him");
        let h = text_hash(&u.text);
        let mut buf = Vec::new();
        write_records(&mut buf, &[ScoreRecord::new(4, &u.pointer, &h, &score)]).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("\"categories\":[\"violence\"]"), "{text}");
        let imp = ImportedScores::parse(&text).unwrap();
        assert_eq!(imp.lookup(4, 0, &u, &h), Lookup::Fresh(&score));
        // The same text on another line: found by hash.
        assert_eq!(imp.lookup(9, 0, &u, &h), Lookup::Fresh(&score));
        // The text at line 4 changed: stale.
        let changed = unit("/messages/1/content", "hug him");
        assert_eq!(
            imp.lookup(4, 0, &changed, &text_hash(&changed.text)),
            Lookup::Stale { recorded: h }
        );
        assert_eq!(
            imp.lookup(5, 0, &changed, &text_hash(&changed.text)),
            Lookup::Missing
        );
    }

    /// Azure records carry their provider and severities; the range check is the family's.
    #[test]
    fn azure_records_round_trip_with_their_provider() {
        let score = Score::from_result_of(
            Provider::AzureContentSafety,
            "azure-content-safety-2024-09-01-EightSeverityLevels",
            &serde_json::json!({"flagged": false,
                                "category_scores": {"sexual": 4, "hate": 0, "violence": 1, "self_harm": 0}}),
        )
        .unwrap();
        let u = unit("/messages/2/content", "her measurements");
        let h = text_hash(&u.text);
        let mut buf = Vec::new();
        write_records(&mut buf, &[ScoreRecord::new(2, &u.pointer, &h, &score)]).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(
            text.contains("\"provider\":\"azure-content-safety\""),
            "{text}"
        );
        assert!(text.contains("\"sexual\":4.0"), "{text}");
        let imp = ImportedScores::parse(&text).unwrap();
        assert_eq!(imp.lookup(2, 0, &u, &h), Lookup::Fresh(&score));
        assert_eq!(imp.providers(), [Provider::AzureContentSafety]);
        // OpenAI records: `provider` written, and optional on import.
        let openai = text
            .replace("\"provider\":\"azure-content-safety\",", "")
            .replace("4.0", "0.4")
            .replace("\"violence\":1.0", "\"violence\":0.1");
        let imp = ImportedScores::parse(&openai).unwrap();
        assert_eq!(imp.providers(), [Provider::OpenAi]);
        // A severity that is not an integer 0-7, a probability over 1, an unknown provider.
        for (record, message) in [
            (
                text.replace("4.0", "8"),
                "scores file line 1: `category_scores.sexual` is 8, not an integer severity between 0 and 7",
            ),
            (
                text.replace("4.0", "2.5"),
                "scores file line 1: `category_scores.sexual` is 2.5, not an integer severity between 0 and 7",
            ),
            (
                text.replace("azure-content-safety\"", "openai\""),
                "scores file line 1: `category_scores.sexual` is 4, not a probability between 0 and 1",
            ),
            (
                text.replace("azure-content-safety\"", "bing\""),
                "scores file line 1: `provider` must be `openai` or `azure-content-safety`",
            ),
        ] {
            let e = ImportedScores::parse(&record).unwrap_err();
            assert_eq!(e.to_string(), message);
        }
    }

    #[test]
    fn single_response_aligns_results_to_lines() {
        let text = include_str!("../../fixtures/profile-dataset/moderation-response.json");
        let imp = ImportedScores::parse(text).unwrap();
        let u = unit("/messages/2/content", "x");
        match imp.lookup(1, 2, &u, &text_hash("x")) {
            Lookup::Fresh(s) => assert_eq!(s.get(Category::Sexual), Some(0.0686868802)),
            other => panic!("{other:?}"),
        }
        assert_eq!(imp.lookup(2, 0, &u, &text_hash("x")), Lookup::Missing);
    }

    #[test]
    fn jsonl_responses_align_results_to_units() {
        let resp = |v: f64| {
            format!(
                "{{\"model\":\"m\",\"results\":[{{\"flagged\":false,\"category_scores\":{{\"hate\":{v}}}}},{{\"flagged\":false,\"category_scores\":{{\"hate\":{}}}}}]}}",
                v + 0.5
            )
        };
        let text = format!("{}\n\nnull\n{}\n", resp(0.1), resp(0.2));
        let imp = ImportedScores::parse(&text).unwrap();
        let u = unit("/messages/0/content", "t");
        let h = text_hash("t");
        let get = |line, i| match imp.lookup(line, i, &u, &h) {
            Lookup::Fresh(s) => s.get(Category::Hate),
            _ => None,
        };
        assert_eq!(get(1, 0), Some(0.1));
        assert_eq!(get(1, 1), Some(0.6));
        assert_eq!(get(1, 2), None);
        assert_eq!(get(2, 0), None);
        assert_eq!(get(4, 1), Some(0.7));
    }

    #[test]
    fn errors_name_the_scores_line() {
        let e = ImportedScores::parse("{\"line\":1,\"sha256\":\"ab\",\"model\":\"m\",\"flagged\":false,\"category_scores\":{}}\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(matches!(e.kind, ImportErrorKind::Sha256));
        assert_eq!(
            e.to_string(),
            "scores file line 1: `sha256` must be 64 hex digits"
        );
        let e = ImportedScores::parse("\n{oops\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(matches!(e.kind, ImportErrorKind::NotJson { .. }));
        let e =
            ImportedScores::parse("{\"model\":\"m\",\n\"results\":[{\"flagged\":1}]}").unwrap_err();
        assert_eq!(e.to_string(), "scores file: `flagged` is not a boolean");
        assert!(ImportedScores::parse("[1,2]").is_err());
    }
}
