//! `ftlint targets` and `ftlint target NAME`: the services and trainers ftlint checks for, as
//! `ftlint rules` and `ftlint rule` show the rules.

use super::{CliError, ConfigFlags, ListFormat, Report};
use crate::config::Config;
use crate::targets::{BomPolicy, Counter, Target};
use crate::tokens::thousands;
use std::fmt::Write as _;
use std::io::Write;

/// The built-in targets, then the config's own (which may shadow a built-in name).
fn all_targets(config: &ConfigFlags) -> Result<Vec<Target>, Report> {
    let settings = crate::settings::resolve(&config.lookup(), &[], Config::default())?.settings;
    let mut out: Vec<Target> = Target::builtins()
        .iter()
        .filter(|t| !settings.targets.contains_key(&t.name))
        .cloned()
        .collect();
    for name in settings.targets.keys() {
        out.push(Target::resolve(name, &settings.targets)?);
    }
    Ok(out)
}

pub fn list(format: ListFormat, config: &ConfigFlags, out: &mut dyn Write) -> Result<u8, Report> {
    let targets = all_targets(config)?;
    match format {
        ListFormat::Text => {
            for t in &targets {
                let formats: Vec<&str> = t.formats.iter().map(|f| f.as_str()).collect();
                writeln!(
                    out,
                    "{:<14} {:<34} {:>2} models  {}",
                    t.name,
                    formats.join(","),
                    t.models.len(),
                    t.title
                )?;
            }
        }
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &targets).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
    }
    Ok(0)
}

pub fn show(
    name: &str,
    format: ListFormat,
    config: &ConfigFlags,
    out: &mut dyn Write,
) -> Result<u8, Report> {
    let target = all_targets(config)?
        .into_iter()
        .find(|t| t.name == name)
        .ok_or_else(|| CliError::UnknownTarget {
            name: name.to_owned(),
        })?;
    match format {
        ListFormat::Text => out.write_all(render(&target).as_bytes())?,
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &target).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
    }
    Ok(0)
}

/// A target in full, as `ftlint target NAME` prints it.
pub fn render(t: &Target) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {} — {}\n", t.name, t.title);
    if !t.source.is_empty() {
        let _ = writeln!(s, "Source: {}\n", t.source);
    }
    let formats: Vec<String> = t.formats.iter().map(|f| format!("`{f}`")).collect();
    let _ = writeln!(s, "Formats:         {}", formats.join(", "));
    let bom = match t.bom {
        BomPolicy::Warn => "none wanted (J005 warns on one)",
        BomPolicy::Required => "required (J011 warns when missing; `--fix` adds it)",
    };
    let _ = writeln!(s, "Byte-order mark: {bom}");
    let gate = match t.content_gate {
        Some(crate::targets::ContentGate::Openai) => {
            "OpenAI's moderation of training data (unpublished thresholds)"
        }
        Some(crate::targets::ContentGate::Azure) => {
            "Azure's RAI check of training data by harm category (unpublished thresholds)"
        }
        None => "none documented",
    };
    let _ = writeln!(s, "Content gate:    {gate}");
    let max = t.max_examples.map_or("no maximum".to_owned(), |m| {
        format!("at most {}", thousands(m))
    });
    let _ = writeln!(
        s,
        "Examples:        at least {}, {} recommended, {max}",
        thousands(t.min_examples),
        thousands(t.recommended_examples)
    );
    // A self-hosted trainer reads local files: its table gives the largest size TOML holds.
    if t.max_file_bytes >= i64::MAX as u64 {
        let _ = writeln!(s, "File size:       no limit (local files)");
    } else {
        let _ = writeln!(s, "File size:       at most {}", bytes(t.max_file_bytes));
    }
    if let Some(n) = t.max_image_examples {
        let _ = writeln!(s, "Image examples:  at most {}", thousands(n));
    }
    let roles = t
        .chat
        .roles
        .as_ref()
        .map_or("the format's".to_owned(), |r| r.join(", "));
    let mut order = Vec::new();
    if t.chat.alternate {
        order.push("system first, then user and assistant alternate (C022)");
    }
    if t.chat.end_with_assistant {
        order.push("the assistant speaks last (C022)");
    }
    let order = if order.is_empty() {
        "any order".to_owned()
    } else {
        order.join("; ")
    };
    let _ = writeln!(s, "Chat roles:      {roles}; {order}");
    let epochs = t.default_epochs.map_or(
        "OpenAI's rule by file size (3, fewer for large files, more for small)".to_owned(),
        |e| e.to_string(),
    );
    let _ = writeln!(s, "Default epochs:  {epochs}");
    if let Some(e) = &t.estimate {
        let _ = writeln!(
            s,
            "Token estimate:  {} characters per token, for models without an exact tokenizer ({})",
            e.chars_per_token, e.source
        );
    }
    if t.prices_date == "n/a" {
        // No price to date: the table says why (self-hosted training).
        let _ = writeln!(s, "Prices:          none ({})", t.prices_source);
    } else {
        let _ = writeln!(
            s,
            "Prices:          USD, as of {}{}",
            t.prices_date,
            if t.prices_source.is_empty() {
                String::new()
            } else {
                format!(" ({})", t.prices_source)
            }
        );
    }
    let _ = writeln!(s, "\n## Models\n");
    let rows: Vec<[String; 7]> = t
        .models
        .iter()
        .map(|m| {
            let name = if m.name == t.default_model {
                format!("{} (default)", m.name)
            } else {
                m.name.clone()
            };
            let tokens = match t.counter(m) {
                Some(Counter::Exact(e)) => e.name().to_owned(),
                Some(Counter::Estimate { chars_per_token }) => {
                    format!("~{chars_per_token} chars/token")
                }
                None => "-".to_owned(),
            };
            let formats = m.formats.as_ref().map_or("all".to_owned(), |f| {
                f.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(",")
            });
            let price = match (m.price_per_mtok, m.price_per_hour) {
                (Some(p), _) => format!("${p:.2}/1M"),
                (None, Some(h)) => format!("${h:.2}/hour"),
                _ => "unknown".to_owned(),
            };
            let date =
                |d: Option<crate::targets::Date>| d.map_or("-".to_owned(), |d| d.to_string());
            [
                name,
                thousands(u64::from(m.context)),
                tokens,
                formats,
                price,
                date(m.last_training_day),
                date(m.shutdown),
            ]
        })
        .collect();
    let header = [
        "model",
        "context",
        "tokens",
        "formats",
        "training price",
        "last training day",
        "shutdown",
    ];
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    s.push_str(&line(header.to_vec()));
    for r in &rows {
        s.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    let notes: Vec<String> = t
        .models
        .iter()
        .filter_map(|m| {
            let mut parts = Vec::new();
            if let Some(r) = &m.replacement {
                parts.push(format!("instead: {r}"));
            }
            if let Some(src) = &m.lifecycle_source {
                parts.push(format!("dates: {src}"));
            }
            if let Some(hf) = &m.hf_tokenizer {
                parts.push(format!("tokenizer: {hf} (Hugging Face)"));
            }
            (!parts.is_empty()).then(|| format!("- {}: {}", m.name, parts.join("; ")))
        })
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(s, "\n## Lifecycle and tokenizers\n");
        for n in notes {
            let _ = writeln!(s, "{n}");
        }
    }
    s
}

/// `512 MB`, `50.1 GB`: binary units, as the services state their limits.
fn bytes(n: u64) -> String {
    const GB: f64 = 1024.0 * 1024.0 * 1024.0;
    let gb = n as f64 / GB;
    if gb >= 1.0 {
        format!("{} GB", trim(gb))
    } else {
        format!("{} MB", trim(n as f64 / (1024.0 * 1024.0)))
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}
