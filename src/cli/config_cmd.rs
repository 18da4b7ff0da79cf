//! `ftlint config`: the settings of `check` (same arguments) and where each value came from.
//! The resolution itself lives in [`crate::settings`]; this prints it, one line per config key.

use super::{CheckArgs, Report};
use crate::config::Config;
use crate::moderation::ThresholdOverrides;
use crate::settings::{Origin, Selection, Settings};
use std::io::Write;
use std::path::Path;

/// `ftlint config`.
pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<u8, Report> {
    let r = args.resolve()?;
    // A selector that names no rule is an error before anything is printed.
    let on = crate::rules::select::resolve(&r.settings.rules)?;
    let config_name = r
        .config
        .as_ref()
        .map(|l| l.path.display().to_string())
        .unwrap_or_default();
    match &r.config {
        Some(_) => writeln!(out, "# config file: {config_name}")?,
        None => writeln!(out, "# config file: none")?,
    }
    for &key in Config::KEYS {
        let source = match r.origin(key) {
            Origin::Default => "default".to_string(),
            Origin::Flag => "flag".to_string(),
            Origin::Config => format!("from {config_name}"),
            Origin::Both => format!("from {config_name} and flag"),
        };
        writeln!(out, "{key} = {}  # {source}", value_of(&r.settings, key))?;
    }
    // What the selection layers come to: the shorter of the lists of rules on and off.
    let all = crate::diagnostic::Rule::ALL;
    let (on_list, off_list): (Vec<_>, Vec<_>) = all.iter().partition(|rule| on.contains(**rule));
    let codes =
        |v: &[&crate::diagnostic::Rule]| v.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ");
    let total = all.len();
    let n = on_list.len();
    if off_list.is_empty() {
        writeln!(out, "# rules: all {total} on")?;
    } else if n <= off_list.len() {
        writeln!(out, "# rules: {n} of {total} on: {}", codes(&on_list))?;
    } else {
        writeln!(out, "# rules: {n} of {total} on; off: {}", codes(&off_list))?;
    }
    Ok(0)
}

/// A basic TOML string (JSON's escapes are valid TOML ones).
fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn toml_list(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| toml_str(s)).collect();
    format!("[{}]", items.join(", "))
}

fn path_str(p: &Path) -> String {
    toml_str(&p.display().to_string())
}

fn opt<T>(v: &Option<T>, f: impl Fn(&T) -> String) -> String {
    v.as_ref().map(f).unwrap_or_else(|| "none".into())
}

fn name_of<T: clap::ValueEnum>(v: &T) -> String {
    v.to_possible_value()
        .map(|p| toml_str(p.get_name()))
        .unwrap_or_default()
}

/// A setting as a TOML-like value (`none` for an unset optional one).
fn value_of(s: &Settings, key: &str) -> String {
    use crate::format::FormatChoice;
    use crate::moderation::{SourceMode, UnitMode};
    match key {
        "target" => toml_str(&s.target),
        "model" => opt(&s.model, |m| toml_str(m)),
        "format" => toml_str(match s.format {
            FormatChoice::Auto => "auto",
            FormatChoice::Fixed(f) => f.as_str(),
        }),
        "output-format" => name_of(&s.output_format),
        "output-file" => opt(&s.output_file, |p| path_str(p)),
        // The selection layers that count: a layer with `select` hides those below it.
        "select" => toml_list(
            s.rules
                .iter()
                .rev()
                .find_map(|l| l.select.as_deref())
                .unwrap_or_default(),
        ),
        "extend-select" => layered(s, |l| &l.extend_select),
        "ignore" => layered(s, |l| &l.ignore),
        "extend-ignore" => layered(s, |l| &l.extend_ignore),
        "respect-gitignore" => s.respect_gitignore.to_string(),
        "epochs" => opt(&s.epochs, |n| n.to_string()),
        "tokenizer" => opt(&s.tokenizer, |p| path_str(p)),
        "chat-template" => opt(&s.chat_template, |p| path_str(p)),
        "dataset-info" => opt(&s.dataset_info, |p| path_str(p)),
        "max-length" => opt(&s.max_length, |n| n.to_string()),
        "max-warnings" => opt(&s.max_warnings, |n| n.to_string()),
        "exclude" => toml_list(&s.exclude),
        "force-exclude" => s.force_exclude.to_string(),
        "per-file-ignores" => {
            let items: Vec<String> = s
                .per_file_ignores
                .iter()
                .map(|(g, codes)| format!("{} = {}", toml_str(g), toml_list(codes)))
                .collect();
            inline(&items)
        }
        "baseline" => opt(&s.baseline, |p| path_str(p)),
        "moderation" => toml_str(match s.moderation {
            None | Some(SourceMode::Cache) => "cache",
            Some(SourceMode::Off) => "off",
            Some(SourceMode::Api) => "api",
        }),
        "moderation-provider" => toml_str(s.moderation_provider.as_str()),
        "scores" => opt(&s.scores, |p| path_str(p)),
        "profile" => toml_str(
            s.profile
                .as_deref()
                .unwrap_or(s.moderation_provider.default_profile()),
        ),
        "offline" => s.offline.to_string(),
        "cache-dir" => opt(&s.cache_dir, |p| path_str(p)),
        "moderation-unit" => toml_str(match s.moderation_unit {
            UnitMode::Message => "message",
            UnitMode::Example => "example",
        }),
        "moderation-model" => toml_str(
            &s.moderation_provider
                .model_key(s.moderation_model.as_deref())
                .unwrap_or_else(|_| s.moderation_model.clone().unwrap_or_default()),
        ),
        "require-scores" => s.require_scores.to_string(),
        "concurrency" => s.concurrency.to_string(),
        "thresholds" => opt(&s.thresholds, overrides),
        "models" => {
            let names: Vec<String> = s.models.iter().map(|m| m.name.clone()).collect();
            toml_list(&names)
        }
        "targets" => {
            let names: Vec<String> = s.targets.keys().cloned().collect();
            toml_list(&names)
        }
        "profiles" => {
            let names: Vec<String> = s.profiles.iter().map(|(n, _)| n.clone()).collect();
            toml_list(&names)
        }
        "sensitive" => opt(&s.sensitive, |o| {
            format!(
                "{{ patterns = {}, allow = {}, allow-regex = {} }}",
                o.patterns.len(),
                toml_list(&o.allow),
                toml_list(&o.allow_regex)
            )
        }),
        _ => "?".into(),
    }
}

/// A selection key's values over the layers that count (from the last one with `select`).
fn layered(s: &Settings, key: impl Fn(&Selection) -> &Vec<String>) -> String {
    let from = s
        .rules
        .iter()
        .rposition(|l| l.select.is_some())
        .unwrap_or(0);
    let all: Vec<String> = s.rules[from..]
        .iter()
        .flat_map(|l| key(l).iter().cloned())
        .collect();
    toml_list(&all)
}

/// `[thresholds]` as an inline table, every level sorted by key as TOML tables print, each
/// category under its canonical (slash) name whichever spelling the file used.
fn overrides(o: &ThresholdOverrides) -> String {
    let mut items: Vec<(String, String)> = Vec::new();
    if let Some(n) = o.gate.max_flagged_examples {
        items.push(("max_flagged_examples".into(), n.to_string()));
    }
    if let Some(f) = o.gate.max_flagged_fraction {
        items.push(("max_flagged_fraction".into(), f.to_string()));
    }
    for (cat, t) in &o.categories {
        let mut levels = Vec::new();
        if let Some(e) = t.error {
            levels.push(format!("error = {e}"));
        }
        if let Some(w) = t.warn {
            levels.push(format!("warn = {w}"));
        }
        items.push((cat.as_str().to_string(), inline(&levels)));
    }
    items.sort();
    let items: Vec<String> = items.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    inline(&items)
}

fn inline(items: &[String]) -> String {
    if items.is_empty() {
        "{}".into()
    } else {
        format!("{{ {} }}", items.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key added to `Config` must be printable: `?` would mean `value_of` missed it.
    #[test]
    fn every_key_has_a_value() {
        let s = Settings::default();
        for &key in Config::KEYS {
            assert_ne!(value_of(&s, key), "?", "{key}");
        }
    }
}
