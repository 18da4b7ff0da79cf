//! ## What it checks
//! A model whose last day for new fine-tuning jobs has passed on the target: OpenAI's
//! `gpt-4.1-nano-2025-04-14` and `gpt-3.5-turbo-0125` (shut down 2026-10-23), and every OpenAI
//! model after 2027-01-06, when OpenAI's self-serve fine-tuning stops taking new jobs.
//! Reported once per file, with the date, what the target recommends instead and the source.
//!
//! ## Why it matters
//! The job cannot be created at all: whatever else the file gets right, it will not be
//! trained on this model.
//!
//! ## Example
//! `ftlint check --model gpt-4.1-nano-2025-04-14` on any file.
//!
//! ## Configuration
//! The dates are data, in each model's `last_training_day`, `shutdown`, `replacement` and
//! `lifecycle_source` (`ftlint target NAME`); a config `[[models]]` entry of the same name
//! replaces them. "Today" is the system date, or `FTLINT_TODAY=YYYY-MM-DD` to ask what ftlint
//! will say on another day.
use crate::diagnostic::{Finding, Target};
use crate::rules::{RunCtx, Rule, RuleDef, RuleMeta, Severity};
use crate::targets::{Lifecycle, Model};

pub static RULE: RuleDef = RuleDef {
    run: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::T004,
        name: "model-retired",
        severity: Severity::Error,
        summary: "The model's last day for new fine-tuning jobs has passed",
    })
};

fn check(run: &RunCtx<'_>, out: &mut Vec<Finding>) {
    let Some(model) = run.model else {
        return;
    };
    if let Lifecycle::Closed { last_day } = model.lifecycle(run.today) {
        let shut = match model.shutdown {
            Some(d) if d <= run.today => format!("; the model shut down on {d}"),
            Some(d) => format!("; the model shuts down on {d}"),
            None => String::new(),
        };
        out.push(
            Finding::new(
                &RULE.meta,
                Target::Line,
                format!(
                    "`{}` can no longer be fine-tuned on `{}`: the last day for new jobs was {last_day}{shut}",
                    model.name, run.target.name
                ),
            )
            .help(help(model)),
        );
    }
}

/// What to use instead, and where the dates come from.
pub fn help(model: &Model) -> String {
    let mut help = match &model.replacement {
        Some(r) => format!("use {r}"),
        None => "choose another model with `--model`, or another service with `--target`".into(),
    };
    if let Some(source) = &model.lifecycle_source {
        help.push_str(&format!(" (dates: {source})"));
    }
    help
}
