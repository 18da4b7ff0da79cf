//! The command line: argument parsing, exit codes, and where output goes.
//!
//! Exit codes: 0 no error-severity finding (and warnings within `--max-warnings`), 1 findings,
//! 2 usage, configuration or I/O error. Findings go to stdout; errors to stderr, one line each.
//! A closed stdout (`ftlint check … | head`) ends the run quietly with 0.

pub mod check;
pub mod config_cmd;
mod docs;
pub mod error;
mod fix;
pub mod moderate;
mod narrow;
mod stats_cmd;

pub use error::{CliError, Report};

use crate::format::Format;
use crate::render::OutputFormat;
use clap::{Parser, Subcommand};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "ftlint",
    version,
    about = "Lint LLM fine-tuning data (JSONL) before you upload it",
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files (directories: every *.jsonl below them; `-`: stdin)
    Check(CheckArgs),
    /// Token, length and role distributions, epochs and cost
    Stats(StatsArgs),
    /// Fetch moderation scores for every text into the cache (network), optionally export them
    Moderate(ModerateArgs),
    /// List every rule: code, name, severity, summary
    Rules {
        /// `text` (a table) or `json`
        #[arg(long, value_enum, default_value = "text")]
        output_format: ListFormat,
    },
    /// Print a rule's documentation
    Rule {
        /// A rule code, e.g. C005
        code: String,
    },
    /// Print the effective configuration of `check` (same arguments) and where each value
    /// came from
    Config(CheckArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Auto,
    Chat,
    Completion,
    Preference,
    Rft,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub inputs: InputFlags,
    #[command(flatten)]
    pub targeting: TargetFlags,
    /// How to print findings [default: full]
    #[arg(long, value_enum, env = "FTLINT_OUTPUT_FORMAT")]
    pub output_format: Option<OutputFormat>,
    /// Only these rules (codes or prefixes, comma-separated: `J,C005`)
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// Not these rules (codes or prefixes)
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Exit 0 even when there are findings
    #[arg(long)]
    pub exit_zero: bool,
    /// Exit 1 when there are more warnings than this
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// Fix what is safe to fix (BOM, CRLF, blank lines, final newline) before checking
    #[arg(long)]
    pub fix: bool,
    /// With `--fix`: print what would change, as a diff, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Leave out files and folders matching this glob (repeatable) when walking directories
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Apply excludes to files named on the command line too (for pre-commit and editors)
    #[arg(long)]
    pub force_exclude: bool,
    /// Color in the human formats (`auto`: only on a terminal, never with NO_COLOR)
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Judge only the lines added or changed since this git revision (file-level findings stay)
    #[arg(long, value_name = "REV")]
    pub diff: Option<String>,
    /// Hide the findings recorded in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and print none; `--baseline` is ignored)
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    #[command(flatten)]
    pub moderation: ModerationFlags,
    #[command(flatten)]
    pub config: ConfigFlags,
}

/// Which config file a run uses (see [`crate::config`]).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConfigFlags {
    /// Use this config file instead of looking for one
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore all config files
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
}

/// Where moderation scores come from and how they are judged.
#[derive(Debug, Clone, clap::Args)]
pub struct ModerationFlags {
    /// Moderation scores: `cache` uses cached and imported ones only (default), `api` fetches
    /// missing ones (needs OPENAI_API_KEY), `off` skips the M rules
    #[arg(long, value_enum, value_name = "SOURCE")]
    pub moderation: Option<ModerationArg>,
    /// Import scores: per-text records (as `ftlint moderate --export` writes) or raw API responses
    #[arg(long, value_name = "FILE")]
    pub scores: Option<PathBuf>,
    /// Threshold profile: `finetune` (default, stricter than `flagged`), `api` (only `flagged`)
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Guarantee that no network connection is made
    #[arg(long)]
    pub offline: bool,
    /// Score cache directory (default: $FTLINT_CACHE_DIR, else the user cache dir)
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Score each message's text (default) or each whole example
    #[arg(long, value_enum)]
    pub moderation_unit: Option<UnitArg>,
    /// The moderation model to ask and to look up in the cache
    #[arg(long, value_name = "NAME")]
    pub moderation_model: Option<String>,
    /// Unscored texts are errors, not warnings
    #[arg(long)]
    pub require_scores: bool,
    /// Moderation requests in flight at once [default: 4]
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub concurrency: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModerationArg {
    Off,
    Cache,
    Api,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UnitArg {
    Message,
    Example,
}

#[derive(Debug, clap::Args)]
pub struct ModerateArgs {
    #[command(flatten)]
    pub inputs: InputFlags,
    /// The data format; `auto` detects it per line [default: auto]
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Write every text's score as per-text records (the `--scores` format) to FILE
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
    #[command(flatten)]
    pub moderation: ModerationFlags,
    #[command(flatten)]
    pub config: ConfigFlags,
}

impl ModerationFlags {
    /// Puts the flags that were given into `s`; `given` is called with each one's config key.
    pub fn apply(&self, s: &mut crate::settings::Settings, given: &mut dyn FnMut(&'static str)) {
        use crate::moderation::SourceMode;
        if let Some(m) = self.moderation {
            s.moderation = Some(match m {
                ModerationArg::Off => SourceMode::Off,
                ModerationArg::Cache => SourceMode::Cache,
                ModerationArg::Api => SourceMode::Api,
            });
            given("moderation");
        }
        if let Some(v) = &self.scores {
            s.scores = Some(v.clone());
            given("scores");
        }
        if let Some(v) = &self.profile {
            s.profile = Some(v.clone());
            given("profile");
        }
        if self.offline {
            s.offline = true;
            given("offline");
        }
        if let Some(v) = &self.cache_dir {
            s.cache_dir = Some(v.clone());
            given("cache-dir");
        }
        if let Some(u) = self.moderation_unit {
            s.moderation_unit = u.mode();
            given("moderation-unit");
        }
        if let Some(v) = &self.moderation_model {
            s.moderation_model = Some(v.clone());
            given("moderation-model");
        }
        if self.require_scores {
            s.require_scores = true;
            given("require-scores");
        }
        if let Some(n) = self.concurrency {
            s.concurrency = n as usize;
            given("concurrency");
        }
    }
}

impl UnitArg {
    pub fn mode(self) -> crate::moderation::UnitMode {
        match self {
            UnitArg::Message => crate::moderation::UnitMode::Message,
            UnitArg::Example => crate::moderation::UnitMode::Example,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub inputs: InputFlags,
    #[command(flatten)]
    pub targeting: TargetFlags,
    /// `text` (tables and a histogram) or `json`
    #[arg(long, value_enum, default_value = "text")]
    pub output_format: ListFormat,
    #[command(flatten)]
    pub config: ConfigFlags,
}

/// The inputs of `check`, `stats` and `moderate`.
#[derive(Debug, Clone, clap::Args)]
pub struct InputFlags {
    /// Files or directories (every *.jsonl below them); `-` reads stdin
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// The name to show for stdin
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
}

impl InputFlags {
    /// The sources to read, with the settings' excludes applied.
    pub fn sources(
        &self,
        s: &crate::settings::Settings,
    ) -> Result<Vec<crate::input::Source>, crate::input::InputError> {
        let excludes = crate::input::Excludes::new(&s.exclude, s.force_exclude)?;
        crate::input::discover(&self.paths, self.stdin_filename.as_deref(), &excludes)
    }
}

/// What is being trained: shared by `check` and `stats`.
#[derive(Debug, Clone, clap::Args)]
pub struct TargetFlags {
    /// The provider whose rules, limits and prices apply [default: openai]
    #[arg(long)]
    pub target: Option<String>,
    /// The model to fine-tune (selects limits, tokenizer and price)
    #[arg(long)]
    pub model: Option<String>,
    /// The data format; `auto` detects it per line [default: auto]
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Epochs for the cost estimate (default: the service's rule from the example count)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50))]
    pub epochs: Option<u32>,
}

impl TargetFlags {
    /// Puts the given flags into `s`, telling `set` which keys they were.
    pub fn apply(&self, s: &mut crate::settings::Settings, set: &mut dyn FnMut(&'static str)) {
        if let Some(v) = &self.target {
            s.target = v.clone();
            set("target");
        }
        if let Some(v) = &self.model {
            s.model = Some(v.clone());
            set("model");
        }
        if let Some(v) = self.format {
            s.format = v.choice();
            set("format");
        }
        if let Some(v) = self.epochs {
            s.epochs = Some(v);
            set("epochs");
        }
    }
}

impl FormatArg {
    pub fn choice(self) -> crate::format::FormatChoice {
        use crate::format::FormatChoice::{Auto, Fixed};
        match self {
            FormatArg::Auto => Auto,
            FormatArg::Chat => Fixed(Format::Chat),
            FormatArg::Completion => Fixed(Format::Completion),
            FormatArg::Preference => Fixed(Format::Preference),
            FormatArg::Rft => Fixed(Format::Rft),
        }
    }
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return ExitCode::from(
                    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                        2
                    } else {
                        0
                    },
                );
            }
            // One line: clap's first line, without its usage block.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("ftlint: error: {first} (see `ftlint --help`)");
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match cli.command {
        Command::Check(args) => check::run(&args, &mut out),
        Command::Stats(args) => stats_cmd::run(&args, &mut out),
        Command::Moderate(args) => moderate::run(&args, &mut out),
        Command::Rules { output_format } => docs::list(output_format, &mut out)
            .map(|_| 0)
            .map_err(Into::into),
        Command::Rule { code } => docs::show(&code, &mut out),
        Command::Config(args) => config_cmd::run(&args, &mut out),
    };
    let flushed = out.flush();
    match result {
        Ok(code) => match flushed {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => error::exit(e.into()),
            _ => ExitCode::from(code),
        },
        Err(report) => error::exit(report),
    }
}

/// Whether to color human output: `--color`, then `NO_COLOR`, then whether stdout is a terminal.
pub fn use_color(choice: ColorChoice) -> bool {
    use std::io::IsTerminal;
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}
