//! ## What it checks
//! Counts each example's tokens with the selected model's tokenizer (`o200k_base` for GPT-4o and
//! GPT-4.1, `cl100k_base` for GPT-3.5 Turbo, babbage-002 and davinci-002), using the OpenAI
//! cookbook's formula: 3 tokens per message plus the tokens of each of its string fields
//! (`role`, `content`, `name` + 1, tool calls), the tool definitions, and 3 for the reply. An
//! example over the model's training context (e.g. 65,536 tokens for gpt-4o-mini-2024-07-18,
//! 4,096 for gpt-3.5-turbo-0613) is reported, with how many tokens it is over. The finding
//! spans the whole example (its object, from the opening `{`).
//! ## Why it matters
//! The service does not reject such an example: it silently truncates it from the end to fit
//! the context. What is cut is the end of the conversation — usually the final assistant reply
//! that the example exists to teach — so the model trains on a conversation with its answer
//! missing, and you still pay for the tokens up to the limit.
//! ## Example
//! With `--model gpt-3.5-turbo-0613` (4,096 tokens), a line whose messages add up to 5,000
//! tokens:
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Summarize: <a 20,000-character report>"}, {"role": "assistant", "content": "The report finds…"}]}
//! ```
//!
//! With an open model's own tokenizer (`--tokenizer`, or the model's tokenizer found in the
//! local Hugging Face cache), the example is rendered with the model's chat template and
//! counted exactly, and the finding says where the cut falls: it points at the character of
//! the message's `content` where the first dropped token starts (exact column, through the
//! string's escapes), names the message (`in `messages[2]` (`assistant`) at character 57 of its
//! content`, or `before the content of `messages[2]`` when the cut falls in the template's framing
//! between messages) and how many of the example's assistant tokens are kept. When none are,
//! T006 reports the example as an error too. ShareGPT, Alpaca, TRL and preference records are
//! rendered as the chat messages they convert to, and the cut is named in their own strings
//! (`in `conversations[0].value` (`human`) at character 14`, `in `input` (`user`) …`).
//! ## Configuration
//! `--model NAME` (or `model` in the config) selects the context and tokenizer; models added in
//! the config's models table bring their own `context`. `--max-length N` (config `max-length`)
//! is the trainer's limit (TRL's `max_length`) and replaces the model's context.

use crate::diagnostic::{Finding, Target};
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use crate::tokens::thousands;


pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    uses_tokens: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::T001,
        name: "example-too-long",
        severity: Severity::Warning,
        summary: "An example exceeds the model's training context and will be truncated from the end",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    let Some((tokens, model)) = ex.tokens else {
        return;
    };
    if excess(tokens, model.context).is_none() {
        return;
    }
    let limit = Limit {
        tokens: model.context,
        model: &model.name,
        max_length: ex.max_length.is_some(),
    };
    let finding = match ex.cut() {
        Some(cut) => {
            let at = super::cut_at(ex, cut);
            Finding::new(&RULE.meta, at.target, cut_message(&limit, cut, &at.place))
                .help(help(tokens, model.context))
        }
        None => Finding::new(&RULE.meta, Target::Line, limit.message(tokens))
            .help(help(tokens, model.context)),
    };
    out.push(finding);
}

/// The limit an example is judged by: the model's context, or the trainer's `--max-length`.
pub struct Limit<'a> {
    pub tokens: u32,
    pub model: &'a str,
    pub max_length: bool,
}

impl Limit<'_> {
    /// `example has `5,000` tokens, `904` over …; … truncates it from the end`.
    fn message(&self, tokens: u64) -> String {
        if self.max_length {
            let over = tokens.saturating_sub(u64::from(self.tokens));
            format!(
                "example has `{}` tokens, `{}` over the max length of `{}` tokens; the trainer \
                 truncates it from the end",
                thousands(tokens),
                thousands(over),
                thousands(u64::from(self.tokens)),
            )
        } else {
            message(tokens, self.tokens, self.model)
        }
    }
}

/// The message when the open model's tokenizer says where the cut falls: `example has `5,000`
/// tokens, `904` over …; the cut falls in `messages[2]` (`assistant`) at character 57 of
/// its content: `12` of `340` assistant tokens are kept`.
pub fn cut_message(limit: &Limit<'_>, cut: &crate::tokens::hf::Cut, place: &str) -> String {
    format!(
        "{}; the cut falls {place}: `{}` of `{}` assistant tokens are kept",
        limit.message(cut.total),
        thousands(cut.assistant_kept),
        thousands(cut.assistant_total),
    )
}

/// How many tokens `tokens` is over `context`, or `None` if it fits.
pub fn excess(tokens: u64, context: u32) -> Option<u64> {
    tokens
        .checked_sub(u64::from(context))
        .filter(|over| *over > 0)
}

/// Byte range of the example in its raw line: from the first character that is not whitespace
/// (nor a byte-order mark) to the end of the line without trailing whitespace — the whole
/// object, since the finding is about the example as a whole.
pub fn span(raw_line: &str) -> std::ops::Range<usize> {
    let is_blank = |c: char| c.is_whitespace() || c == '\u{feff}';
    let start = raw_line.len() - raw_line.trim_start_matches(is_blank).len();
    let end = raw_line.trim_end_matches(is_blank).len().max(start);
    start..end
}

/// `example has `5,000` tokens, `904` over the `4,096`-token context of
/// `gpt-3.5-turbo-0613`; the service truncates it from the end`
pub fn message(tokens: u64, context: u32, model: &str) -> String {
    let over = tokens.saturating_sub(u64::from(context));
    format!(
        "example has `{}` tokens, `{}` over the `{}`-token context of `{model}`; \
         the service truncates it from the end",
        thousands(tokens),
        thousands(over),
        thousands(u64::from(context)),
    )
}

/// Help: what to do about it.
pub fn help(tokens: u64, context: u32) -> String {
    let over = tokens.saturating_sub(u64::from(context));
    format!(
        "shorten or split this conversation by at least {} tokens, or choose a model with a \
         longer context; as is, its last {} tokens (typically the assistant's answer) are not \
         trained on",
        thousands(over),
        thousands(over),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::Target;
    use crate::tokens::count_example;

    #[test]
    fn excess_and_wording() {
        assert_eq!(excess(4096, 4096), None);
        assert_eq!(excess(10, 4096), None);
        assert_eq!(excess(5000, 4096), Some(904));
        assert_eq!(
            message(5000, 4096, "gpt-3.5-turbo-0613"),
            "example has `5,000` tokens, `904` over the `4,096`-token context of \
             `gpt-3.5-turbo-0613`; the service truncates it from the end"
        );
        assert!(help(5000, 4096).contains("at least 904 tokens"));
    }

    #[test]
    fn span_covers_the_object() {
        assert_eq!(span(r#"{"messages": []}"#), 0..16);
        assert_eq!(span("\u{feff}  {\"a\": 1}\r"), 5..13);
        assert_eq!(span("   "), 3..3);
        assert_eq!(span(""), 0..0);
    }

    /// The fixtures (see fixtures/T001/README.md: they need `--model gpt-3.5-turbo-0613`):
    /// every invalid line is over 4,096 tokens, every valid line within it — and, at the
    /// default model's 65,536, nothing is.
    #[test]
    fn fixtures_trigger_on_the_right_lines() {
        let target = Target::builtin("openai").unwrap();
        let small = target.model("gpt-3.5-turbo-0613").unwrap();
        let default = target.default_model();
        let over = |text: &str, model: &crate::targets::Model| -> Vec<usize> {
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .filter(|(_, l)| {
                    let v: serde_json::Value = serde_json::from_str(l).unwrap();
                    excess(count_example(target.counter(model).unwrap(), &v).total, model.context).is_some()
                })
                .map(|(i, _)| i + 1)
                .collect()
        };
        let invalid = include_str!("../../../fixtures/T001/invalid.jsonl");
        let valid = include_str!("../../../fixtures/T001/valid.jsonl");
        let n_invalid = invalid.lines().filter(|l| !l.trim().is_empty()).count();
        assert_eq!(over(invalid, small), (1..=n_invalid).collect::<Vec<_>>());
        assert_eq!(over(valid, small), Vec::<usize>::new());
        assert_eq!(over(invalid, default), Vec::<usize>::new());
    }
}
