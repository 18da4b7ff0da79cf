//! T — tokens: examples longer than the model's training context, unknown `--model` names.
//!
//! Counting itself lives in `crate::tokens` (the engine counts each example once, for the report
//! and these rules); these files hold each rule's documentation, metadata, wording and hook.

// The family's rule files (`tNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_tokens.rs"));

use crate::diagnostic::Target;
use crate::rules::ExampleCtx;
use crate::tokens::hf::Cut;

/// Where a cut is reported: the character of the message's content where the first dropped
/// token starts (or the line, when the cut falls after every message's content), and how the
/// message words that place.
pub struct CutAt {
    pub target: Target,
    pub place: String,
}

/// The finding's place for `cut` in `ex` (shared by T001 and T006): the character of the
/// record's own string where the first dropped token starts, through the message's source
/// (`ExampleCtx::hf`'s `sources`), in every conversational format.
pub fn cut_at(ex: &ExampleCtx<'_>, cut: &Cut) -> CutAt {
    let Some(i) = cut.message else {
        return CutAt {
            target: Target::Line,
            place: "after the content of the last message (in the template's closing tokens)"
                .to_owned(),
        };
    };
    let source = ex.hf.and_then(|hf| hf.sources.get(i));
    let Some(source) = source else {
        return CutAt {
            target: Target::Line,
            place: format!("in message {} of the conversation", i + 1),
        };
    };
    let role = &source.role;
    // The message's place: `messages[2]`; the line itself for Alpaca's top-level fields.
    let message = if source.at.0.is_empty() || source.at.last_key().is_some() {
        None
    } else {
        Some(source.at.dotted())
    };
    let whole = |what: &str| CutAt {
        target: Target::Line,
        place: format!("{what} (`{role}`)"),
    };
    // The part of the content the cut falls in: the last that starts at or before it.
    let Some((start, pointer)) = source.parts.iter().rev().find(|(s, _)| *s <= cut.at) else {
        return match &message {
            Some(m) => whole(&format!("in `{m}`")),
            None => whole(&format!("in message {} of the conversation", i + 1)),
        };
    };
    let text = pointer
        .resolve(ex.value)
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    // A cut in the text that joins two parts (Alpaca's) is named at the end of the first.
    let mut at = (cut.at - start).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    // The line's own key under a `dataset_info.json` entry (`pointer` is the view's).
    let in_line = ex.mapping.map(|m| m.user_pointer(pointer));
    let target =
        crate::rules::bedrock::in_string(ex.text, in_line.as_ref().unwrap_or(pointer), at..end);
    let character = text[..at].chars().count() + 1;
    // `messages[i].content`: said as the message and "its content", as for OpenAI chat.
    let own_content = message.is_some()
        && pointer.parent().as_ref() == Some(&source.at)
        && pointer.last_key() == Some("content");
    let place = match (cut.before_content, own_content, &message) {
        (true, true, Some(m)) => {
            format!("before the content of `{m}` (`{role}`), in the template's framing")
        }
        (true, _, _) => format!(
            "before `{}` (`{role}`), in the template's framing",
            pointer.dotted()
        ),
        (false, true, Some(m)) => {
            format!("in `{m}` (`{role}`) at character {character} of its content")
        }
        (false, _, _) => format!(
            "in `{}` (`{role}`) at character {character}",
            pointer.dotted()
        ),
    };
    CutAt { target, place }
}
