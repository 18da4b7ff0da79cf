//! LLaMA-Factory's `dataset_info.json`: which entry describes a file, and the entry's column and
//! tag names. A mapped line is checked through a *view* with LLaMA-Factory's default names
//! (`instruction`, `conversations`, `from`/`value`, `human`/`gpt`, …) so that every ShareGPT
//! and Alpaca rule reads it unchanged; [`View::translate`] then gives each finding back the
//! user's own names (its pointer, so the position is in the user's key, and its wording).
//! Facts and sources: `rules/llamafactory/dataset_info.toml`.

use crate::diagnostic::{Finding, Target};
use crate::format::Format;
use crate::json::pointer::Seg;
use crate::json::Pointer;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
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
    toml::from_str(include_str!("../rules/llamafactory/dataset_info.toml"))
        .expect("embedded rules/llamafactory/dataset_info.toml is valid (a test parses it)")
});

/// `formatting`: parser.py's `Literal["alpaca", "sharegpt", "openai"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum Formatting {
    Alpaca,
    Sharegpt,
    Openai,
}

/// One entry, with the keys LLaMA-Factory reads (any other key is refused: a misspelt
/// `colums` would silently drop the user's mapping).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // read for validation: the hub and split keys say nothing about a local file
struct Entry {
    hf_hub_url: Option<String>,
    ms_hub_url: Option<String>,
    om_hub_url: Option<String>,
    script_url: Option<String>,
    cloud_file_name: Option<String>,
    file_name: Option<String>,
    file_sha1: Option<String>,
    formatting: Option<Formatting>,
    ranking: Option<bool>,
    subset: Option<String>,
    split: Option<String>,
    folder: Option<String>,
    num_samples: Option<u64>,
    columns: Option<Columns>,
    tags: Option<Tags>,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Columns {
    prompt: Option<String>,
    query: Option<String>,
    response: Option<String>,
    history: Option<String>,
    messages: Option<String>,
    system: Option<String>,
    tools: Option<String>,
    images: Option<String>,
    videos: Option<String>,
    audios: Option<String>,
    chosen: Option<String>,
    rejected: Option<String>,
    kto_tag: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Tags {
    role_tag: Option<String>,
    content_tag: Option<String>,
    user_tag: Option<String>,
    assistant_tag: Option<String>,
    observation_tag: Option<String>,
    function_tag: Option<String>,
    system_tag: Option<String>,
}

/// A `dataset_info.json` that cannot be used: exit 2, one line naming `file:line:column`.
#[derive(Debug)]
pub struct InfoError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for InfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

impl std::error::Error for InfoError {}

/// The media columns and their placeholder in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    Images,
    Videos,
    Audios,
}

impl Media {
    pub const ALL: [Media; 3] = [Media::Images, Media::Videos, Media::Audios];

    pub fn column(self) -> &'static str {
        match self {
            Media::Images => "images",
            Media::Videos => "videos",
            Media::Audios => "audios",
        }
    }

    /// `<image>`, `<video>`, `<audio>` (LLaMA-Factory's constants).
    pub fn placeholder(self) -> &'static str {
        FACTS
            .placeholders
            .get(self.column())
            .map_or("", String::as_str)
    }
}

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

/// A mapped `kto_tag` whose value is not a boolean: LLaMA-Factory's converters read the
/// example as KTO only when `isinstance(example[kto_tag], bool)`, and otherwise as a plain
/// supervised (or ranking) example, silently.
pub struct KtoIssue<'v> {
    /// In the view's names.
    pub pointer: Pointer,
    /// The value (`None`: the key is missing, which the `datasets` loader reads as null).
    pub value: Option<&'v Value>,
}

pub fn kto_issue<'v>(m: &Mapping, view: &'v Value) -> Option<KtoIssue<'v>> {
    let user = m.kto_tag.as_deref()?;
    let key = m.in_view(user);
    let value = view.get(&key);
    if value.is_some_and(Value::is_boolean) {
        return None;
    }
    Some(KtoIssue {
        pointer: Pointer::root().key(&key),
        value,
    })
}

/// One media column of one example, as LLaMA-Factory's converter and multimodal plugins read
/// it.
pub struct MediaUse<'v> {
    pub media: Media,
    /// The column, in the view's names (`images`).
    pub pointer: Pointer,
    /// How many items `_find_medias` makes of the value: none for null or `[]`, one for a
    /// lone value, else the list's length.
    pub listed: usize,
    /// `<image>` (…) placeholders in the example's turns (the system prompt is not a turn).
    pub placeholders: usize,
    /// The string items (paths or URLs) with their pointers.
    pub paths: Vec<(Pointer, &'v str)>,
}

/// The media columns the entry maps, for one example (the view).
pub fn media<'v>(m: &Mapping, view: &'v Value) -> Vec<MediaUse<'v>> {
    let texts = turn_texts(m, view);
    Media::ALL
        .iter()
        .filter_map(|&media| {
            let user = m.media_column(media)?;
            let key = m.in_view(user);
            let pointer = Pointer::root().key(&key);
            let value = view.get(&key);
            let (listed, paths) = match value {
                None | Some(Value::Null) => (0, Vec::new()),
                Some(Value::Array(items)) => (
                    items.len(),
                    items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, v)| Some((pointer.index(i), v.as_str()?)))
                        .collect(),
                ),
                Some(v) => (
                    1,
                    v.as_str()
                        .map(|s| (pointer.clone(), s))
                        .into_iter()
                        .collect(),
                ),
            };
            let placeholders = texts
                .iter()
                .map(|t| t.matches(media.placeholder()).count())
                .sum();
            Some(MediaUse {
                media,
                pointer,
                listed,
                placeholders,
                paths,
            })
        })
        .collect()
}

/// The texts of an example's turns as LLaMA-Factory's converter builds them (what its
/// multimodal plugins count placeholders in): ShareGPT's turns after a leading system turn;
/// Alpaca's history, `instruction`, `input` and `output`.
fn turn_texts<'v>(m: &Mapping, view: &'v Value) -> Vec<&'v str> {
    let s = |v: Option<&'v Value>| v.and_then(Value::as_str);
    match m.format {
        Format::Sharegpt => {
            let turns = view
                .get("conversations")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let skip = usize::from(
                turns
                    .first()
                    .is_some_and(|t| t.get("from").and_then(Value::as_str) == Some("system")),
            );
            turns[skip..]
                .iter()
                .filter_map(|t| s(t.get("value")))
                .collect()
        }
        _ => {
            let mut out: Vec<&str> = view
                .get("history")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_array)
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            out.extend(
                ["instruction", "input", "output"]
                    .iter()
                    .filter_map(|k| s(view.get(*k))),
            );
            out
        }
    }
}

/// Whether a media item is a local path LLaMA-Factory looks up in `media_dir` (not a URL or
/// inline data, which its loaders fetch or decode).
pub fn is_local_path(item: &str) -> bool {
    let lower = item.trim_start().to_ascii_lowercase();
    !["http://", "https://", "data:", "s3://", "gs://", "file://"]
        .iter()
        .any(|p| lower.starts_with(p))
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

/// Reads `path` (a `dataset_info.json`) and returns the entry describing `file`, if any.
/// `file` is matched against each entry's `file_name`, relative to the folder holding
/// `path`: the file itself, or a folder holding it.
pub fn lookup(path: &Path, file: &Path) -> Result<Option<Mapping>, InfoError> {
    let text = std::fs::read_to_string(path).map_err(|e| InfoError {
        path: path.to_owned(),
        line: 1,
        column: 1,
        message: format!("cannot read it: {e}"),
    })?;
    let entries: BTreeMap<String, Entry> = serde_json::from_str(&text).map_err(|e| InfoError {
        path: path.to_owned(),
        line: e.line().max(1),
        column: e.column().max(1),
        message: format!("not a LLaMA-Factory dataset_info.json: {e}")
            .replace(&format!(" at line {} column {}", e.line(), e.column()), ""),
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let file = canonical(file);
    for (name, entry) in entries {
        let Some(file_name) = &entry.file_name else {
            continue;
        };
        let declared = canonical(&dir.join(file_name));
        if file != declared && !file.starts_with(&declared) {
            continue;
        }
        let at = || locate_entry(&text, &name);
        let format = match entry.formatting.unwrap_or(Formatting::Alpaca) {
            Formatting::Alpaca => Format::Alpaca,
            Formatting::Sharegpt => Format::Sharegpt,
            Formatting::Openai => {
                let (line, column) = at();
                return Err(InfoError {
                    path: path.to_owned(),
                    line,
                    column,
                    message: format!("entry `{name}` has `\"formatting\": \"openai\"`, which ftlint does not check yet; check the file with `--target hf` (OpenAI-style `messages`)"),
                });
            }
        };
        return Ok(Some(Mapping::new(name, path, dir, format, entry)));
    }
    Ok(None)
}

impl Mapping {
    fn new(name: String, info: &Path, dir: &Path, format: Format, entry: Entry) -> Mapping {
        let facts = &*FACTS;
        // parser.py's `join`: with `columns`, every column not listed is None.
        let col = |attr: &str, given: Option<&Option<String>>| -> Option<String> {
            match given {
                Some(v) => v.clone(),
                None => facts.columns.get(attr).cloned(),
            }
        };
        let c = entry.columns.as_ref();
        let given = |attr: &str| -> Option<&Option<String>> {
            let c = c?;
            Some(match attr {
                "prompt" => &c.prompt,
                "query" => &c.query,
                "response" => &c.response,
                "history" => &c.history,
                "messages" => &c.messages,
                "system" => &c.system,
                "tools" => &c.tools,
                "images" => &c.images,
                "videos" => &c.videos,
                "audios" => &c.audios,
                _ => return None,
            })
        };
        let columns = COLUMN_NAMES
            .iter()
            .filter(|(attr, _)| match format {
                Format::Sharegpt => !matches!(*attr, "prompt" | "query" | "response" | "history"),
                _ => *attr != "messages",
            })
            .map(|(attr, canon)| (*canon, col(attr, given(attr))))
            .collect();
        let t = entry.tags.as_ref();
        let tags = TAG_NAMES
            .iter()
            .map(|(attr, canon)| {
                let given = t.map(|t| match *attr {
                    "role_tag" => &t.role_tag,
                    "content_tag" => &t.content_tag,
                    "user_tag" => &t.user_tag,
                    "assistant_tag" => &t.assistant_tag,
                    "observation_tag" => &t.observation_tag,
                    "function_tag" => &t.function_tag,
                    _ => &t.system_tag,
                });
                let v = match given {
                    Some(v) => v.clone(),
                    None => facts.tags.get(*attr).cloned(),
                };
                (*canon, v)
            })
            .collect();
        let c = entry.columns.unwrap_or_default();
        Mapping {
            name,
            info: info.to_owned(),
            format,
            ranking: entry.ranking.unwrap_or(false),
            columns,
            tags,
            kto_tag: c.kto_tag,
            chosen: c.chosen,
            rejected: c.rejected,
            media_dir: dir.to_owned(),
        }
    }
}

/// Where entry `name` starts in the text (its key), for an error about the entry.
fn locate_entry(text: &str, name: &str) -> (usize, usize) {
    let key = serde_json::to_string(name).unwrap_or_default();
    let at = text.find(&key).unwrap_or(0);
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned())
}

/// Discovery: the `dataset_info.json` beside `file` (LLaMA-Factory's `dataset_dir`), or in
/// the nearest folder above it that has one (an entry's `file_name` may name a folder of
/// files), up to the folder the path is relative to. The path is kept as given, so that the
/// messages name folders as the user wrote them.
pub fn discover(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// The mapping for a checked file: from `explicit` (`--dataset-info`), else discovered beside
/// it. An explicit file without an entry for `file` is an error; a discovered one is not (the
/// file is then read with the default names).
pub fn for_file(explicit: Option<&Path>, file: &Path) -> Result<Option<Mapping>, InfoError> {
    match explicit {
        Some(info) => match lookup(info, file)? {
            Some(m) => Ok(Some(m)),
            None => Err(InfoError {
                path: info.to_owned(),
                line: 1,
                column: 1,
                message: format!(
                    "no entry's `file_name` names `{}` (or a folder holding it)",
                    file.display()
                ),
            }),
        },
        None => match discover(file) {
            Some(info) => lookup(&info, file),
            None => Ok(None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Finding;
    use serde_json::json;

    fn write(dir: &Path, info: &str) -> PathBuf {
        let p = dir.join(FILE_NAME);
        std::fs::write(&p, info).unwrap();
        std::fs::write(dir.join("data.jsonl"), "").unwrap();
        p
    }

    #[test]
    fn facts_parse() {
        assert_eq!(FACTS.columns["messages"], "conversations");
        assert_eq!(FACTS.tags["user_tag"], "human");
        assert_eq!(Media::Images.placeholder(), "<image>");
    }

    #[test]
    fn openai_style_tags_view_and_translate() {
        let dir = tempfile::tempdir().unwrap();
        let info = write(
            dir.path(),
            r#"{"chat": {"file_name": "data.jsonl", "formatting": "sharegpt",
                "columns": {"messages": "conversation"},
                "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user", "assistant_tag": "assistant"}}}"#,
        );
        let m = lookup(&info, &dir.path().join("data.jsonl"))
            .unwrap()
            .unwrap();
        assert_eq!(m.format, Format::Sharegpt);
        let line = json!({"conversation": [
            {"role": "user", "content": "hi"},
            {"role": "system", "content": "x"},
            {"role": "human", "content": "y"}
        ], "conversations": 1});
        let v = m.view(&line);
        assert_eq!(
            v["conversations"][0],
            json!({"from": "human", "value": "hi"})
        );
        // `tags` without `system_tag`: no system tag; a default tag is not this entry's.
        assert_eq!(v["conversations"][1]["from"], "system\u{1}");
        assert_eq!(v["conversations"][2]["from"], "human\u{1}");
        assert_eq!(v["conversations\u{1}"], 1);
        let meta = crate::rules::registry::all().next().unwrap();
        let f = Finding::new(
            meta,
            Target::Value(Pointer::root().key("conversations").index(2).key("from")),
            "`conversations[2].from` is `human\u{1}`; the loader takes `human`, `gpt`, `observation`",
        );
        let t = m.translate(f);
        assert_eq!(
            t.target,
            Target::Value(Pointer::root().key("conversation").index(2).key("role"))
        );
        assert_eq!(
            t.message,
            "`conversation[2].role` is `human`; the loader takes `user`, `assistant`, `observation`"
        );
    }

    #[test]
    fn alpaca_columns_given_drop_the_unlisted() {
        let dir = tempfile::tempdir().unwrap();
        let info = write(
            dir.path(),
            r#"{"qa": {"file_name": "data.jsonl", "columns": {"prompt": "question", "response": "answer"}}}"#,
        );
        let m = lookup(&info, &dir.path().join("data.jsonl"))
            .unwrap()
            .unwrap();
        let v = m.view(&json!({"question": "q", "answer": "a", "input": "i"}));
        assert_eq!(
            v,
            json!({"instruction": "q", "output": "a", "input\u{1}": "i"})
        );
        assert_eq!(m.user_name("output"), Some("answer"));
        assert_eq!(m.user_name("input"), None);
    }

    #[test]
    fn errors_name_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let info = write(
            dir.path(),
            "{\"qa\": {\"file_name\": \"data.jsonl\",\n  \"colums\": {}}}",
        );
        let e = lookup(&info, &dir.path().join("data.jsonl")).err().unwrap();
        assert_eq!((e.line, e.column), (2, 10));
        assert!(
            e.message.contains("unknown field `colums`"),
            "{}",
            e.message
        );
        let info = write(dir.path(), "{\"qa\": {\"formatting\": \"sharegtp\"}}");
        let e = lookup(&info, &dir.path().join("data.jsonl")).err().unwrap();
        assert_eq!(e.line, 1);
        assert!(
            e.message.contains("unknown variant `sharegtp`"),
            "{}",
            e.message
        );
        let info = write(dir.path(), "{\"qa\": ");
        assert!(lookup(&info, &dir.path().join("data.jsonl")).is_err());
    }
}
