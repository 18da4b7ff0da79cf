//! F — ShareGPT conversations as LLaMA-Factory reads them (`sharegpt` target):
//! `{"conversations": [{"from": …, "value": …}], "system": …, "tools": …}`, and Axolotl's
//! `{role, content}` turns. The structure is `rules/schemas/sharegpt.schema.json`; the turns'
//! tags and their order (the loader's odd/even rule, `rules/sharegpt/tags.toml`) are Rust, one
//! file a rule. `F` for the `from` tag every turn carries.

// The family's rule files (`fNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_sharegpt.rs"));

use crate::json::Pointer;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Where a tag may stand in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// The first turn only: the system prompt.
    System,
    /// Odd positions after the system turn (the user, tool results).
    Prompt,
    /// Even positions (the assistant, tool calls): what is trained on.
    Answer,
}

/// The two ways a turn names its speaker and text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// LLaMA-Factory's default `from` / `value`.
    FromValue,
    /// Axolotl's (and LLaMA-Factory's OpenAI-style) `role` / `content`.
    RoleContent,
}

impl Style {
    pub fn tag_key(self) -> &'static str {
        match self {
            Style::FromValue => "from",
            Style::RoleContent => "role",
        }
    }

    pub fn text_key(self) -> &'static str {
        match self {
            Style::FromValue => "value",
            Style::RoleContent => "content",
        }
    }

    /// The tags this style takes, with where each may stand.
    pub fn tags(self) -> &'static BTreeMap<String, Place> {
        match self {
            Style::FromValue => &TAGS.from,
            Style::RoleContent => &TAGS.role,
        }
    }

    /// Where `tag` may stand; `None` for a tag this style does not take.
    pub fn place(self, tag: &str) -> Option<Place> {
        self.tags().get(tag).copied()
    }
}

#[derive(serde::Deserialize)]
struct Tags {
    from: BTreeMap<String, Place>,
    role: BTreeMap<String, Place>,
}

static TAGS: LazyLock<Tags> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../rules/sharegpt/tags.toml"))
        .expect("embedded rules/sharegpt/tags.toml is valid (a test parses it)")
});

/// One entry of `conversations`, as far as it can be read.
pub struct Turn<'a> {
    pub pointer: Pointer,
    /// The style its keys say (`from`/`value` wins when both are present: F002 reports it).
    pub style: Option<Style>,
    /// Both styles' keys on one turn.
    pub mixed: bool,
    /// The tag, when a string.
    pub tag: Option<&'a str>,
    /// The text, when a string.
    pub text: Option<&'a str>,
}

/// The turns of a ShareGPT line (objects only; anything else is F001's).
pub fn turns(v: &Value) -> Vec<Turn<'_>> {
    let Some(list) = v.get("conversations").and_then(Value::as_array) else {
        return Vec::new();
    };
    let base = Pointer::root().key("conversations");
    list.iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let obj = t.as_object()?;
            let has = |k: &str| obj.contains_key(k);
            let from_value = has("from") || has("value");
            let role_content = has("role") || has("content");
            let style = if from_value {
                Some(Style::FromValue)
            } else if role_content {
                Some(Style::RoleContent)
            } else {
                None
            };
            Some(Turn {
                pointer: base.index(i),
                style,
                mixed: from_value && role_content,
                tag: style.and_then(|s| obj.get(s.tag_key())?.as_str()),
                text: style.and_then(|s| obj.get(s.text_key())?.as_str()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_and_cover_llama_factory_defaults() {
        for tag in ["human", "gpt", "observation", "function_call", "system"] {
            assert!(Style::FromValue.place(tag).is_some(), "{tag}");
            assert!(Style::RoleContent.place(tag).is_some(), "{tag}");
        }
        assert_eq!(Style::FromValue.place("user"), None);
        assert_eq!(Style::RoleContent.place("user"), Some(Place::Prompt));
        assert_eq!(Style::RoleContent.place("assistant"), Some(Place::Answer));
    }
}

/// The checks of LLaMA-Factory's columns that ShareGPT and Alpaca entries share (KTO tags,
/// media), worded once: F005–F007 and A005–A007 call them for their format.
pub mod columns {
    use crate::diagnostic::{Finding, Target};
    use crate::llamafactory::{self, Mapping};
    use crate::rules::{ExampleCtx, RuleMeta};

    /// The entry and the view, when `ex` is read through a `dataset_info.json` entry.
    fn mapped<'a>(ex: &'a ExampleCtx<'_>) -> Option<&'a Mapping> {
        ex.mapping.filter(|m| m.format == ex.format)
    }

    /// A mapped `kto_tag` that is not a boolean.
    pub fn kto(meta: &'static RuleMeta, ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
        let Some(m) = mapped(ex) else { return };
        let Some(issue) = llamafactory::kto_issue(m, ex.value) else {
            return;
        };
        let column = m.kto_tag.as_deref().unwrap_or_default();
        let f = match issue.value {
            None => Finding::new(
                meta,
                Target::ObjectStart(crate::json::Pointer::root()),
                format!("the line has no `{column}` (the entry's `kto_tag` column)"),
            ),
            Some(v) => Finding::new(
                meta,
                Target::Value(issue.pointer),
                format!(
                    "`{column}` is {}, not a boolean; LLaMA-Factory reads the example as KTO data only when its `kto_tag` is `true` or `false`",
                    crate::rules::schema::describe(v)
                ),
            ),
        };
        out.push(f.help(format!(
            "write `true` (a desirable answer) or `false` (an undesirable one): otherwise the example is trained as a plain supervised one, silently (entry `{}`)",
            m.name
        )));
    }

    /// Media items and placeholders that differ in number.
    pub fn media_count(meta: &'static RuleMeta, ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
        let Some(m) = mapped(ex) else { return };
        for u in llamafactory::media(m, ex.value) {
            if u.listed == u.placeholders {
                continue;
            }
            let kind = u.media.column();
            let ph = u.media.placeholder();
            let column = m.media_column(u.media).unwrap_or(kind);
            let target = if u.listed == 0 {
                Target::ObjectStart(crate::json::Pointer::root())
            } else {
                Target::Value(u.pointer)
            };
            out.push(
                Finding::new(
                    meta,
                    target,
                    format!(
                        "{} item{} in `{column}` but {} `{ph}` placeholder{} in the turns; LLaMA-Factory stops: \"The number of {kind} does not match the number of {ph} tokens\"",
                        u.listed,
                        if u.listed == 1 { "" } else { "s" },
                        u.placeholders,
                        if u.placeholders == 1 { "" } else { "s" }
                    ),
                )
                .help(format!(
                    "put one `{ph}` in the text where each item of `{column}` goes, in order (the system prompt does not count)"
                )),
            );
        }
    }

    /// Local media paths that are not in LLaMA-Factory's `media_dir`.
    pub fn media_files(meta: &'static RuleMeta, ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
        let Some(m) = mapped(ex) else { return };
        for u in llamafactory::media(m, ex.value) {
            for (pointer, path) in u.paths {
                if !llamafactory::is_local_path(path) || path.is_empty() {
                    continue;
                }
                if m.media_dir.join(path).is_file() {
                    continue;
                }
                out.push(
                    Finding::new(
                        meta,
                        Target::Value(pointer),
                        format!(
                            "`{path}` is not a file in LLaMA-Factory's `media_dir` (`{}`, the folder of `dataset_info.json`)",
                            display_dir(&m.media_dir)
                        ),
                    )
                    .help("LLaMA-Factory then opens the path as written, relative to where training runs (\"Media … does not exist in `media_dir`. Use original path.\"); put the file under the dataset folder, or set `media_dir`"),
                );
            }
        }
    }

    fn display_dir(p: &std::path::Path) -> String {
        let s = p.to_string_lossy().replace('\\', "/");
        if s.is_empty() {
            ".".into()
        } else {
            s
        }
    }
}
