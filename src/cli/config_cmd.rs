//! The settings of a `check` run from flags over the config file over the defaults, and
//! `ftlint config`, which prints them with where each value came from.

use super::{CheckArgs, ConfigFlags, FormatArg, ModerationArg, Report, UnitArg};
use crate::config::{self, schema::FIELDS, ConfigError, Loaded};
use crate::render::OutputFormat;
use crate::settings::Settings;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Default,
    Config,
    Flag,
}

/// The settings of a run and their provenance.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub settings: Settings,
    /// The config file used, if any.
    pub config: Option<Loaded>,
    /// By config key; a key not here has its default.
    pub origins: BTreeMap<&'static str, Origin>,
}

impl Resolved {
    pub fn origin(&self, key: &str) -> Origin {
        self.origins.get(key).copied().unwrap_or(Origin::Default)
    }
}

/// The config file a run uses: `--config`, else discovery from the first input, unless
/// `--isolated`.
pub fn find_config(flags: &ConfigFlags, paths: &[PathBuf]) -> Result<Option<Loaded>, ConfigError> {
    if flags.isolated {
        return Ok(None);
    }
    match &flags.config {
        Some(path) => match config::load(path)? {
            Some(l) => Ok(Some(l)),
            None => Err(ConfigError(format!(
                "config `{}` has no [tool.ftlint] table",
                path.display()
            ))),
        },
        None => config::discover(paths.first().map(|p| p.as_path())),
    }
}

fn choice<T: clap::ValueEnum>(l: &Loaded, key: &str, v: &str) -> Result<T, ConfigError> {
    T::from_str(v, true).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| format!("`{}`", p.get_name()))
            .collect();
        ConfigError(format!(
            "invalid config `{}`: `{key}` is `{v}`; expected one of {}",
            l.path.display(),
            names.join(", ")
        ))
    })
}

/// The settings of `check`: flags over the config over the defaults.
pub fn resolve(args: &CheckArgs) -> Result<Resolved, ConfigError> {
    resolve_with(&args.config, &args.inputs.paths, |s, set| {
        apply_flags(args, s, set)
    })
}

/// Flags over the config over the defaults, for any command: `flags` puts the flags that were
/// given into the settings and calls `set` with each one's config key.
pub fn resolve_with(
    config: &ConfigFlags,
    paths: &[PathBuf],
    flags: impl FnOnce(&mut Settings, &mut dyn FnMut(&'static str)),
) -> Result<Resolved, ConfigError> {
    let loaded = find_config(config, paths)?;
    let mut s = Settings::default();
    let mut origins = BTreeMap::new();
    if let Some(l) = &loaded {
        apply_config(l, &mut s, &mut origins)?;
    }
    flags(&mut s, &mut |key| {
        origins.insert(key, Origin::Flag);
    });
    Ok(Resolved {
        settings: s,
        config: loaded,
        origins,
    })
}

fn apply_config(
    l: &Loaded,
    s: &mut Settings,
    origins: &mut BTreeMap<&'static str, Origin>,
) -> Result<(), ConfigError> {
    let c = &l.config;
    let mut set = |key: &'static str| {
        origins.insert(key, Origin::Config);
    };
    macro_rules! copy {
        ($field:ident, $key:literal) => {
            if let Some(v) = &c.$field {
                s.$field = v.clone().into();
                set($key);
            }
        };
    }
    copy!(target, "target");
    copy!(select, "select");
    copy!(ignore, "ignore");
    copy!(force_exclude, "force-exclude");
    copy!(offline, "offline");
    copy!(require_scores, "require-scores");
    if let Some(v) = &c.model {
        s.model = Some(v.clone());
        set("model");
    }
    if let Some(v) = &c.profile {
        s.profile = Some(v.clone());
        set("profile");
    }
    if let Some(v) = &c.moderation_model {
        s.moderation_model = Some(v.clone());
        set("moderation-model");
    }
    if let Some(v) = c.epochs {
        if !(1..=50).contains(&v) {
            return Err(ConfigError(format!(
                "invalid config `{}`: `epochs` is {v}; expected 1 to 50",
                l.path.display()
            )));
        }
        s.epochs = Some(v);
        set("epochs");
    }
    if let Some(v) = c.max_warnings {
        s.max_warnings = Some(v);
        set("max-warnings");
    }
    if let Some(v) = c.concurrency {
        if !(1..=64).contains(&v) {
            return Err(ConfigError(format!(
                "invalid config `{}`: `concurrency` is {v}; expected 1 to 64",
                l.path.display()
            )));
        }
        s.concurrency = v as usize;
        set("concurrency");
    }
    if let Some(v) = &c.format {
        s.format = choice::<FormatArg>(l, "format", v)?.choice();
        set("format");
    }
    if let Some(v) = &c.output_format {
        s.output_format = choice::<OutputFormat>(l, "output-format", v)?;
        set("output-format");
    }
    if let Some(v) = &c.moderation {
        use crate::moderation::SourceMode;
        s.moderation = Some(match choice::<ModerationArg>(l, "moderation", v)? {
            ModerationArg::Off => SourceMode::Off,
            ModerationArg::Cache => SourceMode::Cache,
            ModerationArg::Api => SourceMode::Api,
        });
        set("moderation");
    }
    if let Some(v) = &c.moderation_unit {
        s.moderation_unit = choice::<UnitArg>(l, "moderation-unit", v)?.mode();
        set("moderation-unit");
    }
    if let Some(p) = &c.scores {
        s.scores = Some(l.resolve(p));
        set("scores");
    }
    if let Some(p) = &c.cache_dir {
        s.cache_dir = Some(l.resolve(p));
        set("cache-dir");
    }
    if let Some(p) = &c.baseline {
        s.baseline = Some(l.resolve(p));
        set("baseline");
    }
    if let Some(v) = &c.exclude {
        s.exclude = v.iter().map(|p| l.exclude_pattern(p)).collect();
        set("exclude");
    }
    if let Some(v) = &c.per_file_ignores {
        s.per_file_ignores = v.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        set("per-file-ignores");
    }
    if let Some(t) = &c.thresholds {
        s.thresholds = Some(t.clone());
        set("thresholds");
    }
    if !c.models.is_empty() {
        s.models = c.models.clone();
        set("models");
    }
    if !c.profiles.is_empty() {
        s.profiles = c
            .profiles
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        set("profiles");
    }
    if let Some(v) = &c.sensitive {
        s.sensitive = Some(v.clone());
        set("sensitive");
    }
    s.config_dir = Some(crate::config::absolute(&l.dir));
    s.config_file = Some(l.path.clone());
    Ok(())
}

fn apply_flags(args: &CheckArgs, s: &mut Settings, set: &mut dyn FnMut(&'static str)) {
    args.targeting.apply(s, set);
    if let Some(v) = args.output_format {
        s.output_format = v;
        set("output-format");
    }
    if !args.select.is_empty() {
        s.select = args.select.clone();
        set("select");
    }
    if !args.ignore.is_empty() {
        s.ignore = args.ignore.clone();
        set("ignore");
    }
    if let Some(v) = args.max_warnings {
        s.max_warnings = Some(v);
        set("max-warnings");
    }
    if !args.exclude.is_empty() {
        s.exclude = args.exclude.clone();
        set("exclude");
    }
    if args.force_exclude {
        s.force_exclude = true;
        set("force-exclude");
    }
    if let Some(p) = &args.baseline {
        s.baseline = Some(p.clone());
        set("baseline");
    }
    args.moderation.apply(s, set);
}

/// `ftlint config`.
pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<u8, Report> {
    let r = resolve(args)?;
    let config_name = r
        .config
        .as_ref()
        .map(|l| l.path.display().to_string())
        .unwrap_or_default();
    match &r.config {
        Some(_) => writeln!(out, "# config file: {config_name}")?,
        None => writeln!(out, "# config file: none")?,
    }
    for f in FIELDS {
        let source = match r.origin(f.key) {
            Origin::Default => "default".to_string(),
            Origin::Flag => "flag".to_string(),
            Origin::Config => format!("from {config_name}"),
        };
        writeln!(
            out,
            "{} = {}  # {source}",
            f.key,
            value_of(&r.settings, f.key)
        )?;
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
    use crate::format::{Format, FormatChoice};
    use crate::moderation::{SourceMode, UnitMode};
    match key {
        "target" => toml_str(&s.target),
        "model" => opt(&s.model, |m| toml_str(m)),
        "format" => toml_str(match s.format {
            FormatChoice::Auto => "auto",
            FormatChoice::Fixed(Format::Chat) => "chat",
            FormatChoice::Fixed(Format::Completion) => "completion",
            FormatChoice::Fixed(Format::Preference) => "preference",
            FormatChoice::Fixed(Format::Rft) => "rft",
        }),
        "output-format" => name_of(&s.output_format),
        "select" => toml_list(&s.select),
        "ignore" => toml_list(&s.ignore),
        "epochs" => opt(&s.epochs, |n| n.to_string()),
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
        "scores" => opt(&s.scores, |p| path_str(p)),
        "profile" => toml_str(s.profile.as_deref().unwrap_or("finetune")),
        "offline" => s.offline.to_string(),
        "cache-dir" => opt(&s.cache_dir, |p| path_str(p)),
        "moderation-unit" => toml_str(match s.moderation_unit {
            UnitMode::Message => "message",
            UnitMode::Example => "example",
        }),
        "moderation-model" => toml_str(
            s.moderation_model
                .as_deref()
                .unwrap_or(crate::moderation::client::DEFAULT_MODEL),
        ),
        "require-scores" => s.require_scores.to_string(),
        "concurrency" => s.concurrency.to_string(),
        "thresholds" => opt(&s.thresholds, inline_table),
        "models" => {
            let names: Vec<String> = s.models.iter().map(|m| m.name.clone()).collect();
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

fn inline_table(t: &toml::Table) -> String {
    let items: Vec<String> = t
        .iter()
        .map(|(k, v)| {
            let v = match v {
                toml::Value::Table(t) => inline_table(t),
                toml::Value::String(s) => toml_str(s),
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => format!("{other:?}"),
            };
            format!("{k} = {v}")
        })
        .collect();
    inline(&items)
}

fn inline(items: &[String]) -> String {
    if items.is_empty() {
        "{}".into()
    } else {
        format!("{{ {} }}", items.join(", "))
    }
}
