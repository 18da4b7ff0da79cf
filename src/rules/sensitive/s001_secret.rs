//! ## What it checks
//! Credentials written into message text: OpenAI API keys (`sk-…`, `sk-proj-…`), AWS access key
//! IDs (`AKIA…`), GitHub (`ghp_…`, `github_pat_…`), GitLab (`glpat-…`) and Slack (`xoxb-…`)
//! tokens, Google API keys (`AIza…`), JSON Web Tokens and PEM private-key blocks. A key must look
//! random (upper case, lower case and digits, no long runs), so placeholders such as
//! `sk-proj-XXXXXXXX…` or `sk-your-key-here` stay silent; `sk-` in prose (`sk-learn`) is too short
//! to match. The span covers the key exactly, even through JSON escapes. The message shows only a
//! redacted form (`sk-proj-A1b2…t0`).
//! ## Why it matters
//! A fine-tuned model can reproduce what it was trained on: a key in a training file is a key
//! anyone using the model may extract. Once uploaded it has also left your control.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Why does my script fail?"}, {"role": "assistant", "content": "Set OPENAI_API_KEY=sk-proj-Q7wErT9yUiOp3AsDfGh2JkLzXcVbNm4QwErTyUiO and retry."}]}
//! ```
//! ## Configuration
//! Add patterns or allow-list known test keys in the `sensitive` section of the configuration
//! (same fields as `rules/sensitive/s001_secret.toml`). The AWS documentation key
//! `AKIAIOSFODNN7EXAMPLE` is allowed by default.

use crate::diagnostic::Finding;
use crate::sensitive::Kind;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = super::redacting(RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::S001,
        name: "secret",
        severity: Severity::Error,
        summary: "A credential (API key, token, private key) in message text",
    })
});

/// `` OpenAI API key `sk-proj-A1b2…t0` `` — `redacted` must already be redacted.
fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, Kind::Secret, out);
}

pub fn message(label: &str, redacted: &str) -> String {
    format!("{label} `{redacted}`")
}

pub fn help() -> String {
    "remove it from the data and revoke it: a model can repeat anything it was trained on".into()
}
