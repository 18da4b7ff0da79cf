//! One line through every per-line phase: raw line, parse, schema, example, and the dataset
//! rules' notes — the engine knows the phases, never a rule — then positions for whatever was
//! found.

use super::Options;
use crate::diagnostic::{Diagnostic, Finding, Location, Target};
use crate::format::{self, Format, FormatChoice};
use crate::input::position;
use crate::json::{self, locate, Pointer};
use crate::rules::{schema, ExampleCtx, Note, ParsedLine, RawLine};
use serde_json::Value;
use std::ops::Range;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What the dataset phase needs to know about a line once the pass is over.
#[derive(Default)]
pub struct LineSummary {
    pub kind: LineKind,
    /// File offset and column of the top-level `{`, where dataset findings point.
    pub brace: (u64, u64),
    /// The physical line's bytes in the file, its `\n` included (a fix that drops the line).
    pub span: std::ops::Range<u64>,
    /// Tokens of the example, when counted.
    pub tokens: Option<u64>,
    pub record: Option<crate::stats::ExampleRecord>,
    pub moderation: Option<crate::moderation::LineSummary>,
    /// What the content gate's verdict keeps of the example, when it runs.
    pub signals: Option<crate::moderation::verdict::ExampleSignals>,
    /// The dataset rules' notes: (index of the rule in the plan's dataset phase, note), in
    /// plan order.
    pub notes: Vec<(usize, Note)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LineKind {
    #[default]
    Blank,
    /// Not UTF-8, not JSON or not an object: no example the service could use.
    Broken,
    /// A JSON object; the format it was detected as (None: no signature key).
    Example(Option<Format>),
}

pub struct LineOutput {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: LineSummary,
}

/// One physical line as the block splitter saw it.
pub struct RawInput<'a> {
    /// Without the `\n`.
    pub bytes: &'a [u8],
    /// 1-based line number in the file.
    pub line: u64,
    /// File offset of `bytes[0]`.
    pub offset: u64,
    pub first_in_file: bool,
    pub has_newline: bool,
    /// The last non-blank line before this one ended with `\r\n`.
    pub prev_crlf: bool,
}

pub fn check_line(input: RawInput<'_>, opts: &Options) -> LineOutput {
    let mut out = LineOutput {
        diagnostics: Vec::new(),
        summary: LineSummary {
            span: input.offset
                ..input.offset + input.bytes.len() as u64 + u64::from(input.has_newline),
            ..LineSummary::default()
        },
    };
    let plan = &opts.plan;
    let bytes = input.bytes;
    let bom = if input.first_in_file && bytes.starts_with(BOM) {
        BOM.len()
    } else {
        0
    };
    let end = if bytes[bom..].ends_with(b"\r") {
        bytes.len() - 1
    } else {
        bytes.len()
    };
    let raw = RawLine {
        bytes,
        line: input.line,
        first_in_file: input.first_in_file,
        has_newline: input.has_newline,
        prev_crlf: input.prev_crlf,
        bom_policy: opts.target.bom,
        content: bom..end,
        text: std::str::from_utf8(&bytes[bom..end]).ok(),
    };

    let mut found = Vec::new();
    for rule in &plan.raw {
        if let Some(check) = rule.raw {
            check(&raw, &mut found);
        }
    }
    for f in found.drain(..) {
        out.diagnostics.push(position_raw(f, &raw, input.offset));
    }
    let Some(text) = raw.text else {
        out.summary.kind = LineKind::Broken;
        return out;
    };
    if raw.is_blank() {
        out.summary.kind = LineKind::Blank;
        return out;
    }
    if opts.framing_only {
        return out;
    }
    let text_offset = input.offset + bom as u64;

    let parse = json::parse_line(text);
    let parsed = ParsedLine {
        line: input.line,
        text,
        parse: &parse,
    };
    for rule in &plan.parse {
        if let Some(check) = rule.parse {
            check(&parsed, &mut found);
        }
    }
    out.summary.kind = LineKind::Broken;
    if let Ok(p) = &parse {
        if let Value::Object(obj) = &p.value {
            let start = text.len() - text.trim_start().len();
            out.summary.brace = (
                text_offset + start as u64,
                text[..start].chars().count() as u64 + 1,
            );
            let detected =
                format::detect(obj).map(|f| format::for_target(f, |g| opts.target.accepts(g)));
            let (format, kind) = match opts.format {
                FormatChoice::Fixed(f) => (f, Some(f)),
                FormatChoice::Auto => (detected.unwrap_or(Format::Chat), detected),
            };
            out.summary.kind = LineKind::Example(kind);
            // A LLaMA-Factory entry's names: the rules read the line under the default names,
            // and their findings are given the user's names back.
            let view = opts.mapping.as_ref().map(|m| m.view(&p.value));
            let before = found.len();
            check_example(
                text,
                bom,
                view.as_ref().unwrap_or(&p.value),
                format,
                input.line,
                opts,
                &mut out.summary,
                &mut found,
            );
            if let Some(m) = &opts.mapping {
                let mapped: Vec<Finding> = found.drain(before..).map(|f| m.translate(f)).collect();
                found.extend(mapped);
            }
        }
    }
    position_findings(
        text,
        found,
        input.line,
        text_offset,
        input.offset,
        &mut out.diagnostics,
    );
    out
}

/// A line too long to hold (`reader::Block::oversize`), from what streaming it found: only the
/// `oversize` hooks run, and the line is no example (nothing else can be said of it without
/// holding it). `offset` is the line's file offset. Its findings point at the bytes the stream
/// marked; they have no snippet (the line is gone) and no fix (`--fix` would have to hold it).
pub fn check_oversize(
    o: &crate::input::oversize::OversizeLine,
    line: u64,
    offset: u64,
    opts: &Options,
) -> LineOutput {
    let ctx = crate::rules::LongLine {
        line,
        scan: o,
        limit: opts.limits.max_line_bytes,
        bom_policy: opts.target.bom,
    };
    let mut found = Vec::new();
    for rule in &opts.plan.oversize {
        if let Some(check) = rule.oversize {
            check(&ctx, &mut found);
        }
    }
    let diagnostics = found
        .into_iter()
        .map(|mut f| {
            let r = match &f.target {
                Target::Raw(r) | Target::Bytes(r) => r.start as u64..r.end as u64,
                _ => o.bom..o.bom,
            };
            let location = Location {
                line,
                column: o.column_at(r.start),
                end_line: line,
                end_column: o.column_at(r.end),
                byte_offset: offset + r.start,
                byte_length: r.end - r.start,
            };
            f.fix = None;
            f.json_fix = None;
            f.into_diagnostic(location, None, None, offset)
        })
        .collect();
    LineOutput {
        diagnostics,
        summary: LineSummary {
            kind: if o.blank {
                LineKind::Blank
            } else {
                LineKind::Broken
            },
            span: offset..offset + o.len + u64::from(o.has_newline),
            ..LineSummary::default()
        },
    }
}

/// Gives the findings of one line their positions: `text` is the line's content (no BOM, no
/// line ending) at file offset `text_offset`, on physical line `line` starting at file offset
/// `line_start` (where a fix's edits count from). Also used by `convert`, whose findings point
/// into the input's lines.
pub fn position_findings(
    text: &str,
    found: Vec<Finding>,
    line: u64,
    text_offset: u64,
    line_start: u64,
    out: &mut Vec<Diagnostic>,
) {
    // Every finding's place first, so the line's columns are counted in one pass.
    let places: Vec<_> = found.iter().map(|f| resolve(text, &f.target)).collect();
    let columns = position::Columns::new(
        text,
        places.iter().flat_map(|(r, _)| [r.start, r.end]).collect(),
    );
    // The line's secrets, found once if a finding is positioned: every snippet masks them, not
    // only S001's own (another finding's window may show a key whole).
    let secrets = std::cell::OnceCell::new();
    for (f, (range, pointer)) in found.into_iter().zip(places) {
        // JSON-level fixes become byte edits of the physical line (the text starts after a BOM).
        let f = with_json_fix(f, text, (text_offset - line_start) as usize);
        let location = columns.location(&range, line, text_offset);
        let secrets = secrets.get_or_init(|| crate::sensitive::secret_ranges_in_raw(text));
        out.push(positioned(
            f, text, range, pointer, location, line_start, secrets,
        ));
    }
}

/// The schema and example phases on one example, the analyses they share (tokens,
/// moderation), and the dataset rules' notes.
#[allow(clippy::too_many_arguments)] // the line's facts, each needed; a struct would only rename them
fn check_example(
    text: &str,
    text_start: usize,
    value: &Value,
    format: Format,
    line: u64,
    opts: &Options,
    summary: &mut LineSummary,
    found: &mut Vec<Finding>,
) {
    let plan = &opts.plan;
    let mut ex = ExampleCtx::new(text, value, format, line, opts.scanner());
    ex.target = &opts.target;
    ex.mapping = opts.mapping.as_deref();
    ex.text_start = text_start;
    // The example's tokens for the report, `stats` and the token rules: the only tokenization
    // of the line.
    // An open model's chat template renders a chat example once, from the line's text (which
    // keeps its keys' order, as Python's `json.loads` does). Another conversational format
    // (ShareGPT, Alpaca, TRL's message lists, Gemini, Bedrock, preference data) is rendered as
    // the chat messages it converts to, as the trainers' loaders turn it into messages before
    // the template. Either way each message knows where its text sits in the line, so that a
    // cut is named there.
    let (hf_render, sources) = match opts.tokens.as_ref().map(|p| p.counter) {
        Some(crate::targets::Counter::Hf(h)) => match format {
            Format::Chat | Format::Rft => match h.render_line(text, value) {
                Some(r) => (Some((h, r)), crate::convert::message_sources(value)),
                None => (None, Vec::new()),
            },
            _ => match crate::convert::chat_view(format, value) {
                Some(v) => (
                    Some((h, h.render(&v.messages, v.tools.as_ref()))),
                    v.sources,
                ),
                None => (None, Vec::new()),
            },
        },
        _ => (None, Vec::new()),
    };
    let mut record = None;
    if let Some(p) = &opts.tokens {
        let counted = match &hf_render {
            Some((h, Ok(r))) => Some(h.count_render(r, opts.collect_records)),
            _ => None,
        };
        let tokens = if opts.collect_records {
            let rec = match counted {
                Some(t) => crate::stats::ExampleRecord::from_tokens(t, value),
                None => crate::stats::ExampleRecord::from_value(p.counter, value),
            };
            record = Some(rec);
            rec.tokens
        } else {
            counted.map_or_else(
                || crate::tokens::count_example(p.counter, value).total,
                |t| t.total,
            )
        };
        summary.tokens = Some(tokens);
        ex.tokens = Some((tokens, &p.model));
        ex.max_length = p.max_length;
    }
    if let Some((h, r)) = &hf_render {
        ex.hf = Some(crate::rules::HfExample {
            counter: h,
            render: r,
            sources: &sources,
        });
    }
    if let Some(mut rec) = record {
        // The cut `stats` reports is the one the token rules read (`ExampleCtx::cut`): computed
        // once, and only for an example over the context — encoding every example a second
        // time to learn that it fits would double `stats`' tokenizer work.
        if let Some(cut) = ex.cut() {
            rec.assistant_lost = cut.assistant_total - cut.assistant_kept;
        }
        summary.record = Some(rec);
    }
    // Moderation verdicts from whatever scores the run has (cache, import, fetched).
    let events;
    if let Some(m) = &opts.moderation {
        let (e, s) = m.check.check_line(&m.store, line, value);
        summary.moderation = Some(s);
        events = e;
        ex.moderation = Some(&events);
        if let Some(data) = m.verdict_data() {
            // The sensitive-data scan is the S rules' (computed once, whoever asks first).
            let sensitive = ex.sensitive().map(|l| (&l.texts[..], &l.scan));
            summary.signals =
                crate::moderation::verdict::ExampleSignals::of(data, sensitive, &events);
        }
    }
    if !plan.schema.is_empty() {
        found.extend(schema::findings(
            schema::Schema::for_target(format, &opts.target),
            value,
            &plan.schema,
        ));
    }
    for rule in &plan.example {
        if let Some(check) = rule.example {
            check(&ex, found);
        }
    }
    for (i, rule) in plan.dataset.iter().enumerate() {
        if let Some(note) = rule.dataset.and_then(|d| d.note(&ex)) {
            summary.notes.push((i, note));
        }
    }
}

/// Turns a finding's [`JsonFix`](crate::diagnostic::JsonFix) into byte edits of the physical
/// line (`text` starts `bom` bytes into it), from the spans the locator finds. A fix whose
/// value cannot be located is dropped, never guessed.
fn with_json_fix(mut f: Finding, text: &str, bom: usize) -> Finding {
    use crate::diagnostic::{Edit, Fix, JsonEdit};
    let Some(jf) = f.json_fix.take() else {
        return f;
    };
    if f.fix.is_some() {
        return f;
    }
    let (Target::Value(p) | Target::Key(p)) = &f.target else {
        return f;
    };
    let Some(at) = locate::locate(text, p) else {
        return f;
    };
    let (range, content) = match jf.edit {
        JsonEdit::ReplaceValue(json) => (at.value, json),
        JsonEdit::RemoveMember => match &at.key {
            Some(key) => (locate::member_removal(text, key, &at.value), String::new()),
            None => return f,
        },
    };
    f.fix = Some(Fix {
        applicability: jf.applicability,
        message: jf.message,
        edits: vec![Edit {
            range: (range.start + bom) as u64..(range.end + bom) as u64,
            content,
        }],
    });
    f
}

/// Gives a framing finding its position: columns count the characters of the line's content
/// (after a BOM, which itself takes no column), an invalid byte sequence counting as one.
fn position_raw(f: Finding, raw: &RawLine<'_>, line_start: u64) -> Diagnostic {
    let Target::Raw(r) = f.target.clone() else {
        // A raw-line rule speaks in raw bytes; anything else points at the line's content.
        let span = raw.content.clone();
        return position_raw(
            Finding {
                target: Target::Raw(span),
                ..f
            },
            raw,
            line_start,
        );
    };
    let bom = raw.bom();
    let columns = |at: usize| -> u64 {
        let at = at.clamp(bom, raw.bytes.len());
        String::from_utf8_lossy(&raw.bytes[bom..at]).chars().count() as u64 + 1
    };
    let location = Location {
        line: raw.line,
        column: columns(r.start),
        end_line: raw.line,
        end_column: columns(r.end),
        byte_offset: line_start + r.start as u64,
        byte_length: r.len() as u64,
    };
    let snippet = if r.start < bom {
        None // the BOM: nothing to show
    } else if let Some(text) = raw.text {
        let clamp = |i: usize| i.clamp(bom, raw.content.end) - bom;
        Some(position::snippet(text, &(clamp(r.start)..clamp(r.end))))
    } else {
        // Show what precedes the bad byte; the byte itself cannot be printed.
        let valid = std::str::from_utf8(&raw.bytes[bom..r.start.max(bom)]).unwrap_or_default();
        let mut snip = position::snippet(valid, &(valid.len()..valid.len()));
        snip.text.push('\u{FFFD}');
        snip.span = snip.text.len() - '\u{FFFD}'.len_utf8()..snip.text.len();
        Some(snip)
    };
    f.into_diagnostic(location, None, snippet, line_start)
}

/// Gives a finding its place in the line (`range` of `text`, and its location) and a snippet;
/// `line_start` is the file offset of the physical line, where a fix's edits count from.
/// `secrets` (byte ranges of `text`, ordered, disjoint) are masked in the snippet, and so is the
/// finding's own span when the finding is a secret.
fn positioned(
    f: Finding,
    text: &str,
    range: Range<usize>,
    pointer: Option<String>,
    location: Location,
    line_start: u64,
    secrets: &[Range<usize>],
) -> Diagnostic {
    let snippet = Some(if f.redact || !secrets.is_empty() {
        // Mask whole secrets before windowing, so no part of them reaches the output.
        let mut masks: Vec<Range<usize>> = secrets
            .iter()
            .filter(|s| !(f.redact && s.start < range.end && range.start < s.end))
            .cloned()
            .collect();
        if f.redact {
            masks.push(range.clone());
            masks.sort_by_key(|r| r.start);
        }
        let mut shown = String::with_capacity(text.len());
        // (old end, new end) of each masked part, to move the span's ends.
        let mut moved: Vec<(Range<usize>, Range<usize>)> = Vec::with_capacity(masks.len());
        let mut at = 0;
        for m in &masks {
            if m.start < at || m.end > text.len() {
                continue; // overlaps a part already masked
            }
            shown.push_str(&text[at..m.start]);
            let start = shown.len();
            shown.push_str(&position::mask(&text[m.clone()]));
            moved.push((m.clone(), start..shown.len()));
            at = m.end;
        }
        shown.push_str(&text[at..]);
        // An offset of `text` in `shown`; one inside a masked part goes to its start (or to its
        // end, for a span's end).
        let map = |o: usize, end: bool| -> usize {
            let mut shift: isize = 0;
            for (old, new) in &moved {
                if o >= old.end {
                    shift = new.end as isize - old.end as isize;
                } else if o <= old.start {
                    break;
                } else {
                    return if end { new.end } else { new.start };
                }
            }
            o.saturating_add_signed(shift)
        };
        let span = map(range.start, false)..map(range.end, true).max(map(range.start, false));
        position::snippet(&shown, &span)
    } else {
        position::snippet(text, &range)
    });
    f.into_diagnostic(location, pointer, snippet, line_start)
}

/// The byte range a target designates, and the pointer to report with it. Falls back to the
/// whole line when the locator cannot follow the pointer (it should always can for a pointer
/// that came from the parsed value).
fn resolve(text: &str, target: &Target) -> (Range<usize>, Option<String>) {
    let trimmed = {
        let start = text.len() - text.trim_start().len();
        start..text.trim_end().len().max(start)
    };
    let clamp = |r: &Range<usize>| {
        let s = floor(text, r.start.min(text.len()));
        let e = floor(text, r.end.min(text.len()).max(s));
        s..e
    };
    match target {
        // Raw bytes are the text's bytes here: only raw-line rules use them, positioned above.
        Target::Bytes(r) | Target::Raw(r) => (clamp(r), None),
        Target::Line => (trimmed, None),
        Target::Value(p) => (
            locate::locate(text, p).map_or(trimmed, |l| l.value),
            Some(p.to_string()),
        ),
        Target::Key(p) => (
            locate::locate(text, p)
                .and_then(|l| l.key)
                .unwrap_or(trimmed),
            Some(p.to_string()),
        ),
        Target::ObjectStart(p) => (
            locate::locate(text, p).map_or(trimmed.start..trimmed.start + 1, |l| {
                l.value.start..l.value.start + 1
            }),
            Some(p.to_string()),
        ),
        Target::DuplicateKey {
            object,
            key,
            occurrence,
        } => (
            locate::locate_key_occurrence(text, object, key, *occurrence).unwrap_or(trimmed),
            Some(Pointer::key(object, key).to_string()),
        ),
    }
}

fn floor(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
