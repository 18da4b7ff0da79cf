//! Reading `dataset_info.json`: the entry that describes a file (its `file_name`), discovery
//! beside the file, and the one-line errors of a file that cannot be used.

use super::{Mapping, COLUMN_NAMES, FACTS, FILE_NAME, TAG_NAMES};
use crate::format::Format;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

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
