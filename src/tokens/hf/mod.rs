//! Exact token counts for open models: the model's own Hugging Face tokenizer
//! (`tokenizer.json`, counted with the `tokenizers` crate) and its chat template (Jinja, run by
//! `minijinja`), the way `transformers`' `apply_chat_template(messages, tools=…,
//! tokenize=True, add_generation_prompt=False)` does it:
//!
//! 1. the template renders `messages`, `tools`, `documents=None`, `add_generation_prompt=False`
//!    and the special tokens of `tokenizer_config.json` (`bos_token`, `eos_token`, …; strings or
//!    `AddedToken` objects), with transformers' Jinja setup: `trim_blocks`, `lstrip_blocks`,
//!    loop controls, its `tojson` (Python's `json.dumps`, not HTML-escaped), `raise_exception`,
//!    `strftime_now`, Python's string/dict/list methods (`minijinja-contrib`'s `pycompat`) and
//!    Python's way of printing values (`None`, `True`);
//! 2. the rendered text is encoded without adding special tokens again (the template wrote
//!    them), as transformers does for chat templates.
//!
//! Which tokens belong to which message comes from the encoding's offsets: each message's
//! `content` is found in the rendered text, in order (also as trimmed, for templates that
//! `trim` it), and a token belongs to the message whose content it starts in. That is how the
//! truncation at `max_length` is told in terms of the data ([`Cut`]).
//!
//! Encoding: a `tokenizer.json` of the byte-level BPE kind most open models use is encoded by
//! [`bpe`], a count-only encoder that gives the same tokens and offsets as the `tokenizers`
//! crate without building them; every other kind (and a text that encoder hands back) goes
//! through the `tokenizers` crate. [`HfCounter::encoder`] says which one a counter uses.
//!
//! Loading errors (not a tokenizer, no template, a template that does not parse) are
//! [`HfError`]s, one line each; a template that fails on one example ([`Render`]) is that
//! example's finding (T007).

mod bpe;
pub mod python;

use minijinja::value::{Kwargs, ValueKind};
use minijinja::{Environment, Error, ErrorKind, Value};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::ExampleTokens;

/// Why a tokenizer or chat template cannot be used (the CLI exits 2 with this one line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HfError {
    #[error("tokenizer `{}` does not exist", .0.display())]
    Missing(PathBuf),
    #[error("folder `{}` has no tokenizer.json", .0.display())]
    NoTokenizerJson(PathBuf),
    #[error("`{}` is not a Hugging Face tokenizer.json: {why}", .path.display())]
    NotATokenizer { path: PathBuf, why: String },
    #[error("cannot read `{}`: {why}", .path.display())]
    Read { path: PathBuf, why: String },
    #[error("`{}` is not a valid tokenizer_config.json: {why}", .path.display())]
    BadConfig { path: PathBuf, why: String },
    #[error(
        "`{}` has no chat template (no `chat_template` in tokenizer_config.json, no chat_template.jinja); give one with --chat-template FILE",
        .0.display()
    )]
    NoTemplate(PathBuf),
    #[error("chat template {source_name} has several templates and none is named `default`")]
    NoDefaultTemplate { source_name: String },
    #[error("chat template {source_name} does not parse: {why}")]
    TemplateSyntax { source_name: String, why: String },
}

/// The chat template of one example failed: `raise_exception`'s message, or the template
/// error (an undefined operation, a missing key…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError(pub String);

/// An example rendered by the chat template, with where each message's content sits in it.
#[derive(Debug, Clone)]
pub struct Render {
    pub text: String,
    /// Per message (same index as `messages`): the byte range of its content in `text`, the
    /// decoded byte offset in its `content` string where that range starts (after whitespace
    /// a `trim` dropped), and whether the message is the assistant's. `None` range: the
    /// content was not found as written (not a string, or changed by the template).
    pub spans: Vec<MessageSpan>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSpan {
    pub range: Option<std::ops::Range<usize>>,
    pub content_offset: usize,
    pub assistant: bool,
}

/// Where `max_length` cuts an example (only for examples longer than it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    pub total: u64,
    pub max_length: u64,
    /// The message the first dropped token belongs to; or, when that token is template
    /// framing, the first message whose content comes after it (`before_content`); `None`
    /// when the cut falls after every message's content.
    pub message: Option<usize>,
    /// Decoded byte offset in that message's `content` where the first dropped token starts.
    pub at: usize,
    /// The cut falls in the framing before the message's content, not inside it.
    pub before_content: bool,
    pub assistant_total: u64,
    pub assistant_kept: u64,
}

/// A loaded tokenizer and chat template, shared by every worker thread.
pub struct HfCounter {
    tokenizer: tokenizers::Tokenizer,
    /// The count-only encoder, when it reproduces this `tokenizer.json` exactly.
    fast: Option<bpe::FastBpe>,
    /// Why `fast` is `None` (for [`HfCounter::encoder`]).
    fallback_reason: String,
    env: Environment<'static>,
    /// `tool_use` among named templates: used when the example has `tools`.
    has_tool_template: bool,
    /// `bos_token`, `eos_token`, … as the template sees them.
    specials: Vec<(String, Value)>,
    /// What `describe` prints: the tokenizer's path.
    pub source: String,
}

impl std::fmt::Debug for HfCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HfCounter")
            .field("source", &self.source)
            .finish()
    }
}

/// One loaded counter per (tokenizer, template, day) for the life of the process: a counter
/// is `&'static` so that [`crate::targets::Counter`] stays `Copy` across rayon threads; the
/// cache keeps repeated runs in one process (tests, the language server) from loading again.
type Loaded = Vec<(
    (PathBuf, Option<PathBuf>, crate::targets::Date),
    &'static HfCounter,
)>;
static LOADED: Mutex<Loaded> = Mutex::new(Vec::new());

const DEFAULT: &str = "default";
const TOOL_USE: &str = "tool_use";

impl HfCounter {
    /// The counter of `tokenizer` (a `tokenizer.json`, or a folder holding it) with the chat
    /// template of `chat_template`, else of the folder's `tokenizer_config.json` (or
    /// `chat_template.jinja`). `today` is what `strftime_now` prints. Loaded once per process.
    pub fn load_shared(
        tokenizer: &Path,
        chat_template: Option<&Path>,
        today: crate::targets::Date,
    ) -> Result<&'static HfCounter, HfError> {
        let key = (
            tokenizer.to_path_buf(),
            chat_template.map(Path::to_path_buf),
            today,
        );
        let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, c)) = loaded.iter().find(|(k, _)| *k == key) {
            return Ok(c);
        }
        let counter: &'static HfCounter =
            Box::leak(Box::new(HfCounter::load(tokenizer, chat_template, today)?));
        loaded.push((key, counter));
        Ok(counter)
    }

    /// See [`HfCounter::load_shared`]; this one loads anew.
    pub fn load(
        tokenizer: &Path,
        chat_template: Option<&Path>,
        today: crate::targets::Date,
    ) -> Result<HfCounter, HfError> {
        if !tokenizer.exists() {
            return Err(HfError::Missing(tokenizer.to_path_buf()));
        }
        let (json_path, dir) = if tokenizer.is_dir() {
            let json = tokenizer.join("tokenizer.json");
            if !json.is_file() {
                return Err(HfError::NoTokenizerJson(tokenizer.to_path_buf()));
            }
            (json, tokenizer.to_path_buf())
        } else {
            let dir = tokenizer
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            (tokenizer.to_path_buf(), dir)
        };
        let bytes = read(&json_path)?;
        // The fast encoder is decided from the same JSON, on another thread while `tokenizers`
        // loads it (each takes a noticeable part of a second for a 100,000-token vocabulary).
        let (tok, fast) = std::thread::scope(|scope| {
            let fast = scope.spawn(|| {
                serde_json::from_slice::<Json>(&bytes)
                    .map_err(|e| e.to_string())
                    .and_then(|j| bpe::FastBpe::from_json(&j))
            });
            let tok = tokenizers::Tokenizer::from_bytes(&bytes);
            let fast = fast
                .join()
                .unwrap_or_else(|_| Err("the fast encoder's loading failed".into()));
            (tok, fast)
        });
        let tok = tok.map_err(|e| HfError::NotATokenizer {
            path: json_path.clone(),
            why: one_line(&e.to_string()),
        })?;
        let (fast, fallback_reason) = match fast {
            Ok(f) => (Some(f), String::new()),
            Err(why) => (None, why),
        };
        let config_path = dir.join("tokenizer_config.json");
        let config: Option<serde_json::Map<String, Json>> = if config_path.is_file() {
            let text = read(&config_path)?;
            match serde_json::from_slice::<Json>(&text) {
                Ok(Json::Object(m)) => Some(m),
                Ok(_) => {
                    return Err(HfError::BadConfig {
                        path: config_path,
                        why: "not a JSON object".into(),
                    })
                }
                Err(e) => {
                    return Err(HfError::BadConfig {
                        path: config_path,
                        why: one_line(&e.to_string()),
                    })
                }
            }
        } else {
            None
        };
        // The template: --chat-template, else tokenizer_config.json's, else the files newer
        // transformers versions save beside it.
        let templates: Vec<(String, String)>;
        let source_name: String;
        if let Some(path) = chat_template {
            let text = read(path)?;
            templates = vec![(DEFAULT.into(), String::from_utf8_lossy(&text).into_owned())];
            source_name = format!("`{}`", path.display());
        } else if let Some(t) = config.as_ref().and_then(|c| c.get("chat_template")) {
            templates = named_templates(t).ok_or_else(|| HfError::BadConfig {
                path: config_path.clone(),
                why: "`chat_template` is neither a string nor a list of {name, template}".into(),
            })?;
            source_name = format!("of `{}`", config_path.display());
        } else if dir.join("chat_template.jinja").is_file() {
            let path = dir.join("chat_template.jinja");
            templates = vec![(
                DEFAULT.into(),
                String::from_utf8_lossy(&read(&path)?).into_owned(),
            )];
            source_name = format!("`{}`", path.display());
        } else {
            return Err(HfError::NoTemplate(tokenizer.to_path_buf()));
        }
        if !templates.iter().any(|(n, _)| n == DEFAULT) {
            return Err(HfError::NoDefaultTemplate { source_name });
        }
        let env = environment(&templates, today).map_err(|e| HfError::TemplateSyntax {
            source_name: source_name.clone(),
            why: template_error(&e),
        })?;
        let specials = config.as_ref().map(special_tokens).unwrap_or_default();
        Ok(HfCounter {
            tokenizer: tok,
            fast,
            fallback_reason,
            env,
            has_tool_template: templates.iter().any(|(n, _)| n == TOOL_USE),
            specials,
            source: json_path.display().to_string(),
        })
    }

    /// Which encoder counts: `fast byte-level BPE (…)` or `tokenizers (…: why not the fast
    /// one)`. The tests assert it; it is not part of any output.
    pub fn encoder(&self) -> String {
        match &self.fast {
            Some(f) => format!("fast byte-level BPE ({})", f.split_name),
            None => format!("tokenizers ({})", self.fallback_reason),
        }
    }

    /// Drops the fast encoder, so that the `tokenizers` crate counts everything (the tests
    /// compare the two).
    pub fn without_fast_encoder(mut self) -> HfCounter {
        self.fast = None;
        self.fallback_reason = "fast encoder turned off".into();
        self
    }

    /// Tokens of a plain string (no chat template, no special tokens added).
    pub fn count_text(&self, text: &str) -> u64 {
        if let Some(n) = self.fast.as_ref().and_then(|f| f.count(text)) {
            return n;
        }
        self.tokenizer
            .encode_fast(text, false)
            .map_or(0, |e| e.len() as u64)
    }

    /// Tokens of a language-modeling `text` record as TRL's `SFTTrainer` tokenizes it: the
    /// tokenizer's `eos_token` appended unless the text already ends with it (`add_eos`), then
    /// `processing_class(text=…)`, which adds the tokenizer's own special tokens (its
    /// post-processor's BOS) — trl/trainer/sft_trainer.py and trl/data_utils.py `_tokenize`,
    /// read 2026-12-01. The `tokenizers` encoder, not the count-only one: it adds them.
    pub fn count_lm_text(&self, text: &str) -> u64 {
        let eos = self
            .specials
            .iter()
            .find(|(k, _)| k == "eos_token")
            .and_then(|(_, v)| v.as_str());
        let with_eos;
        let text = match eos {
            Some(e) if !text.ends_with(e) => {
                with_eos = format!("{text}{e}");
                with_eos.as_str()
            }
            _ => text,
        };
        self.tokenizer
            .encode_fast(text, true)
            .map_or(0, |e| e.len() as u64)
    }

    /// Each token's `(start, end)` byte offsets in `text`, as `tokenizers`' `get_offsets`
    /// (for the tests that compare the two encoders).
    #[doc(hidden)]
    pub fn token_offsets(&self, text: &str) -> Vec<(usize, usize)> {
        self.with_offsets(text, <[_]>::to_vec).unwrap_or_default()
    }

    /// Calls `f` with each token's `(start, end)` byte offsets in `text` (as `tokenizers`'
    /// `get_offsets`); `None` when the text cannot be encoded. The fast encoder writes them
    /// into a buffer each thread reuses.
    fn with_offsets<R>(&self, text: &str, f: impl FnOnce(&[(usize, usize)]) -> R) -> Option<R> {
        thread_local! {
            static OFFSETS: std::cell::RefCell<Vec<(usize, usize)>> = const {
                std::cell::RefCell::new(Vec::new())
            };
        }
        if let Some(fast) = &self.fast {
            let mut buf = OFFSETS.with(|b| std::mem::take(&mut *b.borrow_mut()));
            if fast.offsets(text, &mut buf).is_some() {
                let out = f(&buf);
                OFFSETS.with(|b| *b.borrow_mut() = buf);
                return Some(out);
            }
            OFFSETS.with(|b| *b.borrow_mut() = buf);
        }
        let enc = self.tokenizer.encode(text, false).ok()?;
        Some(f(enc.get_offsets()))
    }

    /// Renders `messages` (OpenAI-style message objects) and `tools` with the chat template.
    pub fn render(&self, messages: &[Json], tools: Option<&Json>) -> Result<Render, RenderError> {
        use serde::Deserialize as _;
        let value = |j: &Json| Value::deserialize(j).unwrap_or_default();
        let msgs = Value::from_iter(messages.iter().map(value));
        let tools = tools.filter(|t| !t.is_null()).map(value);
        self.render_values(msgs, tools, messages)
    }

    /// Renders a chat example given as its JSON text, keeping its keys' order (a
    /// `serde_json::Value` sorts them, and `tojson` of tool definitions prints them in order).
    /// `None` when the text has no `messages` list.
    pub fn render_line(&self, line: &str, example: &Json) -> Option<Result<Render, RenderError>> {
        let messages = example.get("messages")?.as_array()?;
        let ordered: Value = serde_json::from_str(line).ok()?;
        let msgs = ordered.get_attr("messages").ok()?;
        let tools = ordered
            .get_attr("tools")
            .ok()
            .filter(|t| !t.is_undefined() && !t.is_none());
        Some(self.render_values(msgs, tools, messages))
    }

    fn render_values(
        &self,
        messages: Value,
        tools: Option<Value>,
        json: &[Json],
    ) -> Result<Render, RenderError> {
        let name = if tools.is_some() && self.has_tool_template {
            TOOL_USE
        } else {
            DEFAULT
        };
        let template = self
            .env
            .get_template(name)
            .map_err(|e| RenderError(template_error(&e)))?;
        let mut ctx: Vec<(String, Value)> = vec![
            ("messages".into(), messages),
            ("tools".into(), tools.unwrap_or(Value::from(()))),
            ("documents".into(), Value::from(())),
            ("add_generation_prompt".into(), Value::from(false)),
        ];
        ctx.extend(self.specials.iter().cloned());
        let text = template
            .render(Value::from_pairs(ctx))
            .map_err(|e| RenderError(template_error(&e)))?;
        let spans = message_spans(&text, json);
        Ok(Render { text, spans })
    }

    /// Tokens of a rendered example: the total, and those in assistant messages' content
    /// (`with_assistant`: offsets are computed only when asked).
    pub fn count_render(&self, r: &Render, with_assistant: bool) -> ExampleTokens {
        if !with_assistant || !r.spans.iter().any(|s| s.assistant && s.range.is_some()) {
            return ExampleTokens {
                total: self.count_text(&r.text),
                assistant: 0,
            };
        }
        self.with_offsets(&r.text, |offsets| {
            let located = located(&r.spans);
            ExampleTokens {
                total: offsets.len() as u64,
                assistant: offsets
                    .iter()
                    .filter(|&&o| owner(o, &located).is_some_and(|i| r.spans[i].assistant))
                    .count() as u64,
            }
        })
        .unwrap_or_default()
    }

    /// Where `max_length` cuts the rendered example; `None` when it fits.
    pub fn cut(&self, r: &Render, max_length: u64) -> Option<Cut> {
        self.with_offsets(&r.text, |offsets| cut(r, offsets, max_length))?
    }
}

/// [`HfCounter::cut`] given the encoding's offsets.
fn cut(r: &Render, offsets: &[(usize, usize)], max_length: u64) -> Option<Cut> {
    let total = offsets.len() as u64;
    if total <= max_length {
        return None;
    }
    let located = located(&r.spans);
    let owner_of = |o: (usize, usize)| owner(o, &located);
    let is_assistant = |o: Option<usize>| o.is_some_and(|i| r.spans[i].assistant);
    let keep = usize::try_from(max_length).unwrap_or(usize::MAX);
    let mut assistant_total = 0u64;
    let mut assistant_kept = 0u64;
    for (k, &o) in offsets.iter().enumerate() {
        if is_assistant(owner_of(o)) {
            assistant_total += 1;
            if k < keep {
                assistant_kept += 1;
            }
        }
    }
    let byte = offsets[keep].0;
    let (message, at, before_content) = match owner_of(offsets[keep]) {
        Some(i) => {
            let span = r.spans[i].range.as_ref().map_or(0..0, Clone::clone);
            (
                Some(i),
                r.spans[i].content_offset + byte.saturating_sub(span.start),
                false,
            )
        }
        None => match r
            .spans
            .iter()
            .position(|s| s.range.as_ref().is_some_and(|x| x.start >= byte))
        {
            Some(i) => (Some(i), r.spans[i].content_offset, true),
            None => (None, 0, false),
        },
    };
    Some(Cut {
        total,
        max_length,
        message,
        at,
        before_content,
        assistant_total,
        assistant_kept,
    })
}

/// The messages whose content was found, by where it starts.
fn located(spans: &[MessageSpan]) -> Vec<(usize, std::ops::Range<usize>)> {
    let mut located: Vec<(usize, std::ops::Range<usize>)> = spans
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.range.clone().map(|r| (i, r)))
        .collect();
    located.sort_by_key(|(_, r)| r.start);
    located
}

/// The message whose content the token's first byte falls in.
fn owner(
    (start, end): (usize, usize),
    located: &[(usize, std::ops::Range<usize>)],
) -> Option<usize> {
    let idx = located.partition_point(|(_, r)| r.start <= start);
    let (i, r) = located.get(idx.checked_sub(1)?)?;
    // A token that starts at the content's end belongs to what follows; an empty token
    // (an added token with no text, or one trimmed to nothing) to nothing.
    (start < r.end && end > start).then_some(*i)
}

/// For each token, the message whose content its first byte falls in.
#[cfg(test)]
fn owners(offsets: &[(usize, usize)], spans: &[MessageSpan]) -> Vec<Option<usize>> {
    let located = located(spans);
    offsets.iter().map(|&o| owner(o, &located)).collect()
}

/// Finds each message's content in `text`, in order: as written, else trimmed (templates
/// that `trim` content). Contents not found (not a string, rewritten) have no range.
fn message_spans(text: &str, messages: &[Json]) -> Vec<MessageSpan> {
    let mut cursor = 0;
    messages
        .iter()
        .map(|m| {
            let assistant = m.get("role").and_then(Json::as_str) == Some("assistant");
            let none = MessageSpan {
                range: None,
                content_offset: 0,
                assistant,
            };
            let Some(content) = m.get("content").and_then(Json::as_str) else {
                return none;
            };
            let trimmed = content.trim();
            if trimmed.is_empty() {
                return none;
            }
            let lead = content.len() - content.trim_start().len();
            let rest = &text[cursor..];
            // A byte search (a UTF-8 needle found in UTF-8 text starts on a character
            // boundary, so this is `str::find`'s answer).
            let find = |needle: &str| find_first(rest.as_bytes(), needle.as_bytes());
            let found = find(content)
                .map(|i| (i, content.len(), 0))
                .or_else(|| find(trimmed).map(|i| (i, trimmed.len(), lead)));
            match found {
                Some((i, len, offset)) => {
                    let start = cursor + i;
                    cursor = start + len;
                    MessageSpan {
                        range: Some(start..start + len),
                        content_offset: offset,
                        assistant,
                    }
                }
                None => none,
            }
        })
        .collect()
}

/// The first occurrence of `needle` in `hay`, as `memmem::find`. A content usually sits a few
/// bytes after the cursor (past its header), where trying the places its first byte occurs is
/// cheaper than setting up a two-way searcher for every message (a tenth of the open-model
/// workload's time was that set-up); past a few such places, the searcher from there on.
fn find_first(hay: &[u8], needle: &[u8]) -> Option<usize> {
    const TRIES: usize = 8;
    let Some(&first) = needle.first() else {
        return Some(0);
    };
    let mut at = 0;
    for _ in 0..TRIES {
        let i = at + memchr::memchr(first, &hay[at..])?;
        if hay[i..].starts_with(needle) {
            return Some(i);
        }
        at = i + 1;
    }
    memchr::memmem::find(&hay[at..], needle).map(|i| at + i)
}

/// `chat_template` of tokenizer_config.json: a string, or `[{"name", "template"}]`.
fn named_templates(v: &Json) -> Option<Vec<(String, String)>> {
    match v {
        Json::String(s) => Some(vec![(DEFAULT.into(), s.clone())]),
        Json::Array(list) => list
            .iter()
            .map(|t| {
                Some((
                    t.get("name")?.as_str()?.to_owned(),
                    t.get("template")?.as_str()?.to_owned(),
                ))
            })
            .collect(),
        _ => None,
    }
}

/// transformers' `special_tokens_map`: each special token of the config as its text (an
/// `AddedToken` object's `content`), `additional_special_tokens` as a list.
fn special_tokens(config: &serde_json::Map<String, Json>) -> Vec<(String, Value)> {
    fn text(v: &Json) -> Option<String> {
        match v {
            Json::String(s) => Some(s.clone()),
            Json::Object(o) => o.get("content")?.as_str().map(str::to_owned),
            _ => None,
        }
    }
    let mut out = Vec::new();
    for key in [
        "bos_token",
        "eos_token",
        "unk_token",
        "sep_token",
        "pad_token",
        "cls_token",
        "mask_token",
    ] {
        if let Some(t) = config.get(key).and_then(text) {
            out.push((key.to_owned(), Value::from(t)));
        }
    }
    if let Some(Json::Array(list)) = config.get("additional_special_tokens") {
        let texts: Vec<Value> = list.iter().filter_map(text).map(Value::from).collect();
        if !texts.is_empty() {
            out.push(("additional_special_tokens".into(), Value::from(texts)));
        }
    }
    out
}

/// transformers' Jinja environment (`_compile_jinja_template`): trim_blocks, lstrip_blocks,
/// loop controls, its `tojson`, `raise_exception`, `strftime_now`; plus Python's methods on
/// strings, dicts and lists and Python's printing of values.
fn environment(
    templates: &[(String, String)],
    today: crate::targets::Date,
) -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(false)
            .build()?,
    );
    env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
    env.set_formatter(|out, _state, value| {
        // Strings, most of what a template prints, go out as they are, without a copy.
        if let Some(s) = value.as_str().filter(|_| value.kind() == ValueKind::String) {
            return out.write_str(s).map_err(Error::from);
        }
        let mut s = String::new();
        python::write_str(&mut s, value);
        out.write_str(&s).map_err(Error::from)
    });
    env.add_filter("tojson", tojson);
    env.add_function(
        "raise_exception",
        |message: String| -> Result<Value, Error> {
            Err(Error::new(ErrorKind::InvalidOperation, message))
        },
    );
    env.add_function("strftime_now", move |format: String| -> String {
        python::strftime(today, &format)
    });
    for (name, source) in templates {
        // jinja2 reads `\r\n` and `\r` in a template as `\n` (`newline_sequence`), in its
        // text and its string literals alike.
        let source = source.replace("\r\n", "\n").replace('\r', "\n");
        env.add_template_owned(name.clone(), without_generation_tags(&source))?;
    }
    Ok(env)
}

/// transformers' `tojson(x, ensure_ascii=False, indent=None, separators=None,
/// sort_keys=False)`: Python's `json.dumps`, not HTML-escaped.
fn tojson(value: &Value, indent: Option<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let indent = match indent {
        Some(i) => Some(i),
        None => kwargs.get::<Option<Value>>("indent")?,
    };
    let indent = match indent {
        Some(v) if v.is_none() => None,
        Some(v) if v.kind() == ValueKind::Number => Some(usize::try_from(v)?),
        Some(v) if v.kind() == ValueKind::String => Some(v.as_str().map_or(0, str::len)),
        Some(_) => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "indent must be a number",
            ))
        }
        None => None,
    };
    let mut style = python::JsonStyle::new(indent);
    if let Some(sep) = kwargs.get::<Option<Value>>("separators")? {
        if !sep.is_none() {
            let parts: Vec<Value> = sep.try_iter()?.collect();
            if let [item, key] = &parts[..] {
                style.item_sep = item.as_str().unwrap_or(",").to_owned();
                style.key_sep = key.as_str().unwrap_or(":").to_owned();
            }
        }
    }
    if let Some(s) = kwargs.get::<Option<bool>>("sort_keys")? {
        style.sort_keys = s;
    }
    if let Some(a) = kwargs.get::<Option<bool>>("ensure_ascii")? {
        style.ensure_ascii = a;
    }
    kwargs.assert_all_used()?;
    python::dumps(value, &style)
        .map(Value::from)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
}

/// transformers' `{% generation %}…{% endgeneration %}` marks the assistant's part for its
/// mask and renders its body unchanged: the same as an always-true `if`, which keeps the
/// tags' whitespace control (`-`, trim_blocks, lstrip_blocks) as it was.
fn without_generation_tags(source: &str) -> String {
    static TAG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\{%(-|\+)?\s*(generation|endgeneration)\s*(-|\+)?%\}")
            .expect("generation tag pattern")
    });
    if !source.contains("generation") {
        return source.to_owned();
    }
    TAG.replace_all(source, |c: &regex::Captures<'_>| {
        let open = c.get(1).map_or("", |m| m.as_str());
        let close = c.get(3).map_or("", |m| m.as_str());
        let body = if &c[2] == "generation" {
            "if true"
        } else {
            "endif"
        };
        format!("{{%{open} {body} {close}%}}")
    })
    .into_owned()
}

/// A template error as one line: `raise_exception`'s message as written, else minijinja's
/// description with the template line.
fn template_error(e: &Error) -> String {
    let text = match (e.kind(), e.detail()) {
        (ErrorKind::InvalidOperation, Some(d)) => d.to_owned(),
        _ => match e.line() {
            Some(line) => format!(
                "{} (template line {line})",
                e.detail().unwrap_or(&e.kind().to_string())
            ),
            None => e.to_string(),
        },
    };
    one_line(&text)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn read(path: &Path) -> Result<Vec<u8>, HfError> {
    std::fs::read(path).map_err(|e| HfError::Read {
        path: path.to_path_buf(),
        why: e.to_string(),
    })
}

/// The snapshot folder of Hugging Face repository `repo` (`org/name`) in the local Hugging
/// Face cache, when it holds a `tokenizer.json`: `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else
/// `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`; the snapshot
/// `refs/main` names, else the last one by name. Never the network.
pub fn find_in_hf_cache(repo: &str) -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let hub = env("HF_HUB_CACHE")
        .or_else(|| env("HF_HOME").map(|h| h.join("hub")))
        .or_else(|| env("XDG_CACHE_HOME").map(|c| c.join("huggingface").join("hub")))
        .or_else(|| dirs::home_dir().map(|h| h.join(".cache").join("huggingface").join("hub")))?;
    let folder = hub.join(format!("models--{}", repo.replace('/', "--")));
    let snapshots = folder.join("snapshots");
    let has = |dir: &Path| dir.join("tokenizer.json").is_file();
    if let Ok(main) = std::fs::read_to_string(folder.join("refs").join("main")) {
        let dir = snapshots.join(main.trim());
        if has(&dir) {
            return Some(dir);
        }
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&snapshots)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| has(p))
        .collect();
    dirs.sort();
    dirs.pop()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_tags_become_ifs() {
        assert_eq!(
            without_generation_tags("{%- generation %}x{% endgeneration -%}"),
            "{%- if true %}x{% endif -%}"
        );
        assert_eq!(without_generation_tags("plain"), "plain");
    }

    #[test]
    fn spans_follow_messages_in_order() {
        let msgs: Vec<Json> = serde_json::from_str(
            r#"[{"role":"user","content":"hi"},{"role":"assistant","content":" hi \n"}]"#,
        )
        .unwrap();
        let text = "<u>hi</u><a>hi</a>";
        let spans = message_spans(text, &msgs);
        assert_eq!(spans[0].range, Some(3..5));
        assert_eq!(spans[1].range, Some(12..14));
        assert_eq!(spans[1].content_offset, 1);
        assert!(spans[1].assistant);
    }

    proptest::proptest! {
        /// The first-byte search finds what `memmem::find` finds, on texts over a small
        /// alphabet where near misses abound (more than its few tries).
        #[test]
        fn find_first_is_memmem(hay in "[ab\\n]{0,80}", needle in "[ab]{0,6}") {
            proptest::prop_assert_eq!(
                find_first(hay.as_bytes(), needle.as_bytes()),
                memchr::memmem::find(hay.as_bytes(), needle.as_bytes())
            );
        }
    }

    #[test]
    fn owners_by_first_byte() {
        let spans = vec![
            MessageSpan {
                range: Some(2..5),
                content_offset: 0,
                assistant: false,
            },
            MessageSpan {
                range: None,
                content_offset: 0,
                assistant: false,
            },
        ];
        assert_eq!(
            owners(&[(0, 2), (2, 4), (4, 6), (5, 7), (3, 3)], &spans),
            vec![None, Some(0), Some(0), None, None]
        );
    }
}
