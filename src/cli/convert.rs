//! `ftlint convert IN --to TARGET[:FORMAT] [-o OUT]`: settings → the conversion → the output
//! staged beside its destination → the output checked with the target's rules → written (or
//! not) → findings rendered → exit code.
//!
//! Findings go to stdout when the converted records go to a file, to stderr when they go to
//! stdout. The converted records are written only when there is no error-severity finding
//! (a loss under `--on-loss error`, a line that cannot be converted, an error of the target's
//! check), unless `--force`; the exit code is `check`'s: 1 when there is an error, else 0.

use super::{ColorChoice, ConfigFlags, Report};
use crate::config::{Config, FormatOption, OutputFormat};
use crate::convert::{Conversion, OnLoss};
use crate::engine::convert::{convert_reader, ConvertOptions};
use crate::format::{Format, FormatChoice};
use crate::input::{atomic, InputError};
use crate::render::{self, Counts, RunInfo};
use crate::rules::Plan;
use crate::settings::{Settings, Setup};
use crate::targets::Target;
use std::io::{self, Read, Seek, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// The dataset to convert (`-`: stdin)
    pub input: PathBuf,
    /// The target to convert for, and optionally the format to write (`vertex-gemini`,
    /// `together:chat`); without a format, each record keeps its own if the target takes it,
    /// else becomes the target's conversation format
    #[arg(long, value_name = "TARGET[:FORMAT]")]
    pub to: String,
    /// Where to write the converted dataset (`-`: stdout, the default); written atomically
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The input's format; `auto` detects it per line [default: auto]
    #[arg(long, value_enum)]
    pub format: Option<FormatOption>,
    /// What a loss costs: `error` (no output unless `--force`), `warn` (convert anyway),
    /// `drop-example` (leave examples with a loss out)
    #[arg(long, value_enum, default_value = "error")]
    pub on_loss: OnLoss,
    /// Do not check the converted records with the target's rules before writing them
    #[arg(long)]
    pub no_check: bool,
    /// Write the converted records even when there are errors (the exit code still says so)
    #[arg(long)]
    pub force: bool,
    /// How to print findings [default: full]
    #[arg(long, value_enum, env = "FTLINT_OUTPUT_FORMAT")]
    pub output_format: Option<OutputFormat>,
    /// The name to show for stdin
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// LLaMA-Factory's dataset_info.json whose entry describes the input (its format, columns
    /// and tags) [default: the dataset_info.json beside the input, if it has an entry for it]
    #[arg(long, value_name = "PATH")]
    pub dataset_info: Option<PathBuf>,
    /// Color in the human formats (`auto`: only on a terminal, never with NO_COLOR)
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    #[command(flatten)]
    pub config: ConfigFlags,
}

/// `convert`'s usage errors (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("`--to {given}`: unknown format `{format}` (formats: {known})")]
    UnknownFormat {
        given: String,
        format: String,
        known: String,
    },
    #[error("`--to {given}`: {source}")]
    Dest {
        given: String,
        #[source]
        source: crate::convert::DestError,
    },
    /// A `dataset_info.json` that cannot be used.
    #[error("{0}")]
    DatasetInfo(Box<crate::llamafactory::InfoError>),
    #[error("cannot write `{}`: {}", .path.display(), crate::input::io_reason(.source))]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Which rules check the converted records: the target's own (and the config's selection),
/// less the families a conversion does not change — sensitive data, moderation, tokens (`check`
/// the input for those) — and the conversion's own.
const NOT_RECHECKED: [&str; 4] = ["S", "M", "T", "X"];

pub fn run(args: &ConvertArgs, out: &mut dyn Write) -> Result<u8, Report> {
    let (target_name, format) = split_to(&args.to)?;
    let o = Config {
        target: Some(target_name.to_owned()),
        format: args.format,
        output_format: args.output_format,
        ..Config::default()
    };
    let paths = [args.input.clone()];
    let settings = crate::settings::resolve(&args.config.lookup(), &paths, o)?.settings;
    let target = Target::resolve(&settings.target, &settings.targets)?;
    let conversion = Conversion::new(&target, format).map_err(|source| ConvertError::Dest {
        given: args.to.clone(),
        source,
    })?;
    let x_rules = crate::rules::select(&["X".to_owned()], &[])?;
    // The input's LLaMA-Factory entry: `--dataset-info`, else the one beside the file.
    let mapping = if args.input.as_os_str() == "-" && args.dataset_info.is_none() {
        None
    } else {
        crate::llamafactory::for_file(args.dataset_info.as_deref(), &args.input)
            .map_err(|e| ConvertError::DatasetInfo(Box::new(e)))?
    };
    let opts = ConvertOptions {
        conversion,
        format: settings.format,
        plan: Plan::new(x_rules),
        on_loss: args.on_loss,
        mapping: mapping.map(std::sync::Arc::new),
    };
    let stdin = args.input.as_os_str() == "-";
    let in_name = if stdin {
        args.stdin_filename.clone().unwrap_or_else(|| "-".into())
    } else {
        args.input.to_string_lossy().replace('\\', "/")
    };
    let to_file = args.output.as_ref().filter(|p| p.as_os_str() != "-");
    let out_name = to_file.map_or_else(
        || "<stdout>".to_owned(),
        |p| p.to_string_lossy().replace('\\', "/"),
    );
    // The output is staged: beside its destination (then renamed over it), or in the temp
    // folder (then copied to stdout), so nothing is written before the verdict.
    let mut staged = match to_file {
        Some(p) => Staged::Beside(Box::new(atomic::Staged::new(p).map_err(|source| {
            ConvertError::Write {
                path: p.clone(),
                source,
            }
        })?)),
        None => Staged::Temp(tempfile::tempfile()?),
    };
    let input: Box<dyn Read + Send> = if stdin {
        Box::new(io::stdin())
    } else {
        Box::new(
            std::fs::File::open(&args.input).map_err(|e| InputError::read(in_name.clone(), e))?,
        )
    };
    let done = {
        let mut w = io::BufWriter::with_capacity(1 << 20, staged.file());
        let done = convert_reader(in_name.clone(), input, &opts, &mut w).map_err(|e| {
            // A failed read is the input's; anything else the staged output's.
            InputError::read(in_name.clone(), e)
        })?;
        w.flush()?;
        done
    };
    let (written, left_out, lossy) = (done.written, done.left_out, done.lossy);
    let mut reports = vec![done.report];
    if !args.no_check && done.written > 0 {
        let check = check_settings(&settings, format);
        let setup = Setup::new(&check, false)?;
        let mut report =
            crate::engine::check_reader(out_name.clone(), staged.reader()?, &setup.opts)
                .map_err(|e| InputError::read(out_name.clone(), e))?;
        report
            .diagnostics
            .splice(0..0, setup.file_level.iter().cloned());
        reports.push(report);
    }
    // `convert` applies no fix: only errors matter here.
    let counts = Counts::of(&reports, false);
    let write = counts.errors == 0 || args.force;
    if write {
        match staged {
            Staged::Beside(s) => s.commit().map_err(|source| ConvertError::Write {
                path: PathBuf::from(&out_name),
                source,
            })?,
            Staged::Temp(mut f) => {
                f.rewind()?;
                io::copy(&mut f, out)?;
                out.flush()?;
            }
        }
    }
    let info = RunInfo {
        target: target.name.clone(),
        model: target.default_model.clone(),
        color: super::use_color(args.color),
        width: super::check::terminal_width(),
        ..RunInfo::default()
    };
    // Findings go where the records do not.
    let mut stderr = io::stderr().lock();
    let findings: &mut dyn Write = if to_file.is_some() { out } else { &mut stderr };
    render::render(settings.output_format, &reports, &info, findings)?;
    findings.flush()?;
    let dest = match to_file {
        Some(_) => format!("`{out_name}`"),
        None => "stdout".to_owned(),
    };
    let mut line = if write {
        format!("ftlint: wrote {} to {dest}", examples(written))
    } else {
        format!(
            "ftlint: {dest} was not written ({} converted): {} (above); `--force` writes it anyway",
            examples(written),
            plural(counts.errors as u64, "error")
        )
    };
    if lossy > 0 {
        line.push_str(&format!("; {} with a loss", examples(lossy)));
    }
    if left_out > 0 {
        line.push_str(&format!("; {} left out", examples(left_out)));
    }
    if write && counts.errors > 0 {
        line.push_str(&format!(
            "; written despite {} (`--force`)",
            plural(counts.errors as u64, "error")
        ));
    }
    eprintln!("{line}");
    Ok(if counts.errors > 0 { 1 } else { 0 })
}

fn plural(n: impl Into<u64>, what: &str) -> String {
    let n = n.into();
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn examples(n: u64) -> String {
    plural(n, "example")
}

/// Where the converted records wait for the verdict.
enum Staged {
    Beside(Box<atomic::Staged>),
    Temp(std::fs::File),
}

impl Staged {
    fn file(&mut self) -> &mut std::fs::File {
        match self {
            Staged::Beside(s) => s.file(),
            Staged::Temp(f) => f,
        }
    }

    /// A reader over what was written, from its start.
    fn reader(&mut self) -> io::Result<std::fs::File> {
        let mut f = match self {
            Staged::Beside(s) => s.reopen()?,
            Staged::Temp(f) => f.try_clone()?,
        };
        f.rewind()?;
        Ok(f)
    }
}

/// `--to TARGET[:FORMAT]`.
fn split_to(to: &str) -> Result<(&str, Option<Format>), ConvertError> {
    let Some((target, format)) = to.split_once(':') else {
        return Ok((to, None));
    };
    use clap::ValueEnum;
    let parsed = Format::from_str(format, false).map_err(|_| ConvertError::UnknownFormat {
        given: to.to_owned(),
        format: format.to_owned(),
        known: Format::value_variants()
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    Ok((target, Some(parsed)))
}

/// The settings the converted records are checked with.
fn check_settings(s: &Settings, format: Option<Format>) -> Settings {
    let mut c = s.clone();
    c.format = format.map_or(FormatChoice::Auto, FormatChoice::Fixed);
    // A last selection layer: whatever the config selected, these never judge the output.
    c.rules.push(crate::settings::Selection {
        ignore: NOT_RECHECKED.iter().map(|s| (*s).to_owned()).collect(),
        ..Default::default()
    });
    c.moderation = None;
    c
}
