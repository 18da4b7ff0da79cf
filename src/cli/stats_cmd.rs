//! `ftlint stats`: token, length and role distributions, epochs and cost, per file.

use super::check::{check_all, Inputs};
use super::{CliError, ListFormat, Report, StatsArgs};
use crate::config::Config;
use crate::settings::Setup;
use std::io::Write;

pub fn run(args: &StatsArgs, out: &mut dyn Write) -> Result<u8, Report> {
    // No rule runs: the pass only parses and counts.
    let mut flags = Config::default();
    args.targeting.layer(&mut flags);
    args.inputs.layer(&mut flags);
    let settings =
        crate::settings::resolve(&args.config.lookup(), &args.inputs.paths, flags)?.settings;
    let setup = Setup::new(&settings, true)?;
    let model = setup.opts.tokens.clone().ok_or(CliError::NoModel)?;
    let sources = args.inputs.sources(&settings)?;
    let (reports, failed) = check_all(&Inputs::new(sources), &setup);
    let stats: Vec<crate::stats::StatsReport> = reports
        .iter()
        .map(|r| crate::stats::build(&r.path, &r.records, &model, settings.epochs))
        .collect();
    match args.output_format {
        ListFormat::Text => {
            for (i, s) in stats.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                out.write_all(s.render_text().as_bytes())?;
            }
        }
        ListFormat::Json => {
            let doc = serde_json::json!({ "version": 1, "files": stats });
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
    }
    Ok(if failed { 2 } else { 0 })
}
