//! The verdict from the moderation report and the signals: the points of each reason, the risk
//! level, and the wording of the reasons and edits (shared by M006 and the JSON report).

use super::signals::{Lines, PersonTally, SignalTally};
use super::{JudgeCtx, Reason, Risk, Signal, Verdict};
use crate::moderation::check::FileReport;
use crate::moderation::ranking::CannotRank;
use crate::moderation::scores::Category;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The verdict on a file from its moderation report and its signals.
pub fn judge(ctx: &JudgeCtx<'_>, report: &FileReport, tally: SignalTally) -> Verdict {
    let d = ctx.data;
    let mut reasons = Vec::new();
    let mut edits = Vec::new();
    let scored = report.ranking.scored_examples;
    let whole_text = matches!(
        report.ranking.cannot_rank,
        Some(CannotRank::Identical { .. })
    );

    // A detailed profile of an identifiable person.
    let mut people: Vec<&PersonTally> = tally.people.values().collect();
    people.sort_by(|a, b| (a.first_line, &a.display).cmp(&(b.first_line, &b.display)));
    let identifiable: Vec<&PersonTally> = people
        .iter()
        .copied()
        .filter(|p| p.kinds.len() >= ctx.min_profile_kinds.max(1))
        .filter(|p| !p.birth.is_empty() || !p.street.is_empty())
        .collect();
    if let Some(p) = identifiable.first() {
        let mut ids = Vec::new();
        if !p.birth.is_empty() {
            ids.push(format!("birth date ({})", lines_phrase(&p.birth)));
        }
        if !p.street.is_empty() {
            ids.push(format!("street address ({})", lines_phrase(&p.street)));
        }
        let mut text = format!(
            "a detailed profile of `{}`: {} among {} kinds of personal facts on {} lines",
            p.display,
            ids.join(" and "),
            p.kinds.len(),
            p.lines.count
        );
        if identifiable.len() > 1 {
            let _ = write!(text, " (and {} more such people)", identifiable.len() - 1);
        }
        let mut drop = Vec::new();
        if !p.street.is_empty() {
            drop.push(format!("the street address ({})", lines_phrase(&p.street)));
        }
        if !p.birth.is_empty() {
            drop.push(format!("the birth date ({})", lines_phrase(&p.birth)));
        }
        edits.push(format!("drop {}", drop.join(" and ")));
        if !p.all_fiction {
            edits.push(format!(
                "state in the system prompt that `{}` is a fictional persona",
                p.display
            ));
        }
        reasons.push(Reason {
            signal: Signal::PersonalProfile,
            points: d.personal_profile,
            text,
            lines: merged(&[&p.birth, &p.street]),
        });
    }

    // Examples at an error level (or flagged).
    if report.flagged_examples > 0 {
        let past_gate = report.gate.is_some();
        let points = if past_gate {
            d.scores_error.points_past_gate
        } else {
            d.scores_error.points_under_gate
        };
        let n = report.flagged_examples;
        let text = format!(
            "{n} of {} examples {} flagged or at an error level ({}), {} the profile's gate",
            report.examples,
            if n == 1 { "is" } else { "are" },
            lines_phrase(&tally.flagged),
            if past_gate { "past" } else { "within" }
        );
        edits.push(format!(
            "rewrite or remove the flagged examples ({})",
            lines_phrase(&tally.flagged)
        ));
        reasons.push(Reason {
            signal: Signal::ScoresError,
            points,
            text,
            lines: tally.flagged.first.clone(),
        });
    }

    // Categories past their warn level on a share of the examples. Values print in the
    // profile's scale: probabilities as scores, Azure severities as whole levels.
    let value = |v: f64| match ctx.profile.scale {
        crate::moderation::Scale::Probability => crate::moderation::fmt_score(v),
        crate::moderation::Scale::Severity => format!("severity {}", v as u8),
    };
    let sw = &d.scores_warn;
    let mut warn: Vec<(Category, Reason)> = Vec::new();
    for (&c, t) in &tally.categories {
        if scored == 0 || (t.examples as f64) < sw.min_share.get() * scored as f64 {
            continue;
        }
        let Some(thresholds) = ctx.profile.categories.get(&c) else {
            continue;
        };
        let (level, base) = match (thresholds.warn, thresholds.error) {
            (Some(w), _) => ("warn", w.get()),
            (None, Some(e)) => ("error", e.get()),
            (None, None) => continue,
        };
        let ratio = if base > 0.0 { t.max / base } else { 0.0 };
        let points = if sw.double.contains(&c) {
            2 * sw.points
        } else {
            sw.points
        };
        let text = if whole_text {
            format!(
                "`{c}` {} is {}× its {level} level {} in one score of the whole text",
                value(t.max),
                fmt_ratio(ratio),
                value(base)
            )
        } else {
            format!(
                "`{c}` is past its {level} level {} on {} of {scored} scored examples, up to {} ({}×, line {})",
                value(base),
                t.examples,
                value(t.max),
                fmt_ratio(ratio),
                t.max_line
            )
        };
        let reason = Reason {
            signal: Signal::ScoresWarn,
            points,
            text,
            lines: if whole_text {
                Vec::new()
            } else {
                vec![t.max_line]
            },
        };
        warn.push((c, reason));
    }
    // Zero-tolerance categories first (a stable sort: then in category order).
    warn.sort_by_key(|(_, r)| std::cmp::Reverse(r.points));
    let mut budget = sw.max_points;
    for (_, r) in &mut warn {
        r.points = r.points.min(budget);
        budget -= r.points;
    }
    // Rescoring is not an edit of the data: it comes after the edits.
    let mut actions = Vec::new();
    if !warn.is_empty() {
        let cats: Vec<String> = warn.iter().map(|(c, _)| format!("`{c}`")).collect();
        if whole_text {
            actions.push(format!(
                "score each example to see which drive {}: `ftlint moderate FILE --moderation-unit example --export SCORES` (network), then `--scores SCORES --moderation-unit example`",
                cats.join(" and ")
            ));
        } else {
            edits.push(format!(
                "reword the examples that drive {} (their M002 findings, riskiest first)",
                cats.join(" and ")
            ));
        }
    }
    reasons.extend(warn.into_iter().map(|(_, r)| r));

    // Body details beside signs of a minor.
    let minor_person = people
        .iter()
        .find(|p| !p.body.is_empty() && !p.minor.is_empty());
    if let Some(p) = minor_person {
        let text = format!(
            "body details about `{}` (`{}`, {}) beside a sign of a minor (`{}`, {})",
            p.display,
            p.body_term.as_deref().unwrap_or_default(),
            lines_phrase(&p.body),
            p.minor_term.as_deref().unwrap_or_default(),
            lines_phrase(&p.minor)
        );
        edits.push(format!(
            "drop the body details ({}) or the sign of a minor ({})",
            lines_phrase(&p.body),
            lines_phrase(&p.minor)
        ));
        reasons.push(Reason {
            signal: Signal::MinorBody,
            points: d.minor_body.0,
            text,
            lines: merged(&[&p.body, &p.minor]),
        });
    } else if let Some((body, minor)) = &tally.example_terms {
        let n = tally.example_minor_body.count;
        let text = format!(
            "body details beside a sign of a minor in {n} example{} (`{body}`, `{minor}`; {})",
            if n == 1 { "" } else { "s" },
            lines_phrase(&tally.example_minor_body)
        );
        edits.push(format!(
            "keep body details away from signs of a minor ({})",
            lines_phrase(&tally.example_minor_body)
        ));
        reasons.push(Reason {
            signal: Signal::MinorBody,
            points: d.minor_body.1,
            text,
            lines: tally.example_minor_body.first.clone(),
        });
    }

    // Tokenizer control strings.
    if !tally.special_tokens.is_empty() {
        let n = tally.special_tokens.count;
        reasons.push(Reason {
            signal: Signal::SpecialTokens,
            points: d.special_tokens,
            text: format!(
                "tokenizer control strings in {n} example{} ({})",
                if n == 1 { "" } else { "s" },
                lines_phrase(&tally.special_tokens)
            ),
            lines: tally.special_tokens.first.clone(),
        });
        edits.push(format!(
            "remove the control strings (S007, {})",
            lines_phrase(&tally.special_tokens)
        ));
    }

    edits.extend(actions);
    let points: u32 = reasons.iter().map(|r| r.points).sum();
    let risk = if points >= d.levels.high {
        Risk::High
    } else if points >= d.levels.elevated {
        Risk::Elevated
    } else {
        Risk::Low
    };
    Verdict {
        risk,
        points,
        elevated_at: d.levels.elevated,
        high_at: d.levels.high,
        gate: ctx.setup.gate,
        gate_says: d.gate_says(ctx.setup.gate).to_owned(),
        profile: ctx.profile.name.clone(),
        severity: d.severity(risk, &ctx.profile.name),
        scores_checked: scored > 0,
        reasons,
        edits,
    }
}

/// `line 5`, `lines 10, 11`, `lines 1, 2, … (30 in all)`.
pub fn lines_phrase(l: &Lines) -> String {
    let shown: Vec<String> = l.first.iter().map(u64::to_string).collect();
    let more = if l.count > l.first.len() as u64 {
        format!(", … ({} in all)", l.count)
    } else {
        String::new()
    };
    let word = if l.count == 1 { "line" } else { "lines" };
    format!("{word} {}{more}", shown.join(", "))
}

/// The lines of several lists, ascending, without repeats.
fn merged(lists: &[&Lines]) -> Vec<u64> {
    let set: BTreeSet<u64> = lists.iter().flat_map(|l| l.first.iter().copied()).collect();
    set.into_iter().collect()
}

/// `1.6`, `12`: how many times a level a score is.
fn fmt_ratio(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}
