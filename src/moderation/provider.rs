//! `--moderation-provider`: which service scores the texts, and what that decides — the score
//! family ([`Scale`]), the default profile, the model key scores are cached and looked up under,
//! and which profiles and imported scores may be used with it.
//!
//! Scores of one provider never answer for the other: each score carries its provider (in the
//! cache, in exported records), the store ignores scores of another provider than the run's, a
//! profile must be of the provider's scale, and a `--scores` file holding only the other
//! provider's scores is refused before the check starts.

use super::azure::OutputType;
use super::import::ImportedScores;
use super::profile::Profile;
use super::scale::Scale;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A scoring service.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum Provider {
    /// OpenAI's `/moderations` (or a compatible server): probabilities.
    #[default]
    #[serde(rename = "openai")]
    OpenAi,
    /// Azure AI Content Safety's `text:analyze`: severities 0–7.
    #[serde(rename = "azure-content-safety")]
    AzureContentSafety,
}

impl Provider {
    pub const ALL: [Provider; 2] = [Provider::OpenAi, Provider::AzureContentSafety];

    /// The name flags, config and score files use.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::AzureContentSafety => "azure-content-safety",
        }
    }

    /// For `skip_serializing_if`: OpenAI is what a record without `provider` means.
    pub fn is_openai(&self) -> bool {
        *self == Provider::OpenAi
    }

    /// The family of this provider's scores.
    pub fn scale(self) -> Scale {
        match self {
            Provider::OpenAi => Scale::Probability,
            Provider::AzureContentSafety => Scale::Severity,
        }
    }

    /// The profile used when no `--profile` is given.
    pub fn default_profile(self) -> &'static str {
        match self {
            Provider::OpenAi => super::profile::DEFAULT_PROFILE,
            Provider::AzureContentSafety => "azure-finetune",
        }
    }

    /// The model key scores are requested, cached and looked up under: `--moderation-model`,
    /// or the provider's default. For OpenAI any model name; for Azure AI Content Safety the
    /// output type, in Azure's words (`EightSeverityLevels`, the default, or
    /// `FourSeverityLevels`) or as the key itself.
    pub fn model_key(self, requested: Option<&str>) -> Result<String, ProviderError> {
        match self {
            Provider::OpenAi => Ok(requested
                .unwrap_or(super::client::DEFAULT_MODEL)
                .to_string()),
            Provider::AzureContentSafety => match requested {
                None => Ok(OutputType::default().model_key()),
                Some(name) => OutputType::parse(name)
                    .map(OutputType::model_key)
                    .ok_or_else(|| ProviderError::UnknownOutputType {
                        given: name.to_string(),
                    }),
            },
        }
    }

    /// A profile judges this provider's scores only if its thresholds are of the same family.
    pub fn check_profile(self, profile: &Profile) -> Result<(), ProviderError> {
        if profile.scale == self.scale() {
            return Ok(());
        }
        Err(ProviderError::ProfileScale {
            profile: profile.name.clone(),
            profile_scale: profile.scale,
            provider: self,
        })
    }

    /// A `--scores` file with scores, none of them of this provider, is a mistake worth
    /// stopping for (every text would be unscored); a file with some of this provider's scores
    /// is used, and its other scores ignored.
    pub fn check_imported(self, imported: &ImportedScores) -> Result<(), ProviderError> {
        let found = imported.providers();
        if found.is_empty() || found.contains(&self) {
            return Ok(());
        }
        Err(ProviderError::ImportedProvider {
            found: found[0],
            provider: self,
        })
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Settings that do not fit the provider. Each message is the line the CLI prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error(
        "`--moderation-model {given}` is not an output type of `azure-content-safety`; expected `EightSeverityLevels` or `FourSeverityLevels`"
    )]
    UnknownOutputType { given: String },
    #[error(
        "profile `{profile}` has thresholds in {}, but `{provider}` scores in {}; use `--profile {}` or a profile with `scale = \"{}\"`",
        plural(*.profile_scale),
        plural(.provider.scale()),
        .provider.default_profile(),
        .provider.scale()
    )]
    ProfileScale {
        profile: String,
        profile_scale: Scale,
        provider: Provider,
    },
    #[error(
        "the scores file holds `{found}` scores only, but the moderation provider is `{provider}`; pass `--moderation-provider {found}` or scores of `{provider}`"
    )]
    ImportedProvider { found: Provider, provider: Provider },
}

fn plural(scale: Scale) -> &'static str {
    match scale {
        Scale::Probability => "probabilities (0–1)",
        Scale::Severity => "severities (0–7)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_families() {
        assert_eq!(Provider::OpenAi.as_str(), "openai");
        assert_eq!(
            Provider::AzureContentSafety.to_string(),
            "azure-content-safety"
        );
        assert_eq!(Provider::AzureContentSafety.scale(), Scale::Severity);
        assert_eq!(Provider::OpenAi.default_profile(), "finetune");
        assert_eq!(
            Provider::AzureContentSafety.default_profile(),
            "azure-finetune"
        );
        let v: Provider = serde_json::from_str("\"azure-content-safety\"").unwrap();
        assert_eq!(v, Provider::AzureContentSafety);
        assert_eq!(
            serde_json::to_string(&Provider::OpenAi).unwrap(),
            "\"openai\""
        );
    }

    #[test]
    fn model_keys_keep_providers_and_output_types_apart() {
        let azure = Provider::AzureContentSafety;
        assert_eq!(
            Provider::OpenAi.model_key(None).unwrap(),
            "omni-moderation-latest"
        );
        assert_eq!(
            azure.model_key(None).unwrap(),
            "azure-content-safety-2024-09-01-EightSeverityLevels"
        );
        assert_eq!(
            azure.model_key(Some("FourSeverityLevels")).unwrap(),
            "azure-content-safety-2024-09-01-FourSeverityLevels"
        );
        assert_eq!(
            azure
                .model_key(Some("azure-content-safety-2024-09-01-FourSeverityLevels"))
                .unwrap(),
            "azure-content-safety-2024-09-01-FourSeverityLevels"
        );
        assert_eq!(
            azure.model_key(Some("omni-moderation-latest")).unwrap_err().to_string(),
            "`--moderation-model omni-moderation-latest` is not an output type of `azure-content-safety`; expected `EightSeverityLevels` or `FourSeverityLevels`"
        );
    }

    #[test]
    fn a_profile_of_the_other_family_is_refused() {
        let finetune = Profile::builtin("finetune").unwrap();
        let azure = Profile::builtin("azure-finetune").unwrap();
        assert!(Provider::OpenAi.check_profile(&finetune).is_ok());
        assert!(Provider::AzureContentSafety.check_profile(&azure).is_ok());
        assert_eq!(
            Provider::AzureContentSafety
                .check_profile(&finetune)
                .unwrap_err()
                .to_string(),
            "profile `finetune` has thresholds in probabilities (0–1), but `azure-content-safety` scores in severities (0–7); use `--profile azure-finetune` or a profile with `scale = \"severity\"`"
        );
        assert!(Provider::OpenAi.check_profile(&azure).is_err());
    }
}
