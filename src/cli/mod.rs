//! The command line: argument parsing, exit codes, and where output goes.
//!
//! Exit codes: 0 no error-severity finding (and warnings within `--max-warnings`), 1 findings,
//! 2 usage, configuration or I/O error. Findings go to stdout; errors to stderr, one line each.
//! A closed stdout (`ftlint check … | head`) ends the run quietly with 0.

mod accept;
pub mod check;
pub mod config_cmd;
pub mod convert;
pub mod docs;
pub mod error;
mod fix;
pub mod moderate;
mod narrow;
mod progress;
mod shell;
mod stats_cmd;
mod targets_cmd;

pub use error::{CliError, Report};

use crate::config::{
    Concurrency, Config, Epochs, FormatOption, ModerationProvider, ModerationSource,
    ModerationUnit, OutputFormat,
};
use crate::settings::{Lookup, Resolved};
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
    /// List the targets (services and trainers): formats, models, title
    Targets {
        /// `text` (a table) or `json` (every target in full)
        #[arg(long, value_enum, default_value = "text")]
        output_format: ListFormat,
        #[command(flatten)]
        config: ConfigFlags,
    },
    /// Print a target in full: formats, limits, chat rules, models, prices, lifecycle
    Target {
        /// A target name, e.g. azure-openai
        name: String,
        /// `text` or `json`
        #[arg(long, value_enum, default_value = "text")]
        output_format: ListFormat,
        #[command(flatten)]
        config: ConfigFlags,
    },
    /// Print the effective configuration of `check` (same arguments) and where each value
    /// came from
    Config(CheckArgs),
    /// Accept findings into the baseline file, so that `check --baseline` hides them
    ///
    /// `ftlint accept PATH:LINE [CODE…]` accepts the findings on one line, `ftlint accept PATH
    /// --code CODE` those of a rule in a file; `--prune` removes entries that match nothing.
    Accept(accept::AcceptArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: shell::Shell,
    },
    /// Print the manual page (roff), or write one page per command into a folder
    Man {
        /// Write `ftlint.1`, `ftlint-check.1`, … into this folder instead
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Convert a dataset to another target's format, reporting every loss at the input's
    /// line and column; the output is checked with the target's rules before it is written
    Convert(convert::ConvertArgs),
    /// Run the language server (LSP over stdin and stdout): live findings, quick fixes, rule
    /// documentation and token counts in any editor
    Server {
        /// Accepted for clients that pass it (stdio is the only transport)
        #[arg(long)]
        stdio: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
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
    /// Only these rules, replacing the configured set (codes, prefixes or names,
    /// comma-separated: `J,C005,unknown-role`; `ALL`)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Rules added to the configured (or selected) set
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,
    /// Not these rules, besides those the config ignores
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// The same as `--ignore` (for ruff users)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_ignore: Vec<String>,
    /// Print a count per rule (code, name, fixable) instead of the findings
    #[arg(long)]
    pub statistics: bool,
    /// Print the findings only: no summary, token or moderation lines
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print each file's token line when there are several files
    #[arg(short, long)]
    pub verbose: bool,
    /// Write the report to FILE (atomically: a temporary file renamed over it) instead of stdout
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
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
    /// Also apply (and mark as fixable) the fixes that change content: role synonyms, unknown
    /// keys removed, duplicate examples dropped
    #[arg(long)]
    pub unsafe_fixes: bool,
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
    /// Record the current findings in this baseline file (and print none; `--baseline` is
    /// ignored). Entries of other files and of rules that did not run are kept
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// List the baseline entries that match no finding any more (on stderr)
    #[arg(long)]
    pub show_stale_baseline: bool,
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
    /// missing ones (needs the provider's key), `off` skips the M rules
    #[arg(long, value_enum, value_name = "SOURCE")]
    pub moderation: Option<ModerationSource>,
    /// The scoring service: `openai` (default; OPENAI_API_KEY) or `azure-content-safety`
    /// (CONTENT_SAFETY_ENDPOINT, CONTENT_SAFETY_KEY; severities, profile `azure-finetune`)
    #[arg(long, value_enum, value_name = "PROVIDER")]
    pub moderation_provider: Option<ModerationProvider>,
    /// Import scores: per-text records (as `ftlint moderate --export` writes) or raw API responses
    #[arg(long, value_name = "FILE")]
    pub scores: Option<PathBuf>,
    /// Threshold profile: `finetune` (default, stricter than `flagged`), `api` (only `flagged`),
    /// `azure-finetune` (severities; the default for `azure-content-safety`)
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
    pub moderation_unit: Option<ModerationUnit>,
    /// The moderation model to ask and to look up in the cache (Azure: the output type,
    /// `EightSeverityLevels` by default or `FourSeverityLevels`)
    #[arg(long, value_name = "NAME")]
    pub moderation_model: Option<String>,
    /// Unscored texts are errors, not warnings
    #[arg(long)]
    pub require_scores: bool,
    /// Moderation requests in flight at once [default: 4]
    #[arg(long)]
    pub concurrency: Option<Concurrency>,
}

#[derive(Debug, clap::Args)]
pub struct ModerateArgs {
    #[command(flatten)]
    pub inputs: InputFlags,
    /// The data format; `auto` detects it per line [default: auto]
    #[arg(long, value_enum)]
    pub format: Option<FormatOption>,
    /// Write every text's score as per-text records (the `--scores` format) to FILE
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
    #[command(flatten)]
    pub moderation: ModerationFlags,
    #[command(flatten)]
    pub config: ConfigFlags,
}

impl ConfigFlags {
    /// The config file these flags ask for.
    pub fn lookup(&self) -> Lookup {
        match (&self.config, self.isolated) {
            (_, true) => Lookup::Isolated,
            (Some(path), false) => Lookup::File(path.clone()),
            (None, false) => Lookup::Discover,
        }
    }
}

/// A switch is a setting only when given: off is "not said", so the config's value stands.
fn given(switch: bool) -> Option<bool> {
    switch.then_some(true)
}

/// A list flag is a setting only when given at least once.
fn given_list(v: &[String]) -> Option<Vec<String>> {
    (!v.is_empty()).then(|| v.to_vec())
}

impl ModerationFlags {
    /// Puts the flags that were given into the flags' layer `o`.
    pub fn layer(&self, o: &mut Config) {
        o.moderation = self.moderation;
        o.moderation_provider = self.moderation_provider;
        o.scores.clone_from(&self.scores);
        o.profile.clone_from(&self.profile);
        o.offline = given(self.offline);
        o.cache_dir.clone_from(&self.cache_dir);
        o.moderation_unit = self.moderation_unit;
        o.moderation_model.clone_from(&self.moderation_model);
        o.require_scores = given(self.require_scores);
        o.concurrency = self.concurrency;
    }
}

impl CheckArgs {
    /// The settings of `check` (and `ftlint config`): these flags over the config over the
    /// defaults.
    pub fn resolve(&self) -> Result<Resolved, crate::settings::SettingsError> {
        let mut o = Config::default();
        self.targeting.layer(&mut o);
        o.output_format = self.output_format;
        o.select = given_list(&self.select);
        o.extend_select = given_list(&self.extend_select);
        o.ignore = given_list(&self.ignore);
        o.extend_ignore = given_list(&self.extend_ignore);
        o.output_file.clone_from(&self.output_file);
        self.inputs.layer(&mut o);
        o.max_warnings = self.max_warnings;
        o.exclude = given_list(&self.exclude);
        o.force_exclude = given(self.force_exclude);
        o.baseline.clone_from(&self.baseline);
        self.moderation.layer(&mut o);
        crate::settings::resolve(&self.config.lookup(), &self.inputs.paths, o)
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
    /// Walk directories without reading `.gitignore`, `.ignore` and git's exclude files
    #[arg(long)]
    pub no_ignore: bool,
}

impl InputFlags {
    /// Puts the flags that were given into the flags' layer `o`.
    pub fn layer(&self, o: &mut Config) {
        o.respect_gitignore = self.no_ignore.then_some(false);
    }

    /// The sources to read, with the settings' excludes applied.
    pub fn sources(
        &self,
        s: &crate::settings::Settings,
    ) -> Result<Vec<crate::input::Source>, crate::input::InputError> {
        let excludes = crate::input::Excludes::new(&s.exclude, s.force_exclude)?;
        let walk = crate::input::Walk {
            excludes,
            respect_ignore_files: s.respect_gitignore,
        };
        let mut skipped = Vec::new();
        let sources = crate::input::discover(
            &self.paths,
            self.stdin_filename.as_deref(),
            &walk,
            &mut skipped,
        );
        for why in skipped {
            eprintln!("ftlint: warning: {why}");
        }
        sources
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
    pub format: Option<FormatOption>,
    /// Epochs for the cost estimate (default: the service's rule from the example count)
    #[arg(long, value_name = "N")]
    pub epochs: Option<Epochs>,
    /// Count tokens exactly with a Hugging Face tokenizer.json, or a model folder holding it
    /// and tokenizer_config.json (its chat template renders each example)
    #[arg(long, value_name = "PATH")]
    pub tokenizer: Option<PathBuf>,
    /// A Jinja chat template file to render examples with, instead of the tokenizer's
    #[arg(long, value_name = "FILE")]
    pub chat_template: Option<PathBuf>,
    /// The trainer's max_length: tokens kept of one example (overrides the model's context)
    #[arg(long, value_name = "N")]
    pub max_length: Option<crate::config::options::MaxLength>,
    /// LLaMA-Factory's dataset_info.json: its entry for the file decides the format, columns
    /// and tags [default: the dataset_info.json beside a sharegpt/alpaca file]
    #[arg(long, value_name = "PATH")]
    pub dataset_info: Option<PathBuf>,
}

impl TargetFlags {
    /// Puts the flags that were given into the flags' layer `o`.
    pub fn layer(&self, o: &mut Config) {
        o.target.clone_from(&self.target);
        o.model.clone_from(&self.model);
        o.format = self.format;
        o.epochs = self.epochs;
        o.tokenizer.clone_from(&self.tokenizer);
        o.chat_template.clone_from(&self.chat_template);
        o.max_length = self.max_length;
        o.dataset_info.clone_from(&self.dataset_info);
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
            eprintln!("ftlint: error: {} (see `ftlint --help`)", usage_error(&e));
            return ExitCode::from(2);
        }
    };
    if let Command::Server { .. } = cli.command {
        // Stdout is the protocol's: nothing else may hold or write it.
        return ExitCode::from(crate::server::main());
    }
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
        Command::Targets {
            output_format,
            config,
        } => targets_cmd::list(output_format, &config, &mut out),
        Command::Target {
            name,
            output_format,
            config,
        } => targets_cmd::show(&name, output_format, &config, &mut out),
        Command::Config(args) => config_cmd::run(&args, &mut out),
        Command::Accept(args) => accept::run(&args, &mut out),
        Command::Completions { shell } => shell::completions(shell, &mut out),
        Command::Man { dir } => shell::man(dir.as_deref(), &mut out),
        Command::Convert(args) => convert::run(&args, &mut out),
        Command::Server { .. } => unreachable!("served above"),
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

/// A usage error as one line: clap's message with its hints (the valid values, "a similar
/// argument exists"), without its usage block.
fn usage_error(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("invalid arguments");
    let mut parts = vec![first.strip_prefix("error: ").unwrap_or(first).to_string()];
    for line in lines {
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        let hint = line
            .strip_prefix("tip: ")
            .or_else(|| line.strip_prefix('[')?.strip_suffix(']'))
            .unwrap_or(line);
        parts.push(hint.to_string());
    }
    parts.join("; ")
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
