//! ## What it checks
//! An example whose conversation up to its last assistant message (and its `tools`; for a
//! Bedrock record its `system` list and `toolConfig`) equals an earlier line's, but whose final
//! assistant message differs. The finding is on the later line, at its `{`, and names the
//! earlier one. In Gemini data the same holds for the last `model` turn, the turns before it,
//! the `systemInstruction` and the `tools`.
//!
//! ## Why it matters
//! The model is taught two different answers to the same input and learns to hedge between
//! them. Sometimes intended (diverse answers), often a labelling mistake.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Capital of Australia?"}, {"role": "assistant", "content": "Canberra."}]}
//! {"messages": [{"role": "user", "content": "Capital of Australia?"}, {"role": "assistant", "content": "Sydney."}]}
//! ```
//!
//! ## Configuration
//! None. `--ignore D004` when several answers per prompt are intended.
use crate::diagnostic::Diagnostic;
use crate::format::Format;
use crate::json::hash;
use crate::rules::dataset::spill::{self, Budget, FirstSeen, Spilled};
use crate::rules::{DatasetRule, DatasetState, ExampleCtx, FileFacts, LineFacts, Note, StartCtx};
use serde_json::Value;
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&Check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::D004,
        name: "conflicting-answers",
        severity: Severity::Warning,
        summary: "Same conversation as an earlier line with a different final answer",
    })
};

struct Check;

impl DatasetRule for Check {
    /// The conversation before the last assistant message (with the tools), and that message.
    fn note(&self, ex: &ExampleCtx<'_>) -> Option<Note> {
        let bedrock = match ex.format {
            Format::Chat | Format::Rft => false,
            Format::BedrockConversation => true,
            Format::Gemini => return gemini_note(ex),
            Format::Sharegpt | Format::Alpaca | Format::ConversationalCompletion => {
                return open_note(ex)
            }
            _ => return None,
        };
        let messages = ex.value.get("messages")?.as_array()?;
        let last = messages
            .iter()
            .rposition(|m| m.get("role").and_then(Value::as_str) == Some("assistant"))
            .filter(|&k| k > 0)?;
        let prefix = if bedrock {
            // A Bedrock answer is conditioned on the record's `system` list and `toolConfig`
            // too; each is hashed (`null` when absent) so one never stands for the other.
            let context = ["system", "toolConfig"]
                .map(|k| ex.value.get(k).unwrap_or(&Value::Null));
            hash::hash_values(context.iter().copied().chain(&messages[..last]))
        } else {
            hash::hash_values(ex.value.get("tools").into_iter().chain(&messages[..last]))
        };
        Some(Note::Pair(prefix, hash::hash_value(&messages[last])))
    }

    fn start(&self, _: &StartCtx<'_>) -> Box<dyn DatasetState> {
        Box::new(Conversations(FirstSeen::new(Budget::DEFAULT)))
    }
}

/// A ShareGPT, Alpaca or TRL prompt-completion example: the conversation it holds, as chat
/// messages (`convert::as_chat_messages`), judged as a chat example is.
fn open_note(ex: &ExampleCtx<'_>) -> Option<Note> {
    let (messages, tools) = crate::convert::as_chat_messages(ex.format, ex.value)?;
    let last = messages
        .iter()
        .rposition(|m| m.get("role").and_then(Value::as_str) == Some("assistant"))
        .filter(|&k| k > 0)?;
    let prefix = hash::hash_values(tools.iter().chain(&messages[..last]));
    Some(Note::Pair(prefix, hash::hash_value(&messages[last])))
}

/// A Gemini example: the turns before the last `model` turn with the system instruction and
/// the tools, and that turn.
fn gemini_note(ex: &ExampleCtx<'_>) -> Option<Note> {
    let contents = ex.value.get("contents")?.as_array()?;
    let last = contents
        .iter()
        .rposition(|c| c.get("role").and_then(Value::as_str) == Some("model"))
        .filter(|&k| k > 0)?;
    let system = crate::gemini::SYSTEM_INSTRUCTION.get(ex.value).map(|(_, v)| v);
    // A marker between the optional parts, so that a system instruction cannot pass for tools.
    let marker = Value::Null;
    let prefix = hash::hash_values(
        system
            .into_iter()
            .chain([&marker])
            .chain(ex.value.get("tools"))
            .chain([&marker])
            .chain(&contents[..last]),
    );
    Some(Note::Pair(prefix, hash::hash_value(&contents[last])))
}

/// Conversation hash → (answer hash, first line). The answer is compared with one earlier
/// answer only, so 64 bits of it are plenty. Past the memory budget, the lines still to compare
/// are spilled with their answer and brace ([`spill`](super::spill)).
struct Conversations(FirstSeen<(u64, u64), Answer>);

impl DatasetState for Conversations {
    fn add(&mut self, line: &LineFacts, note: Option<Note>, out: &mut Vec<Diagnostic>) {
        let Some(Note::Pair(prefix, answer)) = note else {
            return;
        };
        let answer = answer as u64;
        match self.0.get(prefix) {
            Some(&(earlier, first)) if earlier != answer => {
                out.push(line.at_brace(finding(first)));
            }
            Some(_) => {}
            None => self.0.insert(prefix, line.line, (answer, line.line), || Answer {
                answer,
                brace: line.brace.0,
                column: line.brace.1,
            }),
        }
    }

    /// The conflicts among the spilled lines.
    fn finish(self: Box<Self>, _: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
        self.0.finish(|(first, earlier), (line, this)| {
            if this.answer != earlier.answer {
                let facts = LineFacts {
                    line: *line,
                    brace: (this.brace, this.column),
                    // Only the brace is needed: D004 has no fix.
                    span: this.brace..this.brace,
                    detected: None,
                };
                out.push(facts.at_brace(finding(*first)));
            }
        });
    }
}

/// What a spilled line keeps: its answer, and its brace (offset and column).
struct Answer {
    answer: u64,
    brace: u64,
    column: u64,
}

impl Spilled for Answer {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.answer.to_le_bytes());
        spill::put(out, self.brace);
        spill::put(out, self.column);
    }

    fn decode(b: &mut &[u8]) -> Option<Answer> {
        let answer = u64::from_le_bytes(b.get(..8)?.try_into().ok()?);
        *b = &b[8..];
        Some(Answer {
            answer,
            brace: spill::get(b)?,
            column: spill::get(b)?,
        })
    }
}

pub fn finding(first_line: u64) -> Finding {
    Finding::new(
        &RULE.meta,
        Target::Line,
        format!("same conversation as line {first_line} but a different final answer"),
    )
    .help("keep the answer you want the model to learn, or make the prompts differ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The findings of `pairs` (one per line: conversation, answer; `None`: no note), sorted by
    /// line, as text.
    fn run(budget: Budget, pairs: &[Option<(u128, u128)>]) -> Vec<String> {
        let mut state: Box<dyn DatasetState> = Box::new(Conversations(FirstSeen::new(budget)));
        let mut out = Vec::new();
        for (i, p) in pairs.iter().enumerate() {
            let line = i as u64 + 1;
            let facts = LineFacts {
                line,
                brace: (line * 100 + line % 3, 1 + line % 3),
                span: line * 100..line * 100 + 60,
                detected: None,
            };
            state.add(&facts, p.map(|(c, a)| Note::Pair(c, a)), &mut out);
        }
        let file = FileFacts::for_tests(pairs.len() as u64, None);
        state.finish(&file, &mut out);
        out.sort_by_key(|d| d.location.map(|l| l.line));
        out.iter().map(|d| format!("{d:?}")).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// With a tiny budget the conflicts are the in-memory ones: the same lines, each
        /// naming the same first line.
        #[test]
        fn a_tiny_budget_finds_what_memory_finds(
            pairs in proptest::collection::vec(
                proptest::option::weighted(0.9, (0u128..8, 0u128..3)), 0..200),
            map in 0usize..4,
            run_len in 1usize..6,
        ) {
            let all = run(Budget { map: usize::MAX, run: usize::MAX, log: 1 }, &pairs);
            let tiny = run(Budget { map, run: run_len, log: 1 }, &pairs);
            prop_assert_eq!(tiny, all);
        }
    }
}
