//! ## What it checks
//! Credentials written into message text, each named by its provider: OpenAI (`sk-…`,
//! `sk-proj-…`), Anthropic (`sk-ant-api03-…`), AWS access key IDs (`AKIA…`, `ASIA…`, `A3T…`) and
//! secret access keys next to their ID, GitHub (`ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`,
//! `github_pat_`), GitLab (`glpat-` incl. routable `….01.…`, `glrt-`, `gldt-`, `glptt-`, …), Slack
//! (`xoxb-`, `xoxp-`, `xoxe.xoxp-`, `xoxe-1-`, `xoxa-2-`, `xapp-`, webhook URLs), Google
//! (`AIza…`), JSON Web Tokens (signed or unsigned), PEM and PGP private-key blocks, Hugging Face
//! (`hf_`, `api_org_`), Stripe (`sk_live_`, `rk_live_`, …), npm, PyPI, Telegram, Discord, Twilio,
//! SendGrid and Azure (Entra client secrets, storage account keys).
//!
//! A match reports only when its structure is a real key's: the CRC32 checksum of GitHub's
//! 40-character tokens, a JWT header (with `alg`) and payload that decode to JSON objects, a
//! private-key block with a base64 body. Placeholders (`sk-proj-XXXX…`, `sk-your-key-here`, runs
//! of one character) stay silent; `sk-` in prose (`sk-learn`) is too short to match. Keys that
//! providers publish as examples (`AKIAIOSFODNN7EXAMPLE`, the jwt.io token) are S011's, an info.
//! The span covers the key exactly, even through JSON escapes. The message shows only a redacted
//! form (`sk-proj-A1b2…t0`), and so do snippets, the `--fix --dry-run` diff and every output format.
//! ## Why it matters
//! A fine-tuned model can reproduce what it was trained on: a key in a training file is a key
//! anyone using the model may extract. Once uploaded it has also left your control.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Why does my script fail?"}, {"role": "assistant", "content": "Set OPENAI_API_KEY=sk-proj-Q7wErT9yUiOp3AsDfGh2JkLzXcVbNm4QwErTyUiO and retry."}]}
//! ```
//! ## Fix
//! Unsafe (`--fix --unsafe-fixes`): the key is replaced, inside its JSON string, by a placeholder
//! named after its label — `<OPENAI_API_KEY>`, `<GITHUB_TOKEN>`, `<AWS_SECRET_ACCESS_KEY>`,
//! `<PRIVATE_KEY>` —, also when it is written with `\u` escapes. Revoke the key as well: it has
//! already left your hands.
//! ## Configuration
//! Add patterns or allow-list known test keys in the `sensitive` section of the configuration
//! (same fields as `rules/sensitive/s001_secret.toml`, where every pattern names its source).

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
