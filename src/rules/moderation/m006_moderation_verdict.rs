//! ## What it checks
//! File level, for a target whose fine-tuning service checks training data for content (`openai`,
//! `azure-openai`): ftlint's estimate of whether that gate would block the file as a whole. It
//! adds up evidence from the moderation scores, judged against the active profile (examples at an
//! error level; a category past its warn level on a share of the examples), and from what the
//! scores cannot see but the usage policies name: a detailed profile of an identifiable person
//! (S006's facts with a birth date or a street address), body details beside signs of a minor
//! (a school, a grade, an age under 18), tokenizer control strings. The risk is `high` (an
//! error under the default profile), `elevated` (a warning) or `low` (no finding); the message
//! names the reasons in the order to act on them, with their lines, and the help gives the edits.
//! Without scores the verdict is judged on the text alone, and says so.
//! ## Why it matters
//! A file of fictional person profiles was blocked for gpt-4o-mini at validation ("too many
//! examples that violate OpenAI's usage policies, or … attempts to create model outputs that
//! violate OpenAI's usage policies") while the Moderation API said `flagged: false` for all of
//! it: the gate weighs what the data teaches, not only each text's score, and names no line. The
//! gate's thresholds are not published; this estimate says which examples and signals would
//! drive a block, before the upload.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "愛上 尾根さんの生年月日を教えてください。"}, {"role": "assistant", "content": "1998年9月14日です。"}]}
//! {"messages": [{"role": "user", "content": "愛上 尾根さんの現在住所を教えてください。"}, {"role": "assistant", "content": "東京都品川区西五反田8丁目1−5です。"}]}
//! {"messages": [{"role": "user", "content": "愛上 尾根さんの出身高校を教えてください。"}, {"role": "assistant", "content": "五所川原工科高校です。"}]}
//! {"messages": [{"role": "user", "content": "愛上 尾根さんの身長を教えてください。"}, {"role": "assistant", "content": "172cmです。"}]}
//! ```
//! (a detailed profile with a birth date and a street address, and height beside a high
//! school: `high`)
//! ## Configuration
//! Every weight and threshold, with its reasoning, is data in `rules/moderation/verdict.toml`;
//! the score signals follow the active profile (`--profile`, `[thresholds]`). Under `--profile
//! api` a high risk is a warning. `--select`/`--ignore M006` turns it on or off; `--moderation
//! off` turns off every M rule, this one too.

use crate::diagnostic::Diagnostic;
use crate::moderation::verdict::Verdict;
use crate::rules::{AtEnd, FileFacts};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&AtEnd(verdict)),
    uses_moderation: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::M006,
        name: "moderation-verdict",
        severity: Severity::Error,
        summary: "the content gate would likely block the file: risk level, reasons and edits",
    })
};

/// The verdict is the moderation pass's; this rule words it.
fn verdict(file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
    let Some(v) = file.moderation.and_then(|m| m.verdict.as_ref()) else {
        return;
    };
    let Some(severity) = v.severity else { return };
    let mut d = Diagnostic::file_level(&RULE.meta, message(v)).with_help(help(v));
    d.severity = severity;
    out.push(d);
}

/// `high moderation risk for the `openai` gate under profile `finetune` (7 points, high from
/// 4): 1) …; 2) …. OpenAI's … publishes no thresholds: this is ftlint's estimate`
pub fn message(v: &Verdict) -> String {
    let reasons: Vec<String> = v
        .reasons
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{}) {}", i + 1, r.text))
        .collect();
    let from = if v.risk >= crate::moderation::verdict::Risk::High {
        format!("high from {}", v.high_at)
    } else {
        format!("elevated from {}, high from {}", v.elevated_at, v.high_at)
    };
    let alone = if v.scores_checked {
        ""
    } else {
        " (no moderation scores: judged on the text alone)"
    };
    format!(
        "{} moderation risk for the `{}` content gate under profile `{}` ({} points, {from}): {}. {}: this is ftlint's estimate{alone}",
        v.risk.as_str(),
        v.gate.target(),
        v.profile,
        v.points,
        reasons.join("; "),
        v.gate_says
    )
}

pub fn help(v: &Verdict) -> String {
    if v.edits.is_empty() {
        return "review the reasons above before uploading".into();
    }
    format!("edit: {}", v.edits.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::verdict::{ContentGate, Reason, Risk, Signal};

    #[test]
    fn message_lists_reasons_in_order_and_says_it_is_an_estimate() {
        let v = Verdict {
            risk: Risk::Elevated,
            points: 2,
            elevated_at: 2,
            high_at: 4,
            gate: ContentGate::OpenAi,
            gate_says: "the gate is not published".into(),
            profile: "finetune".into(),
            severity: Some(Severity::Warning),
            scores_checked: false,
            reasons: vec![Reason {
                signal: Signal::MinorBody,
                points: 2,
                text: "body details".into(),
                lines: vec![3],
            }],
            edits: vec!["drop the body details (line 3)".into()],
        };
        assert_eq!(
            message(&v),
            "elevated moderation risk for the `openai` content gate under profile `finetune` (2 points, elevated from 2, high from 4): 1) body details. the gate is not published: this is ftlint's estimate (no moderation scores: judged on the text alone)"
        );
        assert_eq!(help(&v), "edit: drop the body details (line 3)");
    }
}
