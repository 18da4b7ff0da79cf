//! T — tokens: examples longer than the model's training context, unknown `--model` names.
//!
//! Counting itself lives in `crate::tokens` (the engine counts each example once, for the report
//! and these rules); these files hold each rule's documentation, metadata, wording and hook.

// The family's rule files (`tNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_tokens.rs"));

use crate::diagnostic::Target;
use crate::json::Pointer;
use crate::rules::ExampleCtx;
use crate::tokens::hf::Cut;

/// Where a cut is reported: the character of the message's content where the first dropped
/// token starts (or the line, when the cut falls after every message's content), and how the
/// message words that place.
pub struct CutAt {
    pub target: Target,
    pub place: String,
}

/// The finding's place for `cut` in `ex` (shared by T001 and T006).
pub fn cut_at(ex: &ExampleCtx<'_>, cut: &Cut) -> CutAt {
    let Some(i) = cut.message else {
        return CutAt {
            target: Target::Line,
            place: "after the content of the last message (in the template's closing tokens)"
                .to_owned(),
        };
    };
    let message = ex.value.get("messages").and_then(|m| m.get(i));
    let role = message
        .and_then(|m| m.get("role"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("?");
    let content = message
        .and_then(|m| m.get("content"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    let mut at = cut.at.min(content.len());
    while !content.is_char_boundary(at) {
        at -= 1;
    }
    let end = content[at..]
        .chars()
        .next()
        .map_or(at, |c| at + c.len_utf8());
    let pointer = Pointer::root().key("messages").index(i).key("content");
    let target = crate::rules::bedrock::in_string(ex.text, &pointer, at..end);
    let character = content[..at].chars().count() + 1;
    let place = if cut.before_content {
        format!("before the content of `messages[{i}]` (`{role}`), in the template's framing")
    } else {
        format!("in `messages[{i}]` (`{role}`) at character {character} of its content")
    };
    CutAt { target, place }
}
