//! Converting a record from one provider's format to another's: typed results, no rule codes.
//! `ftlint convert` drives it line by line (`engine::convert`); the rules of the `X` family
//! word what it reports (`rules::convert`).
//!
//! Between OpenAI chat, Gemini and Bedrock conversation records a record passes through the
//! [`ir`] conversation: a reader reports what the conversation cannot hold, a writer what the
//! output format cannot hold. Chat to chat (another chat target) and preference to preference
//! change only what the target's chat rules require ([`chat_target`]). Every mapping that is a
//! fact about a format (roles, ids, image types, wrappers) is data in `rules/convert/`
//! ([`maps`]).
//!
//! Each [`Loss`] points at the value of the *input* it is about, so the user sees it at the
//! input's line and column.

mod alpaca_in;
mod alpaca_out;
mod bedrock_in;
mod bedrock_out;
mod chat_in;
mod chat_out;
pub mod chat_target;
mod gemini_in;
mod gemini_out;
pub mod ir;
pub mod json_out;
pub mod maps;
mod sharegpt_in;
mod sharegpt_out;
mod text_turns;
mod trl;
mod turn_head;

use crate::diagnostic::Target as At;
use crate::format::Format;
use crate::json::Pointer;
use crate::targets::Target;
use serde_json::Value;
use std::borrow::Cow;

pub use ir::Role;

/// The formats a conversation can be written in (and read from).
pub const CONVERSATIONAL: [Format; 6] = [
    Format::Chat,
    Format::Gemini,
    Format::BedrockConversation,
    Format::Sharegpt,
    Format::Alpaca,
    Format::ConversationalCompletion,
];

/// The preference-pair formats, carried into each other message for message.
pub const PAIRS: [Format; 2] = [Format::Preference, Format::ChosenRejected];

/// What `--on-loss` asks for when something cannot be carried over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OnLoss {
    /// Each loss is an error: the converted file is not written (unless `--force`).
    #[default]
    Error,
    /// Each loss is a warning; the example is written without what was lost.
    Warn,
    /// An example with a loss is left out of the output; each loss is a warning.
    DropExample,
}

/// Something of the input the output does not say, or says differently.
#[derive(Debug, Clone, PartialEq)]
pub struct Loss {
    pub kind: LossKind,
    /// The input value it is about.
    pub at: At,
}

/// The kinds of loss, one rule each (`rules::convert`).
#[derive(Debug, Clone, PartialEq)]
pub enum LossKind {
    /// The example cannot be converted at all; it is left out of the output.
    Unconvertible(Unconvertible),
    /// `weight: 0` on an assistant message, for a format without per-message weights: the
    /// message is kept and will be trained on.
    Weight,
    /// A system message after the conversation started, for a format whose system prompt
    /// precedes the conversation: its text is moved to the system prompt.
    SystemMoved,
    /// An image the output cannot hold; it is left out.
    Image(ImageLoss),
    /// A message joined to the one before it, whose role it shares (turns must alternate; one
    /// system prompt).
    Joined { role: Role },
    /// A key with no counterpart in the output; its value is left out.
    Key { key: String },
    /// A content part or block of a kind the output has no counterpart for; it is left out.
    Content { kind: String },
    /// A tool result that answers no call, where the output's results must answer one; it is
    /// left out.
    UnpairedResult,
    /// A value the output requires and the input lacks, filled in.
    Filled { field: &'static str, value: String },
    /// A tool result after what the user says in the same turn: the output puts results first.
    Reordered,
    /// Texts joined into one string (separated by a newline), where the output holds one
    /// string per turn: a message's several text parts, or turns of one side in a row.
    TextsJoined,
}

/// Why an example cannot be converted.
#[derive(Debug, Clone, PartialEq)]
pub enum Unconvertible {
    /// Not valid JSON (the parser's message).
    NotJson(String),
    /// Not UTF-8.
    NotUtf8,
    /// The line's value is not an object.
    NotObject,
    /// The example's format has no counterpart in the target's formats (or in the format asked
    /// for, `to`).
    NoFormat { from: Format, to: Option<Format> },
    /// The record is not well-formed enough to convert (what is wrong).
    Malformed(String),
}

/// Why an image cannot be carried.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageLoss {
    /// Inline bytes, where the output takes media by reference only (Gemini tuning).
    Inline,
    /// An http(s) URL whose file extension gives no MIME type the output can name.
    UnknownType,
    /// Anything but an S3 object, where the output reads media from S3 only (Bedrock).
    NotS3 { given: &'static str },
    /// A storage object (`gs://`, S3) the output cannot read.
    Storage { given: &'static str },
    /// An image URL that is neither http(s) nor a data URL.
    BadUrl,
    /// Any image, where the output holds text turns only (ShareGPT, Alpaca, as ftlint writes
    /// them).
    TextOnly,
}

impl Loss {
    pub fn new(kind: LossKind, at: At) -> Loss {
        Loss { kind, at }
    }

    /// The example cannot be converted at all.
    pub fn is_fatal(&self) -> bool {
        matches!(self.kind, LossKind::Unconvertible(_))
    }
}

/// Collects losses; the helpers take the input pointer of the value a loss is about.
#[derive(Debug, Default)]
pub struct Losses(pub Vec<Loss>);

impl Losses {
    pub fn at(&mut self, kind: LossKind, ptr: &Pointer) {
        self.0.push(Loss::new(kind, At::Value(ptr.clone())));
    }

    pub fn key(&mut self, key: &str, ptr: &Pointer) {
        self.0.push(Loss::new(
            LossKind::Key {
                key: key.to_owned(),
            },
            At::Key(ptr.clone()),
        ));
    }

    pub fn malformed(&mut self, what: impl Into<String>, at: At) {
        self.0.push(Loss::new(
            LossKind::Unconvertible(Unconvertible::Malformed(what.into())),
            at,
        ));
    }

    pub fn has_fatal(&self) -> bool {
        self.0.iter().any(Loss::is_fatal)
    }
}

/// A line's converted form.
#[derive(Debug, PartialEq)]
pub enum Output {
    /// The line as it is (the output format is the input's and the target needs no change).
    Same,
    /// A new record.
    Record(Value),
    /// Nothing: the example cannot be converted.
    Nothing,
}

/// One record's conversion.
#[derive(Debug)]
pub struct Converted {
    pub output: Output,
    /// The output's format (None when nothing is written).
    pub format: Option<Format>,
    pub losses: Vec<Loss>,
}

impl Converted {
    fn fatal(why: Unconvertible, at: At) -> Converted {
        Converted {
            output: Output::Nothing,
            format: None,
            losses: vec![Loss::new(LossKind::Unconvertible(why), at)],
        }
    }
}

/// A `--to TARGET[:FORMAT]` that cannot be honoured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestError {
    #[error("target `{target}` does not take `{format}` (it takes {})", list(.accepted))]
    NotAccepted {
        target: String,
        format: Format,
        accepted: Vec<Format>,
    },
    #[error("`convert` cannot write `{format}` records (it writes {})", list(.writable))]
    NotWritable {
        format: Format,
        writable: Vec<Format>,
    },
}

fn list(formats: &[Format]) -> String {
    formats
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where records go: a target, and the format asked for (else chosen per record).
#[derive(Debug, Clone)]
pub struct Conversion<'t> {
    pub target: &'t Target,
    pub format: Option<Format>,
}

/// The formats `convert` can write: the conversations, and the pair formats it only carries
/// over to another target (preference, reinforcement, prompt/completion).
pub const WRITABLE: [Format; 10] = [
    Format::Chat,
    Format::Gemini,
    Format::BedrockConversation,
    Format::Sharegpt,
    Format::Alpaca,
    Format::ConversationalCompletion,
    Format::Preference,
    Format::ChosenRejected,
    Format::Rft,
    Format::Completion,
];

impl<'t> Conversion<'t> {
    pub fn new(target: &'t Target, format: Option<Format>) -> Result<Self, DestError> {
        if let Some(f) = format {
            if !target.accepts(f) {
                return Err(DestError::NotAccepted {
                    target: target.name.clone(),
                    format: f,
                    accepted: target.formats.clone(),
                });
            }
            if !WRITABLE.contains(&f) {
                return Err(DestError::NotWritable {
                    format: f,
                    writable: WRITABLE.to_vec(),
                });
            }
        }
        Ok(Conversion { target, format })
    }

    /// The format a record of format `from` is written in: the one asked for; else `from`
    /// itself when the target takes it; else, for a conversation, the target's first
    /// conversation format. `None`: the target takes nothing `from` can become.
    pub fn output_format(&self, from: Format) -> Option<Format> {
        let to = match self.format {
            Some(f) => f,
            None if self.target.accepts(from) => from,
            None => {
                let group: &[Format] = if CONVERSATIONAL.contains(&from) {
                    &CONVERSATIONAL
                } else if PAIRS.contains(&from) {
                    &PAIRS
                } else {
                    return None;
                };
                *self.target.formats.iter().find(|f| group.contains(f))?
            }
        };
        let possible = from == to
            || (CONVERSATIONAL.contains(&from) && CONVERSATIONAL.contains(&to))
            || (PAIRS.contains(&from) && PAIRS.contains(&to));
        possible.then_some(to)
    }

    /// Converts one record (a JSON object) of format `from`.
    pub fn convert(&self, value: &Value, from: Format) -> Converted {
        let Some(to) = self.output_format(from) else {
            return Converted::fatal(
                Unconvertible::NoFormat {
                    from,
                    to: self.format,
                },
                At::ObjectStart(Pointer::root()),
            );
        };
        let mut losses = Losses::default();
        let output = match (from, to) {
            (Format::Chat, Format::Chat) | (Format::Preference, Format::Preference) => {
                match chat_target::convert(value, from, &self.target.chat, &mut losses) {
                    Some(v) => Output::Record(v),
                    None => Output::Same,
                }
            }
            (from, to) if from == to => Output::Same,
            (Format::Preference, Format::ChosenRejected) => {
                trl::to_pair(value, &mut losses).map_or(Output::Nothing, Output::Record)
            }
            (Format::ChosenRejected, Format::Preference) => {
                trl::from_pair(value, &mut losses).map_or(Output::Nothing, Output::Record)
            }
            (from, to) => {
                // ShareGPT and Alpaca hold text to parse or join first: a prepared copy of the
                // line, which the conversation borrows from.
                let prepared = prepare(from, value, &mut losses);
                let example = prepared.as_ref().and_then(|v| read(from, v, &mut losses));
                let record = match example {
                    Some(ex) if !losses.has_fatal() => write(to, &ex, &mut losses),
                    _ => None,
                };
                record.map_or(Output::Nothing, Output::Record)
            }
        };
        if losses.has_fatal() {
            // Only the reason it cannot be converted: the rest would describe an output that is
            // not written.
            losses.0.retain(Loss::is_fatal);
            losses.0.truncate(1);
            return Converted {
                output: Output::Nothing,
                format: None,
                losses: losses.0,
            };
        }
        Converted {
            output,
            format: Some(to),
            losses: losses.0,
        }
    }
}

/// The line a reader of `from` reads: the line itself, or a copy with its JSON texts parsed
/// (ShareGPT) or its user turn joined (Alpaca). `None` when that fails (the loss says why).
fn prepare<'v>(from: Format, value: &'v Value, l: &mut Losses) -> Option<Cow<'v, Value>> {
    match from {
        Format::Sharegpt => sharegpt_in::prepare(value, l).map(Cow::Owned),
        Format::Alpaca => Some(Cow::Owned(alpaca_in::prepare(value))),
        _ => Some(Cow::Borrowed(value)),
    }
}

/// A conversation format's record (prepared) → the conversation.
fn read<'a>(from: Format, v: &'a Value, l: &mut Losses) -> Option<ir::Example<'a>> {
    match from {
        Format::Chat => chat_in::read(v, l),
        Format::Gemini => gemini_in::read(v, l),
        Format::BedrockConversation => bedrock_in::read(v, l),
        Format::Sharegpt => sharegpt_in::read(v, l),
        Format::Alpaca => alpaca_in::read(v, l),
        Format::ConversationalCompletion => trl::read_completion(v, l),
        _ => None,
    }
}

/// The conversation → a record of a conversation format.
fn write(to: Format, ex: &ir::Example<'_>, l: &mut Losses) -> Option<Value> {
    match to {
        Format::Chat => Some(chat_out::write(ex, l)),
        Format::Gemini => Some(gemini_out::write(ex, l)),
        Format::BedrockConversation => Some(bedrock_out::write(ex, l)),
        Format::Sharegpt => Some(sharegpt_out::write(ex, l)),
        Format::Alpaca => alpaca_out::write(ex, l),
        Format::ConversationalCompletion => trl::write_completion(ex, l),
        _ => None,
    }
}

/// An example of any conversational format as OpenAI-style chat: its `messages` and its
/// `tools` (as a chat template reads them: `{"type": "function", "function": {…}}`). For
/// counting tokens through a chat template: ShareGPT, Alpaca, TRL prompt-completion (prompt
/// then completion), Gemini and Bedrock records pass through the conversation as `convert`
/// reads them (what it would report as a loss is simply left out); chat and reinforcement
/// records are their own messages; a preference pair is its prompt followed by its preferred
/// (chosen) answer, the sequence DPO scores first. `None` for a record with no conversation
/// (`text`, prompt/completion strings, standard preference pairs) or one that cannot be read.
pub fn as_chat_messages(format: Format, value: &Value) -> Option<(Vec<Value>, Option<Value>)> {
    chat_view(format, value).map(|v| (v.messages, v.tools))
}

/// [`as_chat_messages`], with where each message's text sits in the record.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatView {
    pub messages: Vec<Value>,
    pub tools: Option<Value>,
    /// Per message of `messages` (same index).
    pub sources: Vec<MessageSource>,
}

/// Where a chat message of a [`ChatView`] comes from in the record: for naming a place in
/// its content (where a chat template's rendering is cut) in the user's own file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSource {
    /// The message's role as the record names it (`gpt`, `model`), else as the chat does
    /// (`assistant` for Alpaca's `output`).
    pub role: String,
    /// The record's value the message was read from (a message, a turn, `output`).
    pub at: Pointer,
    /// The strings its `content` is made of, in order: the byte offset in `content` where each
    /// starts, and the record's string there (checked to be the same text). Empty when the
    /// content is not the record's strings as written (a list of parts, a JSON text parsed).
    pub parts: Vec<(usize, Pointer)>,
}

impl MessageSource {
    /// `messages[i]` of a list at `base` in `record` (chat, preference and TRL lists): a
    /// string `content` is its own single part.
    fn of_list(record: &Value, base: &Pointer) -> Vec<MessageSource> {
        let Some(list) = base.resolve(record).and_then(Value::as_array) else {
            return Vec::new();
        };
        list.iter()
            .enumerate()
            .map(|(i, m)| {
                let at = base.index(i);
                let parts = match m.get("content") {
                    Some(Value::String(_)) => vec![(0, at.key("content"))],
                    _ => Vec::new(),
                };
                MessageSource {
                    role: m
                        .get("role")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    at,
                    parts,
                }
            })
            .collect()
    }
}

/// The message sources of an OpenAI-style `messages` list (the chat-template renderer reads
/// such a line directly, not through [`chat_view`]).
pub fn message_sources(record: &Value) -> Vec<MessageSource> {
    MessageSource::of_list(record, &Pointer::root().key("messages"))
}

/// [`as_chat_messages`] with each message's [`MessageSource`].
pub fn chat_view(format: Format, value: &Value) -> Option<ChatView> {
    let list = |v: Option<&Value>| v.and_then(Value::as_array).cloned();
    let root = Pointer::root();
    match format {
        Format::Chat | Format::Rft => Some(ChatView {
            messages: list(value.get("messages"))?,
            tools: value.get("tools").cloned(),
            sources: message_sources(value),
        }),
        Format::Preference => {
            let mut messages = list(value.pointer("/input/messages"))?;
            messages.extend(list(value.get("preferred_output"))?);
            let mut sources = MessageSource::of_list(value, &root.key("input").key("messages"));
            sources.extend(MessageSource::of_list(value, &root.key("preferred_output")));
            Some(ChatView {
                messages,
                tools: value.pointer("/input/tools").cloned(),
                sources,
            })
        }
        Format::ChosenRejected | Format::UnpairedPreference => {
            let answer = if format == Format::ChosenRejected {
                "chosen"
            } else {
                "completion"
            };
            let mut messages = match value.get("prompt") {
                None => Vec::new(),
                p => list(p)?,
            };
            messages.extend(list(value.get(answer))?);
            let mut sources = MessageSource::of_list(value, &root.key("prompt"));
            sources.extend(MessageSource::of_list(value, &root.key(answer)));
            Some(ChatView {
                messages,
                tools: value.get("tools").cloned(),
                sources,
            })
        }
        Format::Gemini
        | Format::BedrockConversation
        | Format::Sharegpt
        | Format::Alpaca
        | Format::ConversationalCompletion => {
            let mut l = Losses::default();
            let prepared = prepare(format, value, &mut l)?;
            let ex = read(format, &prepared, &mut l)?;
            if l.has_fatal() {
                return None;
            }
            let (Value::Object(mut chat), kept) = chat_out::write_kept(&ex, &mut l) else {
                return None;
            };
            let messages = match chat.remove("messages") {
                Some(Value::Array(m)) => m,
                _ => return None,
            };
            let sources = kept
                .iter()
                .map(|&i| read_source(format, value, &ex.messages[i]))
                .collect();
            Some(ChatView {
                messages,
                tools: chat.remove("tools"),
                sources,
            })
        }
        Format::Completion | Format::Text => None,
    }
}

/// Where a message read by a reader sits in the record: its one text item, when the record
/// holds that text as written; Alpaca's user turn is `instruction` and `input` joined.
fn read_source(format: Format, record: &Value, m: &ir::Message<'_>) -> MessageSource {
    let mut parts = Vec::new();
    let single = match m.items.as_slice() {
        [ir::Item {
            kind: ir::Kind::Text(text),
            at,
        }]
        | [ir::Item {
            kind:
                ir::Kind::Result {
                    content: ir::ResultContent::Text(text),
                    ..
                },
            at,
        }] => Some((*text, at)),
        _ => None,
    };
    if let Some((text, at)) = single {
        let written = |p: &Pointer| p.resolve(record).and_then(Value::as_str);
        // The item is the string itself, or (a tool result) the turn that holds it.
        let own = [at.clone(), at.key("value"), at.key("content")]
            .into_iter()
            .find(|p| written(p) == Some(text));
        if let Some(p) = own {
            parts.push((0, p));
        } else if format == Format::Alpaca && at.last_key() == Some("instruction") {
            // `prepare` joined the non-empty ones of the two.
            let mut offset = 0;
            for key in ["instruction", "input"] {
                let p = Pointer::root().key(key);
                let Some(s) = written(&p).filter(|s| !s.is_empty()) else {
                    continue;
                };
                if offset > 0 {
                    offset += maps::ALPACA_MAP.join.len();
                }
                if text.get(offset..offset + s.len()) != Some(s) {
                    parts.clear();
                    break;
                }
                parts.push((offset, p));
                offset += s.len();
            }
        }
    }
    // The role as the record says it (`human`, `gpt`, `model`), else the chat's.
    let own = m.at.resolve(record).and_then(|v| {
        ["from", "role"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str))
    });
    MessageSource {
        role: own.unwrap_or(m.role.as_str()).to_owned(),
        at: m.at.clone(),
        parts,
    }
}

/// Finds the first call of `name` among `pending` (id, name, answered) that no result has
/// answered yet, marks it answered and returns its id.
fn answer_by_name<'p>(pending: &'p mut [(String, String, bool)], name: &str) -> Option<&'p str> {
    let call = pending.iter_mut().find(|(_, n, done)| !done && n == name)?;
    call.2 = true;
    Some(call.0.as_str())
}

/// Marks the call `id` answered and returns its name.
fn answer_by_id<'p>(pending: &'p mut [(String, String, bool)], id: &str) -> Option<&'p str> {
    let call = pending.iter_mut().find(|(i, _, _)| i == id)?;
    call.2 = true;
    Some(call.1.as_str())
}

/// Compact JSON text of a value (tool arguments and results going back to text).
pub fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
