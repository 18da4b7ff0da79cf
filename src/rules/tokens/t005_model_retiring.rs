//! ## What it checks
//! A model whose last day for new fine-tuning jobs is near: within 60 days. OpenAI's
//! self-serve fine-tuning takes no new jobs after 2027-01-06, so from 2026-11-07 every OpenAI
//! model gets this warning. Reported once per file, with the date, the days left, the
//! shutdown date and what the target recommends.
//!
//! ## Why it matters
//! A dataset that is still being prepared may miss the window; a fine-tuned model stops
//! serving at its base model's shutdown. Time to plan the move to another target.
//!
//! ## Example
//! `ftlint check` (default `gpt-4o-mini-2024-07-18` on `openai`) on 2026-12-01.
//!
//! ## Configuration
//! The dates are data (see T004). `--ignore T005` once the move is planned.
use crate::diagnostic::{Finding, Target};
use crate::rules::tokens::t004_model_retired::help;
use crate::rules::{RunCtx, Rule, RuleDef, RuleMeta, Severity};
use crate::targets::Lifecycle;

pub static RULE: RuleDef = RuleDef {
    run: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::T005,
        name: "model-retiring",
        severity: Severity::Warning,
        summary: "The model's last day for new fine-tuning jobs is within 60 days",
    })
};

fn check(run: &RunCtx<'_>, out: &mut Vec<Finding>) {
    let Some(model) = run.model else {
        return;
    };
    if let Lifecycle::Closing {
        days_left,
        last_day,
    } = model.lifecycle(run.today)
    {
        let when = match days_left {
            0 => "today is the last day".to_owned(),
            1 => "1 day left".to_owned(),
            n => format!("{n} days left"),
        };
        let shut = model
            .shutdown
            .map(|d| format!("; the model shuts down on {d}"))
            .unwrap_or_default();
        out.push(
            Finding::new(
                &RULE.meta,
                Target::Line,
                format!(
                    "`{}` takes new fine-tuning jobs on `{}` until {last_day} ({when}){shut}",
                    model.name, run.target.name
                ),
            )
            .help(help(model)),
        );
    }
}
