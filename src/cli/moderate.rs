//! `--moderation api` and `ftlint moderate`: collect the texts no source scores, fetch them
//! (batched, retried, cached as they arrive), and optionally export every score.

use super::check::Inputs;
use super::progress::{ScoreProgress, SharedSleeper};
use super::{CliError, ModerateArgs, Report};
use crate::config::Config;
use crate::input::{InputError, Source};
use crate::moderation::azure::OutputType;
use crate::moderation::transport::Scorer;
use crate::moderation::{
    AzureClient, AzureConfig, ClientConfig, ClientError, ModerationClient, ModerationRun, Provider,
    ScoreRecord, SourceMode,
};
use crate::settings::{Settings, Setup};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

pub fn run(args: &ModerateArgs, out: &mut dyn Write) -> Result<u8, Report> {
    let mut flags = Config {
        format: args.format,
        ..Config::default()
    };
    args.moderation.layer(&mut flags);
    args.inputs.layer(&mut flags);
    let mut settings =
        crate::settings::resolve(&args.config.lookup(), &args.inputs.paths, flags)?.settings;
    // Every text is scored, whatever the config selects.
    settings.rules = vec![crate::settings::Selection::only(&["M"])];
    if !settings.offline {
        settings.moderation = Some(SourceMode::Api);
    }
    let setup = Setup::new(&settings, false)?;
    let sources = args.inputs.sources(&settings)?;
    let mut inputs = Inputs::new(sources);
    let (texts, fetched) = if settings.offline {
        inputs.buffer_stdin()?;
        (count_unscored(&inputs, run_of(&setup))?, 0)
    } else {
        // Filling the cache is what `moderate` is for: a cache it cannot write is an error
        // before anything is sent, and so is a score it could not store.
        if args.export.is_none() {
            check_cache(run_of(&setup))?;
        }
        let fetched = fetch_missing(&mut inputs, &setup, &settings)??;
        if let Some(e) = &fetched.cache_error {
            return Err(CliError::CacheWrite {
                dir: e.dir.clone(),
                failed: e.failed,
                total: fetched.fetched,
                reason: e.reason.clone(),
            }
            .into());
        }
        (0, fetched.fetched)
    };
    if let Some(path) = &args.export {
        export(&inputs, run_of(&setup), path)?;
    }
    if run_of(&setup).store.cache_dir().is_some() {
        writeln!(out, "fetched {fetched} new scores into the cache")?;
    } else {
        writeln!(
            out,
            "fetched {fetched} new scores (no score cache: exported only)"
        )?;
    }
    if texts > 0 {
        writeln!(
            out,
            "{texts} texts have no score (offline: nothing was fetched)"
        )?;
    }
    Ok(0)
}

/// `moderate` needs a cache it can write: said before any request is sent.
fn check_cache(run: &ModerationRun) -> Result<(), CliError> {
    let Some(dir) = run.store.cache_dir() else {
        return Err(CliError::NoCacheDir);
    };
    run.store.probe_cache().map_err(|e| CliError::CacheWrite {
        dir: dir.to_path_buf(),
        failed: 0,
        total: 0,
        reason: crate::input::io_reason(&e),
    })
}

fn run_of(setup: &Setup) -> &ModerationRun {
    setup
        .opts
        .moderation
        .as_deref()
        .expect("moderate always sets up moderation")
}

/// Lines of every input, parsed; lines that are not JSON objects are skipped (check reports
/// them). Calls `f(line_number, value)`.
fn for_each_example(
    inputs: &Inputs,
    source: &Source,
    f: &mut dyn FnMut(u64, &Value),
) -> Result<(), InputError> {
    let reader = inputs.open(source)?;
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| InputError::read(source.display_name(), e))?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        if let Ok(v @ Value::Object(_)) = serde_json::from_slice::<Value>(&buf) {
            f(line, &v);
        }
    }
}

/// What a fetch did: how many texts were scored now, and whether storing them failed.
#[derive(Debug, Default)]
pub struct Fetched {
    pub fetched: usize,
    pub cache_error: Option<CacheError>,
}

/// Scores that could not be written to the cache (they are still used in this run).
#[derive(Debug)]
pub struct CacheError {
    pub dir: std::path::PathBuf,
    pub failed: usize,
    pub reason: String,
}

/// Fetches every text no source scores yet. The outer error is the run's setup (no key, a key
/// or URL no request can carry, unreadable inputs): nothing was sent. The inner one is the
/// service failing (after its retries): `check` still reports every finding, `moderate` stops.
pub fn fetch_missing(
    inputs: &mut Inputs,
    setup: &Setup,
    settings: &Settings,
) -> Result<Result<Fetched, ClientError>, CliError> {
    let Some(run) = setup.opts.moderation.as_deref() else {
        return Ok(Ok(Fetched::default()));
    };
    inputs.buffer_stdin()?;
    let mut todo = Vec::new();
    // Distinct texts of the inputs, to say how many the cache already holds.
    let mut all = std::collections::HashSet::new();
    for source in &inputs.sources {
        for_each_example(inputs, source, &mut |line, v| {
            for u in crate::moderation::text_units(v, run.check.unit_mode) {
                all.insert(xxhash_rust::xxh3::xxh3_128(u.text.as_bytes()));
            }
            todo.extend(run.store.unscored_texts(line, v, run.check.unit_mode));
        })?;
    }
    if todo.is_empty() {
        return Ok(Ok(Fetched::default()));
    }
    let distinct_todo: std::collections::HashSet<u128> = todo
        .iter()
        .map(|t| xxhash_rust::xxh3::xxh3_128(t.as_bytes()))
        .collect();
    let progress = std::sync::Arc::new(ScoreProgress::new(
        distinct_todo.len(),
        all.len().saturating_sub(distinct_todo.len()),
    ));
    let sleeper = std::sync::Arc::new(SharedSleeper(progress.clone()));
    let client: Box<dyn Scorer> = match run.store.provider() {
        Provider::OpenAi => {
            let mut config = ClientConfig::from_env()?;
            if let Some(m) = &settings.moderation_model {
                config.model = m.clone();
            }
            config.concurrency = settings.concurrency;
            config.offline = settings.offline;
            Box::new(ModerationClient::new(config)?.with_sleeper(sleeper))
        }
        Provider::AzureContentSafety => {
            let mut config = AzureConfig::from_env()?;
            // The store's model key is the output type's (checked when the run was set up).
            config.output = OutputType::parse(run.store.model_key()).unwrap_or_default();
            config.concurrency = settings.concurrency;
            config.offline = settings.offline;
            Box::new(AzureClient::new(config)?.with_sleeper(sleeper))
        }
    };
    let stats = run
        .store
        .fetch(&*client, &todo, &|done, total| progress.batch(done, total));
    progress.finish();
    let stats = match stats {
        Ok(s) => s,
        Err(e) => {
            // Say what was kept before the error line: every finished batch is in the cache.
            // (Nothing fetched: the error and the retries said already say it all.)
            let done = progress.done();
            if done > 0 {
                eprintln!(
                    "ftlint: {} fetched before the failure {} cached; rerun to continue{}",
                    if done == 1 {
                        "1 score".to_string()
                    } else {
                        format!("{done} scores")
                    },
                    if done == 1 { "is" } else { "are" },
                    match progress.retried() {
                        0 => String::new(),
                        n => format!(" ({n} requests were retried)"),
                    }
                );
            }
            return Ok(Err(e));
        }
    };
    let cache_error = stats.cache_write_error.map(|reason| CacheError {
        dir: run
            .store
            .cache_dir()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
        failed: stats.cache_write_errors,
        reason,
    });
    Ok(Ok(Fetched {
        fetched: stats.fetched,
        cache_error,
    }))
}

fn count_unscored(inputs: &Inputs, run: &ModerationRun) -> Result<usize, InputError> {
    let mut n = 0;
    for source in &inputs.sources {
        for_each_example(inputs, source, &mut |line, v| {
            n += run.store.unscored_texts(line, v, run.check.unit_mode).len();
        })?;
    }
    Ok(n)
}

/// Writes every scored text as a per-text record (the `--scores` format), atomically.
fn export(inputs: &Inputs, run: &ModerationRun, path: &std::path::Path) -> Result<(), CliError> {
    let mut records: Vec<ScoreRecord> = Vec::new();
    for source in &inputs.sources {
        for_each_example(inputs, source, &mut |line, v| {
            records.extend(run.store.records_for_line(line, v, run.check.unit_mode));
        })?;
    }
    // Atomically, and never over something that is not a regular file.
    crate::input::atomic::write(path, |f| {
        crate::moderation::import::write_records(f, &records)
    })
    .map_err(|source| CliError::Export {
        path: path.to_path_buf(),
        source,
    })
}
