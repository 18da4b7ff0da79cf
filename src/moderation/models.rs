//! Scoring models as data (`rules/moderation/models.toml`): which names are one model (an alias
//! and its dated snapshots), and which models are shut down. The file-level pass asks
//! [`ScoringModels::judge`] about every model the file's scores came from; rule M008 words what
//! it finds.

use serde::Deserialize;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelsFile {
    #[serde(default)]
    model: Vec<ModelDef>,
    #[serde(default)]
    retired: Vec<RetiredDef>,
}

/// A model that requests name by an alias (`omni-moderation-latest`) while responses name a
/// snapshot of its family (`omni-moderation-2024-09-26`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelDef {
    name: String,
    family: String,
    #[allow(dead_code)] // documentation in the data file
    source: String,
    #[allow(dead_code)]
    taken: String,
}

/// A family of models that no longer answers.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RetiredDef {
    /// Model names starting with this (`text-moderation-`).
    pub family: String,
    /// When the provider shut them down (`2025-10-27`).
    pub shut_down: String,
    /// The provider (`OpenAI`).
    pub by: String,
    #[allow(dead_code)] // documentation in the data file
    source: String,
    #[allow(dead_code)]
    taken: String,
}

/// The models table.
#[derive(Debug)]
pub struct ScoringModels {
    models: Vec<ModelDef>,
    retired: Vec<RetiredDef>,
}

static BUILTIN: LazyLock<ScoringModels> = LazyLock::new(|| {
    // The file is tested (`the_table_parses`); a broken one is an empty table, never a panic.
    let file: ModelsFile = toml::from_str(include_str!("../../rules/moderation/models.toml"))
        .unwrap_or(ModelsFile {
            model: Vec::new(),
            retired: Vec::new(),
        });
    ScoringModels {
        models: file.model,
        retired: file.retired,
    }
});

/// What is wrong with scores of one model, for a run that asks for `wanted`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelProblem {
    /// The model the scores name.
    pub model: String,
    /// The model the run asks for (`--moderation-model`).
    pub wanted: String,
    /// Set when the scores' model is shut down.
    pub retired: Option<RetiredDef>,
    /// The scores' model is not `wanted` (nor a snapshot of it).
    pub other_model: bool,
}

impl ScoringModels {
    /// The built-in table.
    pub fn builtin() -> &'static ScoringModels {
        &BUILTIN
    }

    /// Are `a` and `b` the same model: equal, or an alias and a snapshot of its family?
    pub fn same(&self, a: &str, b: &str) -> bool {
        if a == b {
            return true;
        }
        let in_family = |name: &str, other: &str| {
            self.models
                .iter()
                .any(|m| m.name == name && other.starts_with(&m.family))
        };
        in_family(a, b) || in_family(b, a)
    }

    /// The retired family `model` belongs to, if any.
    pub fn retired(&self, model: &str) -> Option<&RetiredDef> {
        self.retired.iter().find(|r| model.starts_with(&r.family))
    }

    /// What is wrong with scores from `model` in a run that asks for `wanted`, if anything.
    pub fn judge(&self, model: &str, wanted: &str) -> Option<ModelProblem> {
        let retired = self.retired(model).cloned();
        let other_model = !self.same(model, wanted);
        (retired.is_some() || other_model).then(|| ModelProblem {
            model: model.to_owned(),
            wanted: wanted.to_owned(),
            retired,
            other_model,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses() {
        let f: ModelsFile = toml::from_str(include_str!("../../rules/moderation/models.toml"))
            .expect("models.toml parses");
        assert!(!f.model.is_empty() && !f.retired.is_empty());
        assert!(f
            .retired
            .iter()
            .all(|r| !r.source.is_empty() && !r.taken.is_empty()));
    }

    #[test]
    fn an_alias_and_its_snapshots_are_one_model() {
        let t = ScoringModels::builtin();
        assert!(t.same("omni-moderation-latest", "omni-moderation-2024-09-26"));
        assert!(t.same("omni-moderation-2024-09-26", "omni-moderation-latest"));
        // A later snapshot behind the alias is still the alias.
        assert!(t.same("omni-moderation-latest", "omni-moderation-2026-01-15"));
        assert!(!t.same("omni-moderation-latest", "text-moderation-007"));
        assert!(!t.same("omni-moderation-2024-09-26", "omni-moderation-2026-01-15"));
        assert!(t.same("my-model", "my-model"));
    }

    #[test]
    fn retired_and_other_models() {
        let t = ScoringModels::builtin();
        let p = t
            .judge("text-moderation-007", "omni-moderation-latest")
            .unwrap();
        assert_eq!(p.retired.as_ref().unwrap().shut_down, "2025-10-27");
        assert!(p.other_model);
        // Asked for by name, a retired model is still retired.
        let p = t
            .judge("text-moderation-007", "text-moderation-007")
            .unwrap();
        assert!(p.retired.is_some() && !p.other_model);
        let p = t.judge("llama-guard-3", "omni-moderation-latest").unwrap();
        assert!(p.retired.is_none() && p.other_model);
        assert_eq!(
            t.judge("omni-moderation-2024-09-26", "omni-moderation-latest"),
            None
        );
    }
}
