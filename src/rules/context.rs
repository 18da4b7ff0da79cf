//! What each phase shows a rule: a raw line, a parse, an example (with its conversations and
//! the analyses several rules share, computed at most once), the run.

use crate::diagnostic::Finding;
use crate::format::Format;
use crate::json::{self, Pointer};
use crate::moderation::check::UnitEvent;
use crate::sensitive::{ExampleScan, LineText, Scanner};
use crate::targets::{Date, Model, Target, UnknownModel};
use crate::tokens::hf::{Cut, HfCounter, Render, RenderError};
use serde_json::Value;
use std::cell::OnceCell;
use std::ops::Range;

/// One physical line as read: what raw-line rules see.
pub struct RawLine<'a> {
    /// The line without its `\n` (a BOM and a `\r` included).
    pub bytes: &'a [u8],
    /// 1-based line number.
    pub line: u64,
    pub first_in_file: bool,
    /// The line ends with `\n` (only the file's last line may not).
    pub has_newline: bool,
    /// The file's line ending so far is `\r\n` (see `input::reader::after_line`).
    pub prev_crlf: bool,
    /// What the target asks of a byte-order mark.
    pub bom_policy: crate::targets::BomPolicy,
    /// Bytes of the line's content: after a BOM that starts the file, before one `\r` that
    /// ends the line.
    pub content: Range<usize>,
    /// The content, when it is UTF-8.
    pub text: Option<&'a str>,
}

impl RawLine<'_> {
    /// The BOM's length: 3 on a first line that starts with one, else 0.
    pub fn bom(&self) -> usize {
        self.content.start
    }

    /// One `\r` ended the line (before its `\n`, or the file's end).
    pub fn crlf(&self) -> bool {
        self.content.end < self.bytes.len()
    }

    /// An empty or whitespace-only line (spaces and tabs): no example.
    pub fn is_blank(&self) -> bool {
        self.text
            .is_some_and(|t| t.trim_matches([' ', '\t']).is_empty())
    }
}

/// A line too long to hold, as it streamed past: what `oversize` hooks see.
pub struct LongLine<'a> {
    /// 1-based line number.
    pub line: u64,
    pub scan: &'a crate::input::oversize::OversizeLine,
    /// The largest line held (`rules/line.toml`); this one is longer.
    pub limit: u64,
    /// What the target asks of a byte-order mark.
    pub bom_policy: crate::targets::BomPolicy,
}

/// What the one JSON parse of a line found: parse rules see it.
pub struct ParsedLine<'a> {
    /// 1-based line number in the file.
    pub line: u64,
    /// The line without a byte order mark or line ending.
    pub text: &'a str,
    pub parse: &'a Result<json::Parsed, json::ParseError>,
}

/// What a conversation is for, which decides the chat rules that apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Supervised chat: trained on its assistant messages.
    Supervised,
    /// The prompt of a preference example (`input`): ends with the user.
    PreferenceInput,
    /// One output of a preference example (`preferred_output`, `non_preferred_output`).
    PreferenceOutput,
    /// A reinforcement example: a prompt that ends with the user, `developer` for `system`.
    Reinforcement,
}

/// The two outputs of a preference example.
pub const PREFERENCE_OUTPUTS: [&str; 2] = ["preferred_output", "non_preferred_output"];

/// The keys of TRL's conversational shapes that hold message lists, in line order: the prompt,
/// then the answers (a completion, or the chosen and rejected ones).
pub const TRL_PROMPT_AND_ANSWERS: [&str; 4] = ["prompt", "completion", "chosen", "rejected"];

/// The texts of an example and what the sensitive-data scan found in them.
pub struct SensitiveLine<'a> {
    pub texts: Vec<LineText<'a>>,
    pub scan: ExampleScan,
}

/// One parsed example: what example and dataset rules see.
pub struct ExampleCtx<'a> {
    /// The line's text (no BOM, no line ending): spans are bytes of it.
    pub text: &'a str,
    /// Where `text` starts in the physical line (3 after a BOM): a fix's edits are in bytes of
    /// the physical line.
    pub text_start: usize,
    pub value: &'a Value,
    /// The format the example is checked as.
    pub format: Format,
    /// 1-based line number.
    pub line: u64,
    /// The example's tokens and the model they were counted for, when tokens are counted.
    pub tokens: Option<(u64, &'a Model)>,
    /// The open model's rendering of the example, when its tokenizer counts (`--tokenizer`).
    pub hf: Option<HfExample<'a>>,
    /// `--max-length`: the limit in `tokens`' model is the trainer's, not the model's context.
    pub max_length: Option<u32>,
    /// What moderation found for each of the example's texts, when moderation runs.
    pub moderation: Option<&'a [UnitEvent]>,
    /// The target the example is judged for (its chat rules).
    pub target: &'a Target,
    /// The LLaMA-Factory `dataset_info.json` entry the file is read with: `value` is then its
    /// view under the default names ([`crate::llamafactory::Mapping::view`]).
    pub mapping: Option<&'a crate::llamafactory::Mapping>,
    scanner: &'a Scanner,
    conversations: OnceCell<Vec<(Scope, Conversation<'a>)>>,
    sensitive: OnceCell<Option<SensitiveLine<'a>>>,
    cut: OnceCell<Option<Cut>>,
}

/// A chat example as the open model's chat template rendered it (or the template's error).
#[derive(Clone, Copy)]
pub struct HfExample<'a> {
    pub counter: &'static HfCounter,
    pub render: &'a Result<Render, RenderError>,
    /// Where each rendered message's text sits in the line (same index as the render's
    /// messages).
    pub sources: &'a [crate::convert::MessageSource],
}

impl<'a> ExampleCtx<'a> {
    pub fn new(
        text: &'a str,
        value: &'a Value,
        format: Format,
        line: u64,
        scanner: &'a Scanner,
    ) -> Self {
        ExampleCtx {
            text,
            text_start: 0,
            value,
            format,
            line,
            tokens: None,
            hf: None,
            max_length: None,
            moderation: None,
            target: Target::builtin("openai").expect("the built-in openai target"),
            mapping: None,
            scanner,
            conversations: OnceCell::new(),
            sensitive: OnceCell::new(),
            cut: OnceCell::new(),
        }
    }

    /// Where the limit (the model's context, or `--max-length`) cuts the example, in terms of
    /// its messages: only for an example rendered by an open model's chat template and longer
    /// than the limit (computed once, whichever token rule asks first).
    pub fn cut(&self) -> Option<&Cut> {
        self.cut
            .get_or_init(|| {
                let hf = self.hf?;
                let (tokens, model) = self.tokens?;
                let render = hf.render.as_ref().ok()?;
                if tokens <= u64::from(model.context) {
                    return None;
                }
                hf.counter.cut(render, u64::from(model.context))
            })
            .as_ref()
    }

    /// The example's conversations with their scope, in line order: a chat or reinforcement
    /// example's `messages`; a preference example's `input` and its two outputs.
    pub fn conversations(&self) -> &[(Scope, Conversation<'a>)] {
        self.conversations.get_or_init(|| {
            let v = self.value;
            let mut out = Vec::new();
            match self.format {
                Format::Chat => {
                    out.extend(Conversation::of(v, Pointer::root()).map(|c| (Scope::Supervised, c)))
                }
                Format::Rft => out.extend(
                    Conversation::of(v, Pointer::root()).map(|c| (Scope::Reinforcement, c)),
                ),
                Format::Preference => {
                    if let Some(input) = v.get("input") {
                        out.extend(
                            Conversation::of(input, Pointer::root().key("input"))
                                .map(|c| (Scope::PreferenceInput, c)),
                        );
                    }
                    let input = v.get("input").unwrap_or(&Value::Null);
                    for key in PREFERENCE_OUTPUTS {
                        if let Some(list) = v.get(key).and_then(Value::as_array) {
                            let conv = Conversation::list(input, Pointer::root().key(key), list);
                            out.push((Scope::PreferenceOutput, conv));
                        }
                    }
                }
                // TRL's conversational shapes: the prompt is read as a preference input is (it
                // ends with the user), each answer list as an output (trained on); a string is
                // standard text, no conversation.
                Format::ConversationalCompletion
                | Format::ChosenRejected
                | Format::UnpairedPreference => {
                    for key in TRL_PROMPT_AND_ANSWERS {
                        if let Some(list) = v.get(key).and_then(Value::as_array) {
                            let scope = if key == "prompt" {
                                Scope::PreferenceInput
                            } else {
                                Scope::PreferenceOutput
                            };
                            out.push((
                                scope,
                                Conversation::list(v, Pointer::root().key(key), list),
                            ));
                        }
                    }
                }
                // Gemini turns are not OpenAI messages: the G rules read them (`crate::gemini`).
                // Bedrock records have their own rules (B), which read the line directly: the
                // chat rules' view of `messages` does not fit their content blocks. ShareGPT and
                // Alpaca have their own families (F, A); `text` has no structure to check.
                Format::Completion
                | Format::Gemini
                | Format::BedrockConversation
                | Format::Text
                | Format::Sharegpt
                | Format::Alpaca => {}
            }
            out
        })
    }

    /// The sensitive-data scan of the example's texts (run once, by the first S rule that
    /// asks); `None` when the example has no text.
    pub fn sensitive(&self) -> Option<&SensitiveLine<'a>> {
        self.sensitive
            .get_or_init(|| {
                let texts = crate::sensitive::line_texts(self.value);
                if texts.is_empty() {
                    return None;
                }
                let scan = self
                    .scanner
                    .scan_example(&crate::sensitive::message_texts(&texts));
                Some(SensitiveLine { texts, scan })
            })
            .as_ref()
    }
}

/// What a run rule sees: the run's settings, once.
pub struct RunCtx<'a> {
    /// The `--model` the target does not know, if any.
    pub unknown_model: Option<&'a UnknownModel>,
    pub target: &'a Target,
    /// The run's model, when the target knows it.
    pub model: Option<&'a Model>,
    /// The day lifecycle rules judge by.
    pub today: Date,
}

/// Pushes run findings for the rules of `set` that have a run hook.
pub fn run_checks(set: &crate::diagnostic::RuleSet, ctx: &RunCtx<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in set.iter() {
        if let Some(check) = super::def(rule).run {
            check(ctx, &mut out);
        }
    }
    out
}

/// The messages of one example with what several rules ask of them, computed once.
pub struct Conversation<'a> {
    /// The object holding `messages` (and `tools`): the line, or a preference `input`.
    pub holder: &'a Value,
    /// Where the messages array is in the line.
    pub list: Pointer,
    pub messages: &'a [Value],
    /// Each message's role, when it is a string.
    pub roles: Vec<Option<&'a str>>,
}

impl<'a> Conversation<'a> {
    /// The conversation in `holder.messages`, `holder` being at `base`; `None` when there is
    /// no `messages` array.
    pub fn of(holder: &'a Value, base: Pointer) -> Option<Self> {
        let messages = holder.get("messages")?.as_array()?;
        Some(Self::with(holder, base.key("messages"), messages))
    }

    /// A bare list of messages at `list` (a preference output), whose `tools` are those of
    /// `holder` (the preference `input`; `Value::Null` for none).
    pub fn list(holder: &'a Value, list: Pointer, messages: &'a [Value]) -> Self {
        Self::with(holder, list, messages)
    }

    fn with(holder: &'a Value, list: Pointer, messages: &'a [Value]) -> Self {
        let roles = messages
            .iter()
            .map(|m| m.get("role").and_then(Value::as_str))
            .collect();
        Conversation {
            holder,
            list,
            messages,
            roles,
        }
    }

    pub fn pointer(&self, i: usize) -> Pointer {
        self.list.index(i)
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles.contains(&Some(role))
    }

    /// The index and role of the last message when its role is a string other than `user`:
    /// a prompt (preference input, reinforcement example) must end with the user.
    pub fn last_non_user(&self) -> Option<(usize, &'a str)> {
        let last = self.messages.len().checked_sub(1)?;
        let role = self.roles[last]?;
        (role != "user").then_some((last, role))
    }

    /// Every content part, in order: the message's index, the part's pointer in the line and
    /// the part.
    pub fn parts(&self) -> impl Iterator<Item = (usize, Pointer, &'a Value)> + '_ {
        self.messages.iter().enumerate().flat_map(move |(i, m)| {
            m.get("content")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
                .map(move |(j, part)| (i, self.pointer(i).key("content").index(j), part))
        })
    }

    pub fn last_assistant(&self) -> Option<usize> {
        self.roles.iter().rposition(|r| *r == Some("assistant"))
    }

    /// The text of a message's content: the string, or its text parts joined. `None` when
    /// there is no textual content.
    pub fn text(&self, i: usize) -> Option<String> {
        match self.messages[i].get("content")? {
            Value::String(s) => Some(s.clone()),
            Value::Array(parts) => {
                let texts: Vec<&str> = parts
                    .iter()
                    .filter(|p| p.get("type").and_then(Value::as_str) == Some("text"))
                    .filter_map(|p| p.get("text").and_then(Value::as_str))
                    .collect();
                (!texts.is_empty()).then(|| texts.join(""))
            }
            _ => None,
        }
    }
}
