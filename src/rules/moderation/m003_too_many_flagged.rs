//! ## What it checks
//! File level: the number of flagged examples passes the profile's gate
//! (`max_flagged_examples` or `max_flagged_fraction`). An example counts as flagged when one of
//! its texts is flagged by the source (M001) or reaches an `error` threshold (M002 as an error).
//! The finding lists the flagged lines, worst first, like the service's "Flagged lines: 4, 13".
//! ## Why it matters
//! This is the verdict the service gives: "This training file was blocked by our moderation
//! system because it contains too many examples that violate OpenAI's usage policies". The
//! whole file is refused, so the list says where to start.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Describe the fight."}, {"role": "assistant", "content": "He smashed the bottle into his face and kept kicking him on the ground."}]}
//! ```
//! (with a score over the `violence` error threshold: one such example passes the `finetune`
//! gate of 0)
//! ## Configuration
//! The profile's `[gate]`; override with `[thresholds]` `max_flagged_examples = N` or
//! `max_flagged_fraction = F`.

use crate::diagnostic::Diagnostic;
use crate::rules::{AtEnd, FileFacts};
use crate::moderation::profile::{GateLimit, GateVerdict};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&AtEnd(verdict)),
    uses_moderation: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::M003,
        name: "too-many-flagged",
        severity: Severity::Error,
        summary: "flagged examples exceed the profile's gate; the service would block the file",
    })
};

/// The gate is the moderation verdict's; this rule words it.
fn verdict(file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(gate) = file.moderation.and_then(|m| m.gate.as_ref()) {
        out.push(
            Diagnostic::file_level(&RULE.meta, message(&gate.verdict, &gate.worst_lines))
                .with_help(help()),
        );
    }
}

/// Lines listed at most; the rest are counted.
pub const MAX_LINES_LISTED: usize = 20;

/// `worst_lines` are the flagged lines, worst first.
pub fn message(verdict: &GateVerdict, worst_lines: &[u64]) -> String {
    let limit = match verdict.limit {
        GateLimit::Examples(n) => format!("at most {n} flagged"),
        GateLimit::Fraction(f) => format!("at most {}% flagged", trim_float(f * 100.0)),
    };
    let mut lines: Vec<String> = worst_lines
        .iter()
        .take(MAX_LINES_LISTED)
        .map(u64::to_string)
        .collect();
    if worst_lines.len() > MAX_LINES_LISTED {
        lines.push(format!("… ({} more)", worst_lines.len() - MAX_LINES_LISTED));
    }
    format!(
        "`{}` of `{}` examples are flagged; profile `{}` allows {limit}: the service would block the file. Flagged lines: {}",
        verdict.flagged_examples,
        verdict.total_examples,
        verdict.profile,
        lines.join(", ")
    )
}

pub fn help() -> String {
    "fix or remove the flagged lines, worst first (see their M001/M002 findings), then re-check"
        .to_string()
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_worst_lines_first_and_truncates() {
        let v = GateVerdict {
            flagged_examples: 3,
            total_examples: 20,
            limit: GateLimit::Examples(0),
            profile: "finetune".into(),
        };
        assert_eq!(
            message(&v, &[13, 4, 14]),
            "`3` of `20` examples are flagged; profile `finetune` allows at most 0 flagged: the service would block the file. Flagged lines: 13, 4, 14"
        );
        let v = GateVerdict {
            limit: GateLimit::Fraction(0.01),
            ..v
        };
        let many: Vec<u64> = (1..=25).collect();
        let m = message(&v, &many);
        assert!(m.contains("at most 1% flagged"), "{m}");
        assert!(m.ends_with("20, … (5 more)"), "{m}");
    }
}
