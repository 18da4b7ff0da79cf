//! X — what `ftlint convert` cannot carry from one format to another: each loss of a
//! conversion, at the input's line and column. One rule per kind of loss; the detection is
//! `crate::convert` (typed [`LossKind`]s), the wording is here. `--on-loss` decides the
//! severity (`error` by default: each loss is an error and the converted file is not written;
//! `warn` and `drop-example` make them warnings) — see `engine::convert`.

use crate::convert::{Loss, LossKind, OnLoss};
use crate::diagnostic::{Finding, RuleMeta};
use crate::format::Format;
use crate::targets::Target;

// The family's rule files (`xNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_convert.rs"));

/// One loss, with what its wording needs: where the record was going, and what `--on-loss`
/// does with the example.
pub struct LossCtx<'a> {
    pub loss: &'a Loss,
    pub target: &'a Target,
    /// The output format (`None` when the example cannot be converted).
    pub format: Option<Format>,
    pub on_loss: OnLoss,
}

impl LossCtx<'_> {
    pub fn kind(&self) -> &LossKind {
        &self.loss.kind
    }

    /// `` `vertex-gemini` (`gemini`) ``: where the record goes, as messages name it.
    pub fn dest(&self) -> String {
        match self.format {
            Some(f) if self.target.formats.len() > 1 => format!("`{}` (`{f}`)", self.target.name),
            _ => format!("`{}`", self.target.name),
        }
    }

    /// What happens to the example: `kept` (e.g. "the message is kept and will be trained
    /// on"), or, with `--on-loss drop-example`, that the example is left out.
    pub fn outcome(&self, kept: &str) -> String {
        match self.on_loss {
            OnLoss::DropExample => "the example is left out (`--on-loss drop-example`)".into(),
            _ => kept.into(),
        }
    }

    /// A loss's help: `what` to do about it, and, under `--on-loss error`, how to accept it.
    pub fn help(&self, what: &str) -> String {
        match self.on_loss {
            OnLoss::Error => format!(
                "{what}; `--on-loss warn` converts anyway, `--on-loss drop-example` leaves such examples out"
            ),
            _ => what.to_owned(),
        }
    }

    /// A finding of `rule` at the loss's place.
    pub fn finding(&self, rule: &'static RuleMeta, message: String) -> Finding {
        Finding::new(rule, self.loss.at.clone(), message)
    }
}
