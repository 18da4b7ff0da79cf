//! ## What it checks
//! Images and videos mixed where Amazon Nova fine-tuning takes one kind: a sample with a video
//! and an image or document (at the first such block), and a file whose samples use both
//! images and videos (on each line of the less common kind, at its `{`, naming the first line
//! of the other kind).
//!
//! ## Why it matters
//! Amazon's Nova guide: "Dataset can't contain different media modalities. That is, the dataset
//! can either be text with images or text with videos"; the Nova 2.0 guide: "You cannot mix
//! images and videos within the same dataset or across different turns". AWS's validator
//! rejects a content list with "both video items and image/document items". Split the file by
//! modality and train on one. Sources, read 2026-12-01:
//! docs.aws.amazon.com/nova/latest/userguide/fine-tune-prepare-data-understanding.html,
//! docs.aws.amazon.com/bedrock/latest/userguide/nova-2-sft-data-prep.html,
//! aws-samples/amazon-nova-samples `nova_ft_dataset_validator.py`.
//!
//! ## Example
//! ```jsonl
//! {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"image": {"format": "png", "source": {"s3Location": {"uri": "s3://bucket/chart.png"}}}}, {"text": "Trend?"}]}, {"role": "assistant", "content": [{"text": "Rising."}]}]}
//! {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"video": {"format": "mp4", "source": {"s3Location": {"uri": "s3://bucket/clip.mp4"}}}}, {"text": "What happens?"}]}, {"role": "assistant", "content": [{"text": "A goal."}]}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Diagnostic, Finding, Target};
use crate::rules::bedrock::{blocks, is_bedrock};
use crate::rules::{
    DatasetRule, DatasetState, ExampleCtx, FileFacts, LineFacts, Note, Rule, RuleDef, RuleMeta,
    Severity, StartCtx,
};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    dataset: Some(&Check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::B010,
        name: "mixed-media",
        severity: Severity::Error,
        summary: "A sample with a video and images or a document; a file with both image and video samples",
    })
};

/// The media of one sample: images (and documents), or a video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    Images,
    Video,
}

impl Media {
    /// What a sample of this kind has: `images`, `a video`.
    fn noun(self) -> &'static str {
        match self {
            Media::Images => "images",
            Media::Video => "a video",
        }
    }
}

/// What a sample holds: `None` for text only or for both (the per-sample finding's case).
fn media(ex: &ExampleCtx<'_>) -> Option<Media> {
    let (mut images, mut video) = (false, false);
    for b in blocks(ex.value) {
        images |= b.block.contains_key("image") || b.block.contains_key("document");
        video |= b.block.contains_key("video");
    }
    match (images, video) {
        (true, false) => Some(Media::Images),
        (false, true) => Some(Media::Video),
        _ => None,
    }
}

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if !is_bedrock(ex) {
        return;
    }
    // The first video and the first image or document, with their place in block order.
    let mut video = None;
    let mut still = None;
    for (n, b) in blocks(ex.value).enumerate() {
        if video.is_none() && b.block.contains_key("video") {
            video = Some((n, b.pointer().key("video")));
        }
        for kind in ["image", "document"] {
            if still.is_none() && b.block.contains_key(kind) {
                still = Some((n, kind, b.pointer().key(kind)));
            }
        }
    }
    let (Some((v, video)), Some((s, kind, at))) = (video, still) else {
        return;
    };
    // Point at whichever comes second: the block that makes the mix.
    let (at, what) = if v < s {
        (at, format!("an `{kind}` block after a video"))
    } else {
        (video, format!("a video after an `{kind}` block"))
    };
    out.push(
        Finding::new(
            &RULE.meta,
            Target::Key(at),
            format!("this sample has {what}; a Nova sample holds text with images or text with one video"),
        )
        .help("split the sample, keeping the video and the images in separate files"),
    );
}

struct Check;

impl DatasetRule for Check {
    fn note(&self, ex: &ExampleCtx<'_>) -> Option<Note> {
        if !is_bedrock(ex) {
            return None;
        }
        media(ex).map(|m| Note::Other(Box::new(m)))
    }

    fn start(&self, _: &StartCtx<'_>) -> Box<dyn DatasetState> {
        Box::new(Seen::default())
    }
}

/// Where the samples of each kind are: (line, file offset and column of its `{`).
#[derive(Default)]
struct Seen {
    images: Vec<(u64, (u64, u64))>,
    videos: Vec<(u64, (u64, u64))>,
}

impl DatasetState for Seen {
    fn add(&mut self, line: &LineFacts, note: Option<Note>, _: &mut Vec<Diagnostic>) {
        let Some(Note::Other(any)) = note else {
            return;
        };
        match any.downcast_ref::<Media>() {
            Some(Media::Images) => self.images.push((line.line, line.brace)),
            Some(Media::Video) => self.videos.push((line.line, line.brace)),
            None => {}
        }
    }

    /// Every line of the less common kind (videos on a tie: most Nova datasets are images).
    fn finish(self: Box<Self>, _: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
        let Some(first_image) = self.images.first().map(|l| l.0) else {
            return;
        };
        let Some(first_video) = self.videos.first().map(|l| l.0) else {
            return;
        };
        let (odd, kind, main, main_first, main_count) = if self.videos.len() <= self.images.len() {
            (&self.videos, Media::Video, Media::Images, first_image, self.images.len())
        } else {
            (&self.images, Media::Images, Media::Video, first_video, self.videos.len())
        };
        for &(line, brace) in odd {
            let facts = LineFacts {
                line,
                brace,
                detected: None,
                // Only `at_brace` is asked of it; no fix reads the line's bytes.
                span: brace.0..brace.0,
            };
            out.push(facts.at_brace(
                Finding::new(
                    &RULE.meta,
                    Target::Line,
                    format!(
                        "this sample has {}, while {main_count} sample{} of this file {} {} (first at line {main_first}); a Nova dataset holds one kind",
                        kind.noun(),
                        if main_count == 1 { "" } else { "s" },
                        if main_count == 1 { "has" } else { "have" },
                        main.noun(),
                    ),
                )
                .help("put the image samples and the video samples in separate datasets"),
            ));
        }
    }
}
