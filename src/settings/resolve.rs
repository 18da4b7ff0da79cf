//! Flags over the config file over the defaults, and where each setting came from (what
//! `ftlint config` prints). Both layers are [`Config`] values; the flags' layer is built by the
//! front end (the CLI) from whatever flags it has.

use super::{Selection, Settings, SettingsError};
use crate::config::{self, Config, Loaded};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which config file a run uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Lookup {
    /// The nearest config file at or above the first input (`ftlint.toml`, …).
    #[default]
    Discover,
    /// This file (`--config`).
    File(PathBuf),
    /// None (`--isolated`).
    Isolated,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Default,
    Config,
    Flag,
    /// Both the config and a flag gave values that add up (`ignore` and `--ignore`).
    Both,
}

/// The keys of the rule selection, whose layers combine rather than replace each other.
pub const SELECTION_KEYS: [&str; 4] = ["select", "extend-select", "ignore", "extend-ignore"];

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

/// The config file a run whose inputs are `paths` uses.
pub fn find_config(lookup: &Lookup, paths: &[PathBuf]) -> Result<Option<Loaded>, SettingsError> {
    match lookup {
        Lookup::Isolated => Ok(None),
        Lookup::File(path) => match config::load(path)? {
            Some(l) => Ok(Some(l)),
            None => Err(SettingsError::NoToolTable { path: path.clone() }),
        },
        Lookup::Discover => Ok(config::discover(paths.first().map(|p| p.as_path()))?),
    }
}

/// The settings of a run: `flags` (the keys the user gave on the command line) over the config
/// file `lookup` finds over the defaults.
pub fn resolve(
    lookup: &Lookup,
    paths: &[PathBuf],
    flags: Config,
) -> Result<Resolved, SettingsError> {
    let loaded = find_config(lookup, paths)?;
    let mut origins = BTreeMap::new();
    let file = match &loaded {
        Some(l) => {
            let c = anchored(l);
            origins.extend(c.given().into_iter().map(|k| (k, Origin::Config)));
            c
        }
        None => Config::default(),
    };
    // The rule selection is not one value a layer replaces but layers that combine: `--select`
    // starts over, `--ignore` and `--extend-*` add to what the config selects.
    let layers = [Selection::of(&file), Selection::of(&flags)];
    let flag_select = flags.select.is_some();
    for k in flags.given() {
        let both = SELECTION_KEYS.contains(&k)
            && k != "select"
            && !flag_select
            && origins.get(k) == Some(&Origin::Config);
        origins.insert(k, if both { Origin::Both } else { Origin::Flag });
    }
    if flag_select {
        // The config's selection no longer counts.
        for k in SELECTION_KEYS {
            if origins.get(k) == Some(&Origin::Config) {
                origins.remove(k);
            }
        }
    }
    let mut settings = Settings::new(flags.over(file), loaded.as_ref());
    let start = if flag_select { 1 } else { 0 };
    settings.rules = layers[start..]
        .iter()
        .filter(|l| !l.is_empty())
        .cloned()
        .collect();
    Ok(Resolved {
        settings,
        config: loaded,
        origins,
    })
}

/// The config file's options with its paths made independent of where ftlint runs: files
/// relative to the config's folder, `exclude` globs anchored there (flags' paths stay relative
/// to the current directory, as a shell user expects).
fn anchored(l: &Loaded) -> Config {
    let mut c = l.config.clone();
    let resolve = |p: &mut Option<PathBuf>| {
        if let Some(path) = p {
            *path = l.resolve(Path::new(path));
        }
    };
    resolve(&mut c.scores);
    resolve(&mut c.cache_dir);
    resolve(&mut c.baseline);
    resolve(&mut c.output_file);
    resolve(&mut c.tokenizer);
    resolve(&mut c.chat_template);
    resolve(&mut c.dataset_info);
    if let Some(globs) = &mut c.exclude {
        for g in globs.iter_mut() {
            *g = l.exclude_pattern(g);
        }
    }
    c
}
