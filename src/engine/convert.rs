//! `ftlint convert`'s streaming pass: blocks → lines converted in parallel → output and
//! findings merged in file order. The conversion itself is `crate::convert` (typed losses);
//! the `X` rules word each loss; this module reads lines, drives both, decides from
//! `--on-loss` what a loss costs, and positions each finding in the input line it is about.

use super::line::position_findings;
use super::{ordered_blocks, FileReport};
use crate::convert::{json_out, Conversion, Loss, LossKind, OnLoss, Output, Unconvertible};
use crate::diagnostic::{Diagnostic, Finding, Severity, Target};
use crate::format::{self, Format, FormatChoice};
use crate::input::reader::Block;
use crate::rules::convert::LossCtx;
use crate::rules::Plan;
use serde_json::Value;
use std::io::{self, Read, Write};

/// What a conversion run needs, fixed for the run.
pub struct ConvertOptions<'t> {
    pub conversion: Conversion<'t>,
    /// The input's format: detected per line, or forced.
    pub format: FormatChoice,
    /// The rules that word losses (the `X` family).
    pub plan: Plan,
    pub on_loss: OnLoss,
    /// The input's LLaMA-Factory `dataset_info.json` entry: lines are read under its names.
    pub mapping: Option<std::sync::Arc<crate::llamafactory::Mapping>>,
}

/// What a conversion did to one input.
#[derive(Debug, Default)]
pub struct ConvertReport {
    /// The input's path, lines, examples, bytes and the findings of the conversion.
    pub report: FileReport,
    /// Examples written to the output.
    pub written: u64,
    /// Examples left out (they cannot be converted, or `--on-loss drop-example`).
    pub left_out: u64,
    /// Examples written with a loss.
    pub lossy: u64,
}

/// One block's converted lines and findings.
#[derive(Default)]
struct Done {
    out: Vec<u8>,
    diagnostics: Vec<Diagnostic>,
    lines: u64,
    examples: u64,
    written: u64,
    left_out: u64,
    lossy: u64,
    first_format: Option<Format>,
}

/// Converts `input` line by line, writing the converted records to `out` in file order.
/// Read and write errors are returned.
pub fn convert_reader<R: Read + Send>(
    path: String,
    input: R,
    opts: &ConvertOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<ConvertReport> {
    let mut total = ConvertReport::default();
    total.report.path = path;
    ordered_blocks(
        input,
        // Every line is held, as before: a conversion writes each line it converts.
        u64::MAX,
        |block| convert_block(block, opts),
        |len, done: Done| {
            out.write_all(&done.out)?;
            let r = &mut total.report;
            r.bytes += len;
            r.lines += done.lines;
            r.examples += done.examples;
            r.diagnostics.extend(done.diagnostics);
            if r.format.is_none() {
                r.format = done.first_format;
            }
            total.written += done.written;
            total.left_out += done.left_out;
            total.lossy += done.lossy;
            Ok(())
        },
    )?;
    // In line order already; within a line, by column and code.
    total
        .report
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(total)
}

fn convert_block(block: &Block, opts: &ConvertOptions<'_>) -> Done {
    let data = &block.data[..];
    let mut done = Done::default();
    let mut start = 0usize;
    let mut line_no = block.first_line - 1;
    while start < data.len() {
        let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i);
        line_no += 1;
        done.lines += 1;
        let mut bytes = &data[start..end];
        let mut text_offset = block.offset + start as u64;
        if block.first && start == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes = &bytes[3..];
            text_offset += 3;
        }
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        convert_line(
            bytes,
            line_no,
            text_offset,
            block.offset + start as u64,
            opts,
            &mut done,
        );
        start = end + 1;
    }
    done
}

fn convert_line(
    bytes: &[u8],
    line: u64,
    text_offset: u64,
    line_start: u64,
    opts: &ConvertOptions<'_>,
    done: &mut Done,
) {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        // A blank line holds no example: nothing to carry over.
        return;
    }
    done.examples += 1;
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            let lossy = String::from_utf8_lossy(bytes);
            let loss = Loss::new(
                LossKind::Unconvertible(Unconvertible::NotUtf8),
                Target::Line,
            );
            report(
                &lossy,
                &[loss],
                None,
                line,
                text_offset,
                line_start,
                opts,
                done,
            );
            done.left_out += 1;
            return;
        }
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let message = e.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_owned();
            let col = e.column().max(1);
            let loss = Loss::new(
                LossKind::Unconvertible(Unconvertible::NotJson(message)),
                Target::Bytes(col - 1..col),
            );
            report(
                text,
                &[loss],
                None,
                line,
                text_offset,
                line_start,
                opts,
                done,
            );
            done.left_out += 1;
            return;
        }
    };
    let Value::Object(_) = &value else {
        let loss = Loss::new(
            LossKind::Unconvertible(Unconvertible::NotObject),
            Target::Line,
        );
        report(
            text,
            &[loss],
            None,
            line,
            text_offset,
            line_start,
            opts,
            done,
        );
        done.left_out += 1;
        return;
    };
    // Under a LLaMA-Factory entry, the line is read through its view (the default names) in
    // the entry's format; the losses are given the user's names back in `report`.
    let view = opts.mapping.as_ref().map(|m| m.view(&value));
    let value = view.unwrap_or(value);
    let Some(obj) = value.as_object() else {
        return; // the view of an object is an object
    };
    let from = match (opts.format, &opts.mapping) {
        (_, Some(m)) => m.format,
        (FormatChoice::Fixed(f), None) => f,
        // No signature key: read as chat, the default, whose reader says what is missing.
        (FormatChoice::Auto, None) => format::detect(obj).unwrap_or(Format::Chat),
    };
    if done.first_format.is_none() {
        done.first_format = Some(from);
    }
    let converted = opts.conversion.convert(&value, from);
    let fatal = converted.losses.iter().any(Loss::is_fatal);
    report(
        text,
        &converted.losses,
        converted.format,
        line,
        text_offset,
        line_start,
        opts,
        done,
    );
    let dropped = fatal || (!converted.losses.is_empty() && opts.on_loss == OnLoss::DropExample);
    if dropped {
        done.left_out += 1;
        return;
    }
    if !converted.losses.is_empty() {
        done.lossy += 1;
    }
    match converted.output {
        // The entry's names are LLaMA-Factory's defaults in the output.
        Output::Same if opts.mapping.is_some() => {
            json_out::write(&crate::llamafactory::unmarked(value), &mut done.out)
        }
        Output::Same => done.out.extend_from_slice(text.trim().as_bytes()),
        Output::Record(v) => json_out::write(&v, &mut done.out),
        Output::Nothing => {
            done.left_out += 1;
            return;
        }
    }
    done.out.push(b'\n');
    done.written += 1;
}

/// Words each loss with the rules of the plan, gives it the severity `--on-loss` asks for, and
/// positions it in the input line.
#[allow(clippy::too_many_arguments)] // the line's facts, each needed
fn report(
    text: &str,
    losses: &[Loss],
    format: Option<Format>,
    line: u64,
    text_offset: u64,
    line_start: u64,
    opts: &ConvertOptions<'_>,
    done: &mut Done,
) {
    if losses.is_empty() {
        return;
    }
    let mut found: Vec<Finding> = Vec::new();
    for loss in losses {
        let ctx = LossCtx {
            loss,
            target: opts.conversion.target,
            format,
            on_loss: opts.on_loss,
        };
        let before = found.len();
        for rule in &opts.plan.convert {
            if let Some(word) = rule.convert {
                word(&ctx, &mut found);
            }
        }
        let severity = match (opts.on_loss, loss.is_fatal()) {
            (OnLoss::Error, _) | (OnLoss::Warn, true) => Severity::Error,
            _ => Severity::Warning,
        };
        for f in &mut found[before..] {
            f.severity = Some(severity);
        }
    }
    if let Some(m) = &opts.mapping {
        found = found.into_iter().map(|f| m.translate(f)).collect();
    }
    position_findings(
        text,
        found,
        line,
        text_offset,
        line_start,
        &mut done.diagnostics,
    );
}
