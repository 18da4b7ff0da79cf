//! ## What it checks
//! `ftlint convert`: an image the output format cannot hold, which is left out:
//! - a data-URL image (or Gemini `inlineData`) for Gemini, whose tuning takes media only by
//!   `fileData` URI and refuses `inlineData` (G004);
//! - an http(s) image URL whose file extension names no image type, for Gemini, whose
//!   `fileData` needs a `mimeType` (the extensions are `rules/convert/gemini.toml`);
//! - any image but an S3 object for Bedrock, whose fine-tuning reads media from S3 only;
//! - a `gs://` or S3 object for a format that reads neither (OpenAI-style chat takes http(s) and
//!   data URLs);
//! - an image URL that is neither http(s) nor a data URL.
//!
//! ## Why it matters
//! The text of the turn stays and now refers to a picture the model never sees: the example
//! teaches answers about nothing.
//!
//! ## Example
//! Converting with `--to vertex-gemini`:
//! ```jsonl
//! {"messages": [{"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}, {"role": "assistant", "content": "A cat."}]}
//! ```
//!
//! ## Configuration
//! `--on-loss` (see the X family). Upload the images where the target reads them (Cloud
//! Storage or a public https URL for Gemini, S3 for Bedrock) and convert the URLs first.
use super::LossCtx;
use crate::convert::{ImageLoss, LossKind};
use crate::diagnostic::Finding;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    convert: Some(word),
    ..RuleDef::new(RuleMeta {
        rule: Rule::X004,
        name: "image-not-kept",
        severity: Severity::Error,
        summary: "An image the output format cannot hold; it is left out",
    })
};

fn word(ctx: &LossCtx<'_>, out: &mut Vec<Finding>) {
    let LossKind::Image(why) = ctx.kind() else {
        return;
    };
    let dest = ctx.dest();
    let (what, help) = match why {
        ImageLoss::Inline => (
            format!("an image given inline (a data URL): {dest} takes images by `fileData` URI only and refuses `inlineData`"),
            "upload the image to Cloud Storage or a public https URL and give that URL".to_owned(),
        ),
        ImageLoss::UnknownType => {
            let exts: Vec<String> = crate::convert::maps::GEMINI_MAP
                .image_types
                .keys()
                .map(|e| format!("`.{e}`"))
                .collect();
            (
                format!("an image URL whose file name says no image type: {dest} needs the `mimeType` of each `fileData`"),
                format!("give the image a URL ending in {}", exts.join(", ")),
            )
        }
        ImageLoss::NotS3 { given } => (
            format!("an image given as {given}: {dest} reads images from S3 only"),
            "upload the image to S3 and give its `s3://` URI in the Bedrock record".to_owned(),
        ),
        ImageLoss::Storage { given } => (
            format!("an image given as {given}: {dest} cannot read it"),
            "give the image by a public https URL".to_owned(),
        ),
        ImageLoss::BadUrl => (
            "an image URL that is neither http(s) nor a data URL".to_owned(),
            "give the image by an https URL or a data URL".to_owned(),
        ),
        ImageLoss::TextOnly => (
            format!("an image: {dest} records hold text turns only, as ftlint writes them"),
            "LLaMA-Factory reads images from an `images` column with `<image>` placeholders in the text; add them yourself".to_owned(),
        ),
    };
    out.push(
        ctx.finding(
            &RULE.meta,
            format!("{what}; {}", ctx.outcome("the image is left out")),
        )
        .help(ctx.help(&help)),
    );
}
