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

use crate::diagnostic::Target as At;
use crate::format::Format;
use crate::json::Pointer;
use crate::targets::Target;
use serde_json::Value;

pub use ir::Role;

/// The formats a conversation can be written in (and read from).
pub const CONVERSATIONAL: [Format; 3] = [Format::Chat, Format::Gemini, Format::BedrockConversation];

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
pub const WRITABLE: [Format; 6] = [
    Format::Chat,
    Format::Gemini,
    Format::BedrockConversation,
    Format::Preference,
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
            None if CONVERSATIONAL.contains(&from) => *self
                .target
                .formats
                .iter()
                .find(|f| CONVERSATIONAL.contains(f))?,
            None => return None,
        };
        let possible =
            from == to || (CONVERSATIONAL.contains(&from) && CONVERSATIONAL.contains(&to));
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
            (from, to) => {
                let example = match from {
                    Format::Chat => chat_in::read(value, &mut losses),
                    Format::Gemini => gemini_in::read(value, &mut losses),
                    _ => bedrock_in::read(value, &mut losses),
                };
                match example {
                    Some(ex) if !losses.has_fatal() => Output::Record(match to {
                        Format::Chat => chat_out::write(&ex, &mut losses),
                        Format::Gemini => gemini_out::write(&ex, &mut losses),
                        _ => bedrock_out::write(&ex, &mut losses),
                    }),
                    _ => Output::Nothing,
                }
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
