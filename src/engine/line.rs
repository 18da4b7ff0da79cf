//! Everything ftlint does with one line, in one place: framing, one parse, the format's rules,
//! a small summary for the dataset rules, and positions for whatever was found.

use super::hash;
use super::Options;
use crate::diagnostic::{Diagnostic, Finding, Location, Target};
use crate::format::{self, Format, FormatChoice};
use crate::input::position;
use crate::json::{self, locate, ParseErrorKind, Pointer};
use crate::rules::tokens::t001_example_too_long as t001;
use crate::rules::{self, jsonl, LineCtx};
use serde_json::Value;
use std::ops::Range;

/// What the dataset rules need to know about a line once the pass is over.
#[derive(Debug, Clone, Default)]
pub struct LineSummary {
    pub kind: LineKind,
    pub crlf: bool,
    /// File offset and column of the top-level `{`, where dataset findings point.
    pub brace: (u64, u64),
    pub example_hash: Option<u128>,
    /// (hash of the conversation before the last assistant message, hash of that message).
    pub conversation: Option<(u128, u128)>,
    pub has_images: bool,
    /// Tokens of the example, when counted.
    pub tokens: Option<u64>,
    pub record: Option<crate::stats::ExampleRecord>,
    pub moderation: Option<crate::moderation::LineSummary>,
    /// What the sensitive-data scan found, kept for S006 when it stated facts.
    pub sensitive: Option<crate::sensitive::ExampleScan>,
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
pub struct RawLine<'a> {
    /// Without the `\n`.
    pub bytes: &'a [u8],
    /// 1-based line number in the file.
    pub line: u64,
    /// File offset of `bytes[0]`.
    pub offset: u64,
    pub first_in_file: bool,
    pub has_newline: bool,
}

pub fn check_line(raw: RawLine<'_>, opts: &Options) -> LineOutput {
    let mut out = LineOutput {
        diagnostics: Vec::new(),
        summary: LineSummary::default(),
    };
    let mut bytes = raw.bytes;
    let mut offset = raw.offset;
    let sel = &opts.selection;

    if raw.first_in_file && bytes.starts_with(b"\xEF\xBB\xBF") {
        if sel.is_enabled(&jsonl::j005_byte_order_mark::RULE) {
            out.diagnostics.push(fixed(
                jsonl::j005_byte_order_mark::finding(),
                Location {
                    line: raw.line,
                    column: 1,
                    end_line: raw.line,
                    end_column: 1,
                    byte_offset: offset,
                    byte_length: 3,
                },
            ));
        }
        bytes = &bytes[3..];
        offset += 3;
    }
    if let Some(stripped) = bytes.strip_suffix(b"\r") {
        out.summary.crlf = true;
        bytes = stripped;
    }

    // Framing findings at the end of the line need its text only for a column, so they are
    // positioned after UTF-8 is known.
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            out.summary.kind = LineKind::Broken;
            let start = e.valid_up_to();
            let len = e.error_len().unwrap_or(bytes.len() - start);
            let valid = std::str::from_utf8(&bytes[..start]).unwrap_or_default();
            if sel.is_enabled(&jsonl::j001_invalid_utf8::RULE) {
                let column = valid.chars().count() as u64 + 1;
                let mut d = fixed(
                    jsonl::j001_invalid_utf8::finding(&bytes[start..start + len]),
                    Location {
                        line: raw.line,
                        column,
                        end_line: raw.line,
                        end_column: column + 1,
                        byte_offset: offset + start as u64,
                        byte_length: len as u64,
                    },
                );
                // Show what precedes the bad byte; the byte itself cannot be printed.
                let mut snip = position::snippet(valid, &(start..start));
                snip.text.push('�');
                snip.span = snip.text.len() - '�'.len_utf8()..snip.text.len();
                d.snippet = Some(snip);
                out.diagnostics.push(d);
            }
            return out;
        }
    };
    let line_end_findings = |out: &mut LineOutput| {
        let end = text.len();
        if out.summary.crlf && sel.is_enabled(&jsonl::j006_crlf_line_ending::RULE) {
            let mut d = positioned(
                jsonl::j006_crlf_line_ending::finding(end),
                text,
                raw.line,
                offset,
            );
            if let Some(loc) = d.location.as_mut() {
                loc.byte_length = 1;
                loc.end_column = loc.column + 1;
            }
            out.diagnostics.push(d);
        }
        if !raw.has_newline && sel.is_enabled(&jsonl::j010_missing_final_newline::RULE) {
            out.diagnostics.push(positioned(
                jsonl::j010_missing_final_newline::finding(end),
                text,
                raw.line,
                offset,
            ));
        }
    };

    if text.trim_matches([' ', '\t']).is_empty() {
        out.summary.kind = LineKind::Blank;
        if sel.is_enabled(&jsonl::j004_blank_line::RULE) {
            out.diagnostics.push(positioned(
                jsonl::j004_blank_line::finding(text.len()),
                text,
                raw.line,
                offset,
            ));
        }
        line_end_findings(&mut out);
        return out;
    }

    let mut findings: Vec<Finding> = Vec::new();
    match json::parse_line(text) {
        Err(e) => {
            out.summary.kind = LineKind::Broken;
            let f = match e.kind {
                ParseErrorKind::TooDeep => jsonl::j009_nesting_too_deep::finding(&e),
                ParseErrorKind::Syntax => jsonl::j002_invalid_json::finding(&e, text),
            };
            findings.push(f);
        }
        Ok(parsed) => {
            for r in &parsed.lone_surrogates {
                findings.push(jsonl::j008_lone_surrogate::finding(
                    r.clone(),
                    &text[r.clone()],
                ));
            }
            for d in &parsed.duplicates {
                findings.push(jsonl::j007_duplicate_key::finding(d));
            }
            match &parsed.value {
                Value::Object(obj) => {
                    let start = text.len() - text.trim_start().len();
                    out.summary.brace = (
                        offset + start as u64,
                        text[..start].chars().count() as u64 + 1,
                    );
                    let detected = format::detect(obj);
                    let format = match opts.format {
                        FormatChoice::Fixed(f) => f,
                        FormatChoice::Auto => detected.unwrap_or(Format::Chat),
                    };
                    out.summary.kind = LineKind::Example(match opts.format {
                        FormatChoice::Fixed(f) => Some(f),
                        FormatChoice::Auto => detected,
                    });
                    let mut ctx = LineCtx::new(text, &parsed.value, opts);
                    rules::check_example(format, &mut ctx);
                    findings.append(&mut ctx.findings);
                    summarize(&parsed.value, format, opts, &mut out.summary);
                    count_tokens(&parsed.value, opts, &mut out.summary, &mut findings);
                    moderate(
                        &parsed.value,
                        raw.line,
                        opts,
                        &mut out.summary,
                        &mut findings,
                    );
                    scan_sensitive(text, &parsed.value, opts, &mut out.summary, &mut findings);
                }
                other => {
                    out.summary.kind = LineKind::Broken;
                    findings.push(jsonl::j003_not_an_object::finding(other));
                }
            }
        }
    }
    for f in findings {
        if sel.is_enabled(f.rule) {
            out.diagnostics.push(positioned(f, text, raw.line, offset));
        }
    }
    line_end_findings(&mut out);
    out
}

/// Hashes for the dataset rules, only when a rule that needs them is selected.
fn summarize(value: &Value, format: Format, opts: &Options, s: &mut LineSummary) {
    let sel = &opts.selection;
    if sel.is_enabled(&rules::dataset::d003_duplicate_example::RULE) {
        s.example_hash = Some(hash::hash_value(value));
    }
    let messages = value.get("messages").and_then(Value::as_array);
    if matches!(format, Format::Chat | Format::Rft) {
        if let Some(messages) = messages {
            if sel.is_enabled(&rules::dataset::d004_conflicting_answers::RULE) {
                let last = messages
                    .iter()
                    .rposition(|m| m.get("role").and_then(Value::as_str) == Some("assistant"));
                if let Some(k) = last.filter(|&k| k > 0) {
                    let prefix =
                        hash::hash_values(value.get("tools").into_iter().chain(&messages[..k]));
                    let answer = hash::hash_value(&messages[k]);
                    s.conversation = Some((prefix, answer));
                }
            }
            s.has_images = messages.iter().any(has_image_part);
        }
    }
    if format == Format::Preference {
        s.has_images = value
            .pointer("/input/messages")
            .and_then(Value::as_array)
            .is_some_and(|m| m.iter().any(has_image_part));
    }
}

/// The example's tokens for the report, `stats` and T001 — the only tokenization of the line.
fn count_tokens(value: &Value, opts: &Options, s: &mut LineSummary, findings: &mut Vec<Finding>) {
    let Some(model) = &opts.tokens else {
        return;
    };
    let tokens = if opts.collect_records {
        let rec = crate::stats::ExampleRecord::from_value(model.encoding, value);
        s.record = Some(rec);
        rec.tokens
    } else {
        crate::tokens::count_example(model.encoding, value).total
    };
    s.tokens = Some(tokens);
    if t001::excess(tokens, model.context).is_some() {
        findings.push(
            Finding::new(
                &t001::RULE,
                Target::Line,
                t001::message(tokens, model.context, &model.name),
            )
            .help(t001::help(tokens, model.context)),
        );
    }
}

/// Moderation findings from whatever scores the run has (cache, import, fetched).
fn moderate(
    value: &Value,
    line: u64,
    opts: &Options,
    s: &mut LineSummary,
    findings: &mut Vec<Finding>,
) {
    let Some(m) = &opts.moderation else {
        return;
    };
    let (found, summary) = m.check.check_line(&m.store, line, value);
    s.moderation = Some(summary);
    for f in found {
        let target = if f.pointer.is_empty() {
            Target::Line
        } else {
            Target::Value(Pointer::parse(&f.pointer))
        };
        findings.push(
            Finding::new(f.rule, target, f.message)
                .help(f.help)
                .severity(f.severity),
        );
    }
}

/// The S rules: one scan over every text of the line; each match is mapped from the decoded
/// string back to the raw line through the string's escapes.
fn scan_sensitive(
    text: &str,
    value: &Value,
    opts: &Options,
    s: &mut LineSummary,
    findings: &mut Vec<Finding>,
) {
    if !opts.selection.any_with_prefix("S") {
        return;
    }
    let texts = crate::sensitive::line_texts(value);
    if texts.is_empty() {
        return;
    }
    let scan = opts
        .scanner()
        .scan_example(&crate::sensitive::message_texts(&texts));
    for m in &scan.matches {
        let Some(rule) = rules::by_code(m.code) else {
            continue;
        };
        if !opts.selection.is_enabled(rule) {
            continue;
        }
        let pointer = Pointer::parse(&texts[m.message_index].pointer);
        let target = locate::locate(text, &pointer)
            .and_then(|l| {
                let literal = &text.as_bytes()[l.value.clone()];
                let raw = crate::escapes::EscapeMap::new(literal)?.range_to_raw(m.range.clone())?;
                Some(Target::Bytes(
                    l.value.start + raw.start..l.value.start + raw.end,
                ))
            })
            .unwrap_or(Target::Value(pointer));
        let mut f = Finding::new(rule, target, m.message.clone()).help(m.help.clone());
        if m.code == rules::sensitive::s001_secret::RULE.code {
            f = f.redacted();
        }
        findings.push(f);
    }
    if !scan.facts.is_empty()
        && opts
            .selection
            .is_enabled(&rules::sensitive::s006_personal_profile::RULE)
    {
        s.sensitive = Some(scan);
    }
}

fn has_image_part(message: &Value) -> bool {
    message
        .get("content")
        .and_then(Value::as_array)
        .is_some_and(|parts| {
            parts
                .iter()
                .any(|p| p.get("type").and_then(Value::as_str) == Some("image_url"))
        })
}

/// Gives a finding its position in the line.
pub fn positioned(f: Finding, text: &str, line: u64, line_start: u64) -> Diagnostic {
    let (range, pointer) = resolve(text, &f.target);
    let location = position::location(text, &range, line, line_start);
    let snippet = Some(if f.redact {
        // Mask the whole secret before windowing, so no part of it reaches the output.
        let masked = position::mask(&text[range.clone()]);
        let shown = format!("{}{masked}{}", &text[..range.start], &text[range.end..]);
        position::snippet(&shown, &(range.start..range.start + masked.len()))
    } else {
        position::snippet(text, &range)
    });
    f.into_diagnostic(location, pointer, snippet)
}

fn fixed(f: Finding, location: Location) -> Diagnostic {
    f.into_diagnostic(location, None, None)
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
        Target::Bytes(r) => (clamp(r), None),
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
