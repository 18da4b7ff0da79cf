//! What the formats with one string per turn (ShareGPT, Alpaca) share when written: the system
//! prompt as one text, and a message's texts as one string — with each join and each item that
//! has no place reported.

use super::ir::{Example, Kind, Message, Role};
use super::{ImageLoss, LossKind, Losses};

/// The system prompt (the leading system messages' texts, and those moved from later in the
/// conversation), joined by `join`, and the other messages.
pub fn system<'e, 'a>(
    ex: &'e Example<'a>,
    join: &str,
    l: &mut Losses,
) -> (Option<String>, Vec<&'e Message<'a>>) {
    let mut texts: Vec<String> = Vec::new();
    let mut rest = Vec::new();
    for m in &ex.messages {
        if m.role != Role::System {
            rest.push(m);
            continue;
        }
        if !rest.is_empty() {
            l.at(LossKind::SystemMoved, &m.at);
        } else if !texts.is_empty() {
            l.at(LossKind::TextsJoined, &m.at);
        }
        if let (Some(t), _) = text(m, join, l) {
            texts.push(t);
        }
    }
    let system = (!texts.is_empty()).then(|| texts.join(join));
    (system, rest)
}

/// A message's texts joined by `join` (each text after the first reported), its images
/// reported; the calls are the caller's. `None` when it holds no text.
pub fn text(m: &Message<'_>, join: &str, l: &mut Losses) -> (Option<String>, usize) {
    let mut out: Option<String> = None;
    let mut calls = 0;
    for item in &m.items {
        match &item.kind {
            Kind::Text(t) => match &mut out {
                None => out = Some((*t).to_owned()),
                Some(s) => {
                    l.at(LossKind::TextsJoined, &item.at);
                    s.push_str(join);
                    s.push_str(t);
                }
            },
            Kind::Image(_) => l.at(LossKind::Image(ImageLoss::TextOnly), &item.at),
            Kind::Call { .. } => calls += 1,
            Kind::Result { .. } => {}
        }
    }
    (out, calls)
}
