//! Turning scores into verdicts: per text (flagged, over a threshold, unscored, stale) and per
//! file (the gate and the summary's riskiest examples). Typed results: the M rules word them.
//!
//! The engine calls [`ModerationCheck::check_line`] for each parsed line (any thread), keeps the
//! small [`LineSummary`] it returns, and calls [`ModerationCheck::check_file`] once at the end.

use super::profile::{GateVerdict, Hit};
use super::profile::{Level, Profile};
use super::scores::{text_hash, Category};
use super::store::{Resolved, ScoreStore};
use super::units::{text_units, unit_count, UnitMode};
use serde_json::Value;

/// What moderation found for one scored text. `pointer` is the scored value's RFC 6901
/// pointer (`""`: the whole line, for `--moderation-unit example`).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitEvent {
    pub pointer: String,
    pub kind: Event,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The score source set `flagged`; `hits` are the text's hits (those with `flagged_only`
    /// are the categories the source marked), `model` the scoring model.
    Flagged { hits: Vec<Hit>, model: String },
    /// A category at or over a threshold of `profile`; `model` scored the text.
    OverThreshold {
        hit: Hit,
        profile: String,
        model: String,
    },
    /// No score for the text under `model` (said only when the user asked for moderation);
    /// `required`: `--require-scores`.
    Unscored { model: String, required: bool },
    /// An imported score recorded for other text: its hash, and this text's.
    Stale {
        recorded: [u8; 32],
        current: [u8; 32],
    },
}

/// The file is over the profile's gate: the service would block it.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    pub verdict: GateVerdict,
    /// The flagged lines, worst first.
    pub worst_lines: Vec<u64>,
}

/// What the file-level pass needs to know about one example.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineSummary {
    pub line: u64,
    pub units: u32,
    pub unscored_units: u32,
    /// Counts toward the gate: flagged, or an error-level threshold hit.
    pub flagged: bool,
    /// Profile-relative risk of the riskiest unit (see [`Profile::risk`]); 0 when unscored.
    pub risk: f64,
    /// The riskiest unit's top category and score, and its pointer.
    pub top: Option<(Category, f64, String)>,
    /// What ranking needs of its scores (see [`super::ranking`]).
    pub scores: super::ranking::LineScores,
}

/// One entry of the summary's "riskiest examples".
#[derive(Debug, Clone, PartialEq)]
pub struct RiskyExample {
    pub line: u64,
    pub category: Category,
    pub score: f64,
    pub pointer: String,
    pub flagged: bool,
    /// The family of `score` (the profile's).
    pub scale: super::Scale,
}

/// The file-level result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileReport {
    /// When the flagged examples pass the gate.
    pub gate: Option<Gate>,
    /// Up to [`RISKIEST_SHOWN`] examples, riskiest first.
    pub riskiest: Vec<RiskyExample>,
    pub examples: u64,
    pub flagged_examples: u64,
    pub unscored_texts: u64,
    /// Set when no text had a score and M004 was not asked for: print once in the summary.
    pub not_checked_note: Option<String>,
    /// Whether the scores can rank the examples, and the models they came from.
    pub ranking: super::ranking::Ranking,
    /// The verdict of the target's content gate, when it has one and M006 runs.
    pub verdict: Option<super::verdict::Verdict>,
}

/// Examples listed in the summary.
pub const RISKIEST_SHOWN: usize = 5;

/// The moderation settings of a run.
#[derive(Debug, Clone)]
pub struct ModerationCheck {
    pub profile: Profile,
    pub unit_mode: UnitMode,
    /// Report M004 (the user asked for moderation: `--moderation`, `--scores`, config).
    pub report_unscored: bool,
    /// `--require-scores`: M004 is an error.
    pub require_scores: bool,
}

impl ModerationCheck {
    /// What one parsed line's texts (1-based `line`) yield, in unit order.
    pub fn check_line(
        &self,
        store: &ScoreStore,
        line: u64,
        value: &Value,
    ) -> (Vec<UnitEvent>, LineSummary) {
        let mut findings = Vec::new();
        if !self.report_unscored && !store.has_any_source() {
            // The common pre-commit case: no scores anywhere and none asked for. Count the units
            // without copying or hashing them; the file report turns the count into its one
            // summary note.
            let n = unit_count(value, self.unit_mode) as u32;
            let summary = LineSummary {
                line,
                units: n,
                unscored_units: n,
                ..LineSummary::default()
            };
            return (findings, summary);
        }
        let units = text_units(value, self.unit_mode);
        // Imported records of the other unit leave every text unscored: that is said once for
        // the file (M007), not once per text.
        let mismatched = store.imported_unit().is_some_and(|u| u != self.unit_mode);
        let mut summary = LineSummary {
            line,
            units: units.len() as u32,
            ..LineSummary::default()
        };
        for (i, unit) in units.iter().enumerate() {
            let hash = text_hash(&unit.text);
            let score = match store.resolve_hashed(line, i, unit, &hash) {
                Resolved::Scored { score, .. } => score,
                Resolved::Stale { recorded } => {
                    summary.unscored_units += 1;
                    findings.push(UnitEvent {
                        pointer: unit.pointer.clone(),
                        kind: Event::Stale {
                            recorded,
                            current: hash,
                        },
                    });
                    continue;
                }
                Resolved::Unscored => {
                    summary.unscored_units += 1;
                    if self.report_unscored && !mismatched {
                        findings.push(UnitEvent {
                            pointer: unit.pointer.clone(),
                            kind: Event::Unscored {
                                model: store.model_key().to_owned(),
                                required: self.require_scores,
                            },
                        });
                    }
                    continue;
                }
            };
            summary.scores.add(&score, &hash);
            let hits = self.profile.evaluate(&score);
            let flagged = self.profile.use_flagged && score.flagged;
            if flagged {
                findings.push(UnitEvent {
                    pointer: unit.pointer.clone(),
                    kind: Event::Flagged {
                        hits: hits.clone(),
                        model: score.model.clone(),
                    },
                });
            }
            for hit in hits.iter().filter(|h| !h.flagged_only) {
                findings.push(UnitEvent {
                    pointer: unit.pointer.clone(),
                    kind: Event::OverThreshold {
                        hit: hit.clone(),
                        profile: self.profile.name.clone(),
                        model: score.model.clone(),
                    },
                });
            }
            summary.flagged |= flagged || hits.iter().any(|h| h.level == Level::Error);
            let (risk, top) = self.profile.risk(&score);
            // A text that scores nothing at all (Azure's severity 0 in every category) is not
            // among the riskiest.
            if let Some((cat, s)) = top.filter(|_| risk > 0.0) {
                if summary.top.is_none() || risk > summary.risk {
                    summary.risk = risk;
                    summary.top = Some((cat, s, unit.pointer.clone()));
                }
            }
        }
        (findings, summary)
    }

    /// The file verdict from every example's summary (in any order).
    pub fn check_file(&self, lines: &[LineSummary]) -> FileReport {
        let mut tally = Tally::default();
        for l in lines {
            tally.add(l);
        }
        self.finish(tally)
    }

    /// The file verdict from a [`Tally`] built line by line (memory: the flagged lines and the
    /// few riskiest, not a summary per line).
    pub fn finish(&self, tally: Tally) -> FileReport {
        let mut report = FileReport {
            examples: tally.examples,
            flagged_examples: tally.flagged.len() as u64,
            unscored_texts: tally.unscored_texts,
            ..FileReport::default()
        };
        if let Some(verdict) = self.profile.gate(report.flagged_examples, report.examples) {
            let mut flagged = tally.flagged.clone();
            flagged.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let worst: Vec<u64> = flagged.iter().map(|(line, _)| *line).collect();
            report.gate = Some(Gate {
                verdict,
                worst_lines: worst,
            });
        }
        report.riskiest = tally
            .top
            .iter()
            .filter_map(|l| {
                let (category, score, pointer) = l.top.clone()?;
                Some(RiskyExample {
                    line: l.line,
                    category,
                    score,
                    pointer,
                    flagged: l.flagged,
                    scale: self.profile.scale,
                })
            })
            .collect();
        // One score on every example ranks nothing: no list (M007 says why).
        let top = report.riskiest.first().map(|r| (r.category, r.score));
        report.ranking = tally.ranking.finish(top);
        if report.ranking.cannot_rank.is_some() {
            report.riskiest.clear();
        }
        if !tally.scored_any && report.unscored_texts > 0 && !self.report_unscored {
            report.not_checked_note = Some(
                "moderation not checked: no scores for these texts; run `ftlint moderate FILE` (network) or pass `--scores FILE`"
                    .to_string(),
            );
        }
        report
    }
}

/// What the file verdict needs, accumulated one example at a time in file order.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    examples: u64,
    /// (line, risk) of every example that counts toward the gate.
    flagged: Vec<(u64, f64)>,
    unscored_texts: u64,
    scored_any: bool,
    /// The riskiest scored examples so far, riskiest first, at most [`RISKIEST_SHOWN`].
    top: Vec<LineSummary>,
    ranking: super::ranking::Tally,
}

impl Tally {
    pub fn add(&mut self, l: &LineSummary) {
        self.examples += 1;
        self.unscored_texts += u64::from(l.unscored_units);
        self.scored_any |= l.units > l.unscored_units;
        self.ranking.add(&l.scores);
        if l.flagged {
            self.flagged.push((l.line, l.risk));
        }
        if l.top.is_some() {
            let rank = |a: &LineSummary, b: &LineSummary| {
                b.flagged
                    .cmp(&a.flagged)
                    .then(b.risk.total_cmp(&a.risk))
                    .then(a.line.cmp(&b.line))
            };
            let at = self.top.partition_point(|t| rank(t, l).is_lt());
            if at < RISKIEST_SHOWN {
                self.top.insert(at, l.clone());
                self.top.truncate(RISKIEST_SHOWN);
            }
        }
    }
}

/// The summary's lines for the riskiest examples, e.g.
/// `line 5: sexual/minors 0.0162 at /messages/2/content`, or with severities
/// `line 5: sexual severity 4 (medium) at /messages/2/content`.
pub fn format_riskiest(riskiest: &[RiskyExample]) -> Vec<String> {
    riskiest
        .iter()
        .map(|r| {
            let at = if r.pointer.is_empty() {
                String::new()
            } else {
                format!(" at {}", r.pointer)
            };
            let score = match r.scale {
                super::Scale::Probability => super::fmt_score(r.score),
                super::Scale::Severity => format!(
                    "severity {} ({})",
                    r.score as u8,
                    super::scale::severity_label(r.score)
                ),
            };
            format!(
                "line {}: {} {score}{at}{}",
                r.line,
                r.category,
                if r.flagged { " (flagged)" } else { "" }
            )
        })
        .collect()
}
