//! Can a file's scores rank its examples? Two ways they cannot, each said once for the file
//! (rule M007) instead of as noise on every line:
//! - every example carries the same score: a score of the whole text (or of a concatenation)
//!   copied to every example, which says nothing about which example drives the risk;
//! - the imported records are of the other text unit than the run asks for (whole examples for
//!   `--moderation-unit message`, or the reverse), so no text finds its score.
//!
//! Also which models the scores came from (rule M008 and the JSON report's `scoring_model`).

use super::scores::{Category, Score};
use super::units::UnitMode;
use std::collections::BTreeMap;
use xxhash_rust::xxh3::xxh3_64;

/// What the file-level pass keeps of one example's scores.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineScores {
    /// A fingerprint of every score of the example, in unit order; 0 when nothing is scored.
    pub scores: u64,
    /// A fingerprint of the scored texts.
    pub texts: u64,
    /// The models its scores came from: name, the categories they scored (bit `i` is
    /// `Category::ALL[i]`), and how many texts.
    pub models: Vec<(String, u64, u32)>,
}

impl LineScores {
    /// Records the score of one text, whose SHA-256 is `text_hash`.
    pub fn add(&mut self, score: &Score, text_hash: &[u8; 32]) {
        let mut bytes = Vec::with_capacity(score.model.len() + 1 + 9 * 13);
        bytes.extend_from_slice(score.model.as_bytes());
        bytes.push(u8::from(score.flagged));
        let mut mask = 0u64;
        for (c, s) in &score.category_scores {
            let i = category_bit(*c);
            mask |= 1 << i;
            bytes.push(i as u8);
            bytes.extend_from_slice(&s.to_bits().to_le_bytes());
        }
        // Order matters (the same scores on other units is another example), and a fingerprint
        // is never 0, so 0 can mean "unscored".
        self.scores = (self.scores.rotate_left(7) ^ xxh3_64(&bytes)) | 1;
        let mut first = [0u8; 8];
        first.copy_from_slice(&text_hash[..8]);
        self.texts = self.texts.rotate_left(7) ^ u64::from_le_bytes(first);
        match self.models.iter_mut().find(|(m, _, _)| *m == score.model) {
            Some(entry) => {
                entry.1 |= mask;
                entry.2 += 1;
            }
            None => self.models.push((score.model.clone(), mask, 1)),
        }
    }
}

// A category is a bit of a `u64` mask.
const _: () = assert!(Category::ALL.len() <= 64);

fn category_bit(c: Category) -> usize {
    Category::ALL.iter().position(|x| *x == c).unwrap_or(0)
}

/// The categories of a mask, in [`Category::ALL`] order.
pub fn categories_of(mask: u64) -> Vec<Category> {
    Category::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, c)| *c)
        .collect()
}

/// The scores of one model in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelUse {
    pub model: String,
    /// Scored texts.
    pub texts: u64,
    /// The categories it scored (a mask, see [`LineScores::models`]).
    pub categories: u64,
}

/// Why a file's scores cannot rank its examples.
#[derive(Debug, Clone, PartialEq)]
pub enum CannotRank {
    /// Every scored example has the same scores, though their texts differ.
    Identical {
        examples: u64,
        model: String,
        /// The highest category of that one score, relative to the profile.
        top: Option<(Category, f64)>,
    },
    /// The imported records are all of the `records` unit; the run asks for `asked`.
    UnitMismatch {
        records: UnitMode,
        record_count: usize,
        asked: UnitMode,
        /// Texts left without a score.
        unscored_texts: u64,
        /// `--require-scores`: unscored texts are errors.
        required: bool,
    },
}

/// What the file-level pass concludes about the scores.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ranking {
    /// Examples with at least one scored text.
    pub scored_examples: u64,
    pub cannot_rank: Option<CannotRank>,
    /// The models the scores came from, most texts first.
    pub models: Vec<ModelUse>,
    /// Models whose scores the profile should not be applied to without a word (M008).
    pub model_issues: Vec<ModelIssue>,
}

/// Scores from a retired model, or from another model than the run asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelIssue {
    pub problem: super::models::ModelProblem,
    pub texts: u64,
    /// The categories those scores have (a mask, see [`LineScores::models`]).
    pub categories: u64,
    /// The profile whose thresholds were applied to them.
    pub profile: String,
}

impl Ranking {
    /// The model most texts were scored by.
    pub fn main_model(&self) -> Option<&str> {
        self.models.first().map(|m| m.model.as_str())
    }
}

/// [`LineScores`] accumulated over a file, in any order.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    scored: u64,
    first: Option<(u64, u64)>,
    same_scores: bool,
    same_texts: bool,
    models: BTreeMap<String, (u64, u64)>,
}

impl Tally {
    pub fn add(&mut self, l: &LineScores) {
        for (m, mask, n) in &l.models {
            let e = self.models.entry(m.clone()).or_default();
            e.0 += u64::from(*n);
            e.1 |= mask;
        }
        if l.scores == 0 {
            return;
        }
        self.scored += 1;
        match self.first {
            None => {
                self.first = Some((l.scores, l.texts));
                self.same_scores = true;
                self.same_texts = true;
            }
            Some((s, t)) => {
                self.same_scores &= s == l.scores;
                self.same_texts &= t == l.texts;
            }
        }
    }

    /// The verdict on the scores; `top` is the riskiest example's category and score (for an
    /// identical score, that of every example).
    pub fn finish(self, top: Option<(Category, f64)>) -> Ranking {
        let mut models: Vec<ModelUse> = self
            .models
            .into_iter()
            .map(|(model, (texts, categories))| ModelUse {
                model,
                texts,
                categories,
            })
            .collect();
        models.sort_by(|a, b| b.texts.cmp(&a.texts).then(a.model.cmp(&b.model)));
        // Two examples with the same text have the same score for a good reason (and D003 says
        // they are duplicates): only different texts with one score cannot be ranked.
        let identical = self.scored >= 2 && self.same_scores && !self.same_texts;
        let cannot_rank = identical.then(|| CannotRank::Identical {
            examples: self.scored,
            model: models.first().map(|m| m.model.clone()).unwrap_or_default(),
            top,
        });
        Ranking {
            scored_examples: self.scored,
            cannot_rank,
            models,
            model_issues: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::scores::text_hash;
    use serde_json::json;

    fn score(model: &str, sexual: f64) -> Score {
        Score::from_result(
            model,
            &json!({"flagged": false, "category_scores": {"sexual": sexual, "hate": 0.001}}),
        )
        .unwrap()
    }

    fn line(model: &str, sexual: f64, text: &str) -> LineScores {
        let mut l = LineScores::default();
        l.add(&score(model, sexual), &text_hash(text));
        l
    }

    #[test]
    fn one_score_on_every_example_cannot_rank() {
        let mut t = Tally::default();
        for text in ["a", "b", "c"] {
            t.add(&line("text-moderation-007", 0.0687, text));
        }
        t.add(&LineScores::default()); // an unscored example does not count
        let r = t.finish(Some((Category::Sexual, 0.0687)));
        assert_eq!(
            r.cannot_rank,
            Some(CannotRank::Identical {
                examples: 3,
                model: "text-moderation-007".into(),
                top: Some((Category::Sexual, 0.0687)),
            })
        );
        assert_eq!(r.main_model(), Some("text-moderation-007"));
        assert_eq!(
            categories_of(r.models[0].categories),
            [Category::Hate, Category::Sexual]
        );
        assert_eq!(r.models[0].texts, 3);
    }

    #[test]
    fn different_scores_or_same_texts_rank() {
        let mut t = Tally::default();
        t.add(&line("m", 0.1, "a"));
        t.add(&line("m", 0.2, "b"));
        assert_eq!(t.finish(None).cannot_rank, None);
        // Duplicated examples: the same text, the same score.
        let mut t = Tally::default();
        t.add(&line("m", 0.1, "a"));
        t.add(&line("m", 0.1, "a"));
        assert_eq!(t.finish(None).cannot_rank, None);
        // One example cannot be compared with anything.
        let mut t = Tally::default();
        t.add(&line("m", 0.1, "a"));
        assert_eq!(t.finish(None).cannot_rank, None);
    }

    #[test]
    fn models_are_counted_by_text() {
        let mut l = LineScores::default();
        l.add(&score("a", 0.1), &text_hash("x"));
        l.add(&score("b", 0.1), &text_hash("y"));
        l.add(&score("b", 0.2), &text_hash("z"));
        let mut t = Tally::default();
        t.add(&l);
        let r = t.finish(None);
        let names: Vec<(&str, u64)> = r
            .models
            .iter()
            .map(|m| (m.model.as_str(), m.texts))
            .collect();
        assert_eq!(names, [("b", 2), ("a", 1)]);
    }
}
