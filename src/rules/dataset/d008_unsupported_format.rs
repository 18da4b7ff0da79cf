//! ## What it checks
//! A file whose format (the one most of its lines are in) is not one the target accepts: a
//! Gemini `contents` file for `--target together`, a prompt/completion file for
//! `--target azure-openai`, OpenAI chat for `--target bedrock-llama`. Said once, for the
//! file, naming the format found, the formats the target accepts, and the targets that take
//! this format.
//!
//! ## Why it matters
//! The service rejects the whole file at upload or validation. Saying it once for the file,
//! rather than once per line, keeps the real question in front: is this the right target, or
//! does the file need converting?
//!
//! ## Example
//! With `--target azure-openai` (chat, preference and reinforcement only):
//! ```jsonl
//! {"prompt": "Translate: cheese", "completion": " fromage"}
//! ```
//!
//! ## Configuration
//! The accepted formats are the target's `formats` (`ftlint target NAME` lists them).
use crate::diagnostic::Diagnostic;
use crate::format::Format;
use crate::rules::{AtEnd, FileFacts};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};
use crate::targets::Target;

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&AtEnd(verdict)),
    ..RuleDef::new(RuleMeta {
        rule: Rule::D008,
        name: "unsupported-format",
        severity: Severity::Error,
        summary: "The file's format is not one the target accepts",
    })
};

fn verdict(file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
    let Some((format, first)) = file.dominant else {
        return;
    };
    if file.target.accepts(format) {
        return;
    }
    out.push(diagnostic(file.target, format, first, file.format_fixed));
}

pub fn diagnostic(target: &Target, format: Format, first: u64, forced: bool) -> Diagnostic {
    let accepted: Vec<String> = target.formats.iter().map(|f| format!("`{f}`")).collect();
    let found = if forced {
        format!("the file is checked as `{format}` (`--format {format}`)")
    } else {
        format!("the file is in `{format}` format (first at line {first})")
    };
    let others: Vec<String> = Target::builtins()
        .iter()
        .filter(|t| t.accepts(format))
        .map(|t| format!("`--target {}`", t.name))
        .collect();
    let help = if others.is_empty() {
        format!("convert the file to one of the formats `{}` accepts", target.name)
    } else {
        format!(
            "if the file is meant for another service, say so ({}); otherwise convert it to a format `{}` accepts",
            others.join(", "),
            target.name
        )
    };
    Diagnostic::file_level(
        &RULE.meta,
        format!(
            "{found}, which target `{}` does not accept; it accepts {}",
            target.name,
            accepted.join(", ")
        ),
    )
    .with_help(help)
}
