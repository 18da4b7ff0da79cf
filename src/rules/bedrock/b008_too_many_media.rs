//! ## What it checks
//! A Bedrock sample (one record, all its messages) with more images, videos or documents than
//! Amazon Nova fine-tuning takes: at most 10 images, 1 video and 1 document. The finding points
//! at the first block over the limit and says how many the sample has.
//!
//! ## Why it matters
//! Amazon's Nova guide, "Image and video constraints": "Maximum images 10/sample", "Maximum
//! videos 1/sample"; AWS's validator: "Only one document is allowed per sample". A sample over a
//! limit fails the job's validation. The sizes in the same table (10 MB an image, 50 MB and 90 s
//! a video) are not checked: fine-tuning reads media from S3 and ftlint never fetches a URI.
//! The limits, their sources and dates are data (`rules/bedrock/media.toml`).
//!
//! ## Example
//! ```jsonl
//! {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"video": {"format": "mp4", "source": {"s3Location": {"uri": "s3://bucket/a.mp4"}}}}, {"video": {"format": "mp4", "source": {"s3Location": {"uri": "s3://bucket/b.mp4"}}}}, {"text": "Which clip is longer?"}]}, {"role": "assistant", "content": [{"text": "The second."}]}]}
//! ```
//!
//! ## Configuration
//! None; the limits are in `rules/bedrock/media.toml`.
use crate::diagnostic::{Finding, Target};
use crate::rules::bedrock::{blocks, is_bedrock, MEDIA};
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::B008,
        name: "too-many-media",
        severity: Severity::Error,
        summary: "A sample with more than 10 images, 1 video or 1 document",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if !is_bedrock(ex) {
        return;
    }
    let limits = [
        ("image", "images", MEDIA.max_images),
        ("video", "videos", MEDIA.max_videos),
        ("document", "documents", MEDIA.max_documents),
    ];
    for (kind, plural, max) in limits {
        let count = blocks(ex.value)
            .filter(|b| b.block.contains_key(kind))
            .count();
        if count <= max {
            continue;
        }
        let Some(first_over) = blocks(ex.value)
            .filter(|b| b.block.contains_key(kind))
            .nth(max)
        else {
            continue;
        };
        let noun = if max == 1 { kind } else { plural };
        out.push(
            Finding::new(
                &RULE.meta,
                Target::Key(first_over.pointer().key(kind)),
                format!(
                    "this sample has {} {plural}; Nova fine-tuning takes at most {max} {noun} per sample (this is number {})",
                    count,
                    max + 1
                ),
            )
            .help(format!(
                "split the sample so that each has at most {max} {noun}, or drop the extra ones"
            )),
        );
    }
}
