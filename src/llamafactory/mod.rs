//! LLaMA-Factory's `dataset_info.json`: which entry describes a file, and the entry's column and
//! tag names. A mapped line is checked through a *view* with LLaMA-Factory's default names
//! (`instruction`, `conversations`, `from`/`value`, `human`/`gpt`, …) so that every ShareGPT
//! and Alpaca rule reads it unchanged; [`View::translate`] then gives each finding back the
//! user's own names (its pointer, so the position is in the user's key, and its wording).
//! Facts and sources: `rules/llamafactory/dataset_info.toml`.
//!
//! `info` reads `dataset_info.json` (discovery, the entry, its errors); `media` holds what the
//! KTO and media rules read of an example.

mod info;
mod media;
#[cfg(test)]
mod tests;

pub use info::{discover, for_file, lookup, InfoError};
pub use media::{is_local_path, kto_issue, media, KtoIssue, Media, MediaUse};

use crate::diagnostic::{Finding, Target};
use crate::format::Format;
use crate::json::pointer::Seg;
use crate::json::Pointer;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::LazyLock;

/// The file LLaMA-Factory reads in its `dataset_dir` (`DATA_CONFIG`).
pub const FILE_NAME: &str = "dataset_info.json";

#[derive(serde::Deserialize)]
struct Facts {
    columns: BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
    placeholders: BTreeMap<String, String>,
}

static FACTS: LazyLock<Facts> = LazyLock::new(|| {
    toml::from_str(include_str!("../../rules/llamafactory/dataset_info.toml"))
        .expect("embedded rules/llamafactory/dataset_info.toml is valid (a test parses it)")
});

/// The entry that describes a checked file, resolved: the format it decides and, for each of
/// LLaMA-Factory's default names, the user's name (`None`: the column or tag is not read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// The entry's name in `dataset_info.json`.
    pub name: String,
    /// The `dataset_info.json` it came from.
    pub info: PathBuf,
    pub format: Format,
    pub ranking: bool,
    /// canonical column name (`instruction`, `conversations`, `system`, …) → the user's.
    columns: Vec<(&'static str, Option<String>)>,
    /// ShareGPT: `from`, `value`, `human`, `gpt`, `observation`, `function_call`, `system` →
    /// the user's tag (or none).
    tags: Vec<(&'static str, Option<String>)>,
    /// The user's `kto_tag`, `chosen`, `rejected` columns (read by the KTO and ranking checks
    /// on the original line).
    pub kto_tag: Option<String>,
    pub chosen: Option<String>,
    pub rejected: Option<String>,
    /// LLaMA-Factory's `media_dir` (its default, the dataset dir).
    pub media_dir: PathBuf,
}

/// The ftlint (canonical) name of each of parser.py's column attributes.
const COLUMN_NAMES: [(&str, &str); 10] = [
    ("prompt", "instruction"),
    ("query", "input"),
    ("response", "output"),
    ("history", "history"),
    ("messages", "conversations"),
    ("system", "system"),
    ("tools", "tools"),
    ("images", "images"),
    ("videos", "videos"),
    ("audios", "audios"),
];

/// The `from`-style name of each of parser.py's tag attributes.
const TAG_NAMES: [(&str, &str); 7] = [
    ("role_tag", "from"),
    ("content_tag", "value"),
    ("user_tag", "human"),
    ("assistant_tag", "gpt"),
    ("observation_tag", "observation"),
    ("function_tag", "function_call"),
    ("system_tag", "system"),
];

/// Marks a key or tag of the user's line that has a default name LLaMA-Factory does not read
/// under this entry (`conversations` when the entry maps `messages` to `conversation`): the
/// view renames it so that no rule takes it for the mapped one. [`View::translate`] removes
/// the mark.
const SHADOWED: char = '\u{1}';

impl Mapping {
    /// The user's name for `canonical` (a column or a tag), if LLaMA-Factory reads it.
    pub fn user_name(&self, canonical: &str) -> Option<&str> {
        self.columns
            .iter()
            .chain(&self.tags)
            .find(|(c, _)| *c == canonical)
            .and_then(|(_, u)| u.as_deref())
    }

    /// The view's key of the user's column `user` (see [`rename`]).
    pub fn in_view(&self, user: &str) -> String {
        if let Some((c, _)) = self
            .columns
            .iter()
            .find(|(_, u)| u.as_deref() == Some(user))
        {
            (*c).to_owned()
        } else if self.columns.iter().any(|(c, _)| *c == user) {
            format!("{user}{SHADOWED}")
        } else {
            user.to_owned()
        }
    }

    /// Whether the entry takes the ShareGPT tag `canonical` (`human`, `gpt`, `observation`,
    /// `function_call`, `system`): an entry with `tags` takes only those it lists.
    pub fn takes_tag(&self, canonical: &str) -> bool {
        self.tags[2..]
            .iter()
            .any(|(c, u)| *c == canonical && u.is_some())
    }

    /// Why a tag of the view is refused, when the entry is the reason: a default tag the
    /// entry's `tags` leaves out (LLaMA-Factory sets an unlisted tag to None).
    pub fn tag_hint(&self, tag_in_view: &str) -> Option<String> {
        let tag = tag_in_view.strip_suffix(SHADOWED)?;
        if self.takes_tag(tag) {
            return None; // taken under another name: the list of tags says which
        }
        let (attr, _) = TAG_NAMES.iter().find(|(_, c)| *c == tag)?;
        Some(format!(
            "; entry `{}` of `{}` has `tags` without `{attr}`, so LLaMA-Factory takes no `{tag}` turn (add `\"{attr}\": \"{tag}\"` to its `tags`)",
            self.name, FILE_NAME
        ))
    }

    /// The user's column for a media kind, if mapped.
    pub fn media_column(&self, m: Media) -> Option<&str> {
        self.columns
            .iter()
            .find(|(c, _)| *c == m.column())
            .and_then(|(_, u)| u.as_deref())
    }

    /// One line as the rules read it: the user's columns (and, for ShareGPT, turn keys and
    /// tags) under LLaMA-Factory's default names.
    pub fn view(&self, v: &Value) -> Value {
        let Value::Object(obj) = v else {
            return v.clone();
        };
        let mut out = rename(obj, &self.columns);
        if self.format == Format::Sharegpt {
            if let Some(Value::Array(turns)) = out.get_mut("conversations") {
                for t in turns.iter_mut() {
                    if let Value::Object(turn) = t {
                        let keys: Vec<_> = self.tags[..2].to_vec();
                        let mut renamed = rename(turn, &keys);
                        if let Some(Value::String(tag)) = renamed.get_mut("from") {
                            *tag = self.tag_in_view(tag);
                        }
                        *turn = renamed;
                    }
                }
            }
        }
        Value::Object(out)
    }

    /// The view's name of a tag value of the user's line.
    fn tag_in_view(&self, tag: &str) -> String {
        if let Some((c, _)) = self.tags[2..]
            .iter()
            .find(|(_, u)| u.as_deref() == Some(tag))
        {
            return (*c).to_owned();
        }
        if self.tags[2..].iter().any(|(c, _)| *c == tag) {
            // A default tag this entry does not take: the loader skips the example.
            return format!("{tag}{SHADOWED}");
        }
        tag.to_owned()
    }

    /// Gives a finding on the view back the user's names: its pointer and its wording. Fixes
    /// are dropped (they were written for the default names).
    pub fn translate(&self, mut f: Finding) -> Finding {
        let map_ptr = |p: &Pointer| self.user_pointer(p);
        let shadowed = match &f.target {
            Target::Value(p) | Target::Key(p) | Target::ObjectStart(p) => {
                p.0.iter().find_map(|s| match s {
                    Seg::Key(k) => k.strip_suffix(SHADOWED).map(str::to_owned),
                    Seg::Index(_) => None,
                })
            }
            _ => None,
        };
        f.target = match f.target {
            Target::Value(p) => Target::Value(map_ptr(&p)),
            Target::Key(p) => Target::Key(map_ptr(&p)),
            Target::ObjectStart(p) => Target::ObjectStart(map_ptr(&p)),
            Target::DuplicateKey {
                object,
                key,
                occurrence,
            } => {
                let object = map_ptr(&object);
                let key = self.segment(object.0.len(), &key, &object);
                Target::DuplicateKey {
                    object,
                    key,
                    occurrence,
                }
            }
            t => t,
        };
        f.message = self.words(&f.message);
        f.help = f.help.map(|h| self.words(&h));
        if let Some(key) = shadowed {
            f.help = Some(format!(
                "{}; entry `{}` of `{FILE_NAME}` maps no column to `{key}` (with `columns`, LLaMA-Factory reads only the columns listed there)",
                f.help.unwrap_or_default(),
                self.name
            ));
        }
        f.fix = None;
        f.json_fix = None;
        f
    }

    /// A pointer of the view as a pointer of the user's line.
    pub fn user_pointer(&self, p: &Pointer) -> Pointer {
        let mut out = Pointer::root();
        for seg in &p.0 {
            let next = match seg {
                Seg::Key(k) => Seg::Key(self.segment(out.0.len(), k, &out)),
                Seg::Index(i) => Seg::Index(*i),
            };
            out.0.push(next);
        }
        out
    }

    /// The user's name of key `k` of the view at `depth` (0: a top-level column; 2: a key of a
    /// ShareGPT turn), under `parent` (already in the user's names).
    fn segment(&self, depth: usize, k: &str, parent: &Pointer) -> String {
        if let Some(shadowed) = k.strip_suffix(SHADOWED) {
            return shadowed.to_owned();
        }
        let table: &[(&str, Option<String>)] = match depth {
            0 => &self.columns,
            2 if self.format == Format::Sharegpt
                && parent.0.first()
                    == Some(&Seg::Key(
                        self.user_name("conversations")
                            .unwrap_or("conversations")
                            .to_owned(),
                    )) =>
            {
                &self.tags[..2]
            }
            _ => &[],
        };
        table
            .iter()
            .find(|(c, _)| *c == k)
            .and_then(|(_, u)| u.clone())
            .unwrap_or_else(|| k.to_owned())
    }

    /// A message or help written for the default names, in the user's: each backticked name
    /// (`conversations[2].from`, `human`) is mapped word by word, in one pass.
    fn words(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(open) = rest.find('`') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('`') else {
                out.push_str(&rest[open..]);
                rest = "";
                break;
            };
            out.push('`');
            out.push_str(&self.span(&after[..close]));
            out.push('`');
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        out.replace(SHADOWED, "")
    }

    /// One backticked span: a lone word is a tag (ShareGPT) or a column; a dotted path maps its
    /// first word as a column and, inside the conversation, its keys as turn keys.
    fn span(&self, span: &str) -> String {
        let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == SHADOWED;
        if span.chars().all(is_word) {
            if self.format == Format::Sharegpt {
                // A tag, else a turn key (`from`, `value`), else a column.
                if let Some((_, u)) = self.tags.iter().find(|(c, _)| *c == span) {
                    return u.clone().unwrap_or_else(|| span.to_owned());
                }
            }
            return self.segment(0, span, &Pointer::root());
        }
        if span.starts_with('{') {
            return self.json_span(span);
        }
        // Words of a path: the first is a column, the words after a `].` are turn keys.
        let mut out = String::with_capacity(span.len());
        let mut word = String::new();
        let mut first = true;
        let mut in_turn = false;
        let flush = |word: &mut String, out: &mut String, first: &mut bool, in_turn: bool| {
            if word.is_empty() {
                return;
            }
            let mapped = if *first {
                self.segment(0, word, &Pointer::root())
            } else if in_turn && self.format == Format::Sharegpt {
                self.tags[..2]
                    .iter()
                    .find(|(c, _)| c == word)
                    .and_then(|(_, u)| u.clone())
                    .unwrap_or_else(|| word.clone())
            } else {
                word.clone()
            };
            out.push_str(&mapped);
            *first = false;
            word.clear();
        };
        let mut prev = ' ';
        for c in span.chars() {
            if is_word(c) {
                word.push(c);
            } else {
                flush(&mut word, &mut out, &mut first, in_turn);
                // `conversations[2].from`: the key after an index of the turns list.
                in_turn = c == '.' && prev == ']';
                out.push(c);
            }
            prev = c;
        }
        flush(&mut word, &mut out, &mut first, in_turn);
        out
    }

    /// A JSON example in a help (`{"instruction": "…", "output": "…"}`): each quoted key is a
    /// column or a turn key, each quoted value of a ShareGPT turn's tag a tag.
    fn json_span(&self, span: &str) -> String {
        let mut out = String::with_capacity(span.len());
        let mut rest = span;
        while let Some(open) = rest.find('"') {
            out.push_str(&rest[..open + 1]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('"') else {
                out.push_str(after);
                return out;
            };
            let word = &after[..close];
            let tail = &after[close + 1..];
            let is_key = tail.trim_start().starts_with(':');
            let lookup = |table: &[(&str, Option<String>)]| {
                table
                    .iter()
                    .find(|(c, _)| *c == word)
                    .and_then(|(_, u)| u.clone())
            };
            let mapped = if is_key {
                lookup(&self.columns).or_else(|| {
                    (self.format == Format::Sharegpt)
                        .then(|| lookup(&self.tags[..2]))
                        .flatten()
                })
            } else if self.format == Format::Sharegpt {
                lookup(&self.tags[2..])
            } else {
                None
            };
            out.push_str(mapped.as_deref().unwrap_or(word));
            out.push('"');
            rest = tail;
        }
        out.push_str(rest);
        out
    }

    /// A one-line description for `--verbose` and `config`.
    pub fn describe(&self) -> String {
        format!(
            "entry `{}` of {} ({}{})",
            self.name,
            self.info.display(),
            self.format,
            if self.ranking { ", ranking" } else { "" }
        )
    }
}

/// A view as data in LLaMA-Factory's default names (`ftlint convert` writes it): the keys and
/// tags the entry does not read lose their mark, and a key whose default name the entry's
/// column took is left out (LLaMA-Factory never reads it).
pub fn unmarked(v: Value) -> Value {
    match v {
        Value::Object(obj) => {
            let mut out = Map::new();
            let mut shadowed = Vec::new();
            for (k, v) in obj {
                match k.strip_suffix(SHADOWED) {
                    Some(plain) => shadowed.push((plain.to_owned(), unmarked(v))),
                    None => {
                        out.insert(k, unmarked(v));
                    }
                }
            }
            for (k, v) in shadowed {
                out.entry(k).or_insert(v);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(unmarked).collect()),
        Value::String(s) => match s.strip_suffix(SHADOWED) {
            Some(plain) => Value::String(plain.to_owned()),
            None => Value::String(s),
        },
        other => other,
    }
}

/// `obj` with each user name of `table` renamed to its canonical name; a key with a canonical
/// name that this table maps elsewhere (or not at all) is marked [`SHADOWED`].
fn rename(
    obj: &Map<String, Value>,
    table: &[(&'static str, Option<String>)],
) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in obj {
        let key = if let Some((c, _)) = table.iter().find(|(_, u)| u.as_deref() == Some(k)) {
            (*c).to_owned()
        } else if table.iter().any(|(c, _)| c == k) {
            format!("{k}{SHADOWED}")
        } else {
            k.clone()
        };
        out.insert(key, v.clone());
    }
    out
}
