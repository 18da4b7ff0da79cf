//! JSON Pointers (RFC 6901) as typed segments, and the display forms used in messages.

use std::fmt;

/// One step of a pointer: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path from the line's top-level value to a nested value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Pointer(pub Vec<Seg>);

impl Pointer {
    pub fn root() -> Self {
        Pointer(Vec::new())
    }

    pub fn key(&self, key: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.to_owned()));
        p
    }

    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    pub fn parent(&self) -> Option<Pointer> {
        let mut p = self.clone();
        p.0.pop().map(|_| p)
    }

    /// The value this pointer names in `root`, if there is one.
    pub fn resolve<'v>(&self, root: &'v serde_json::Value) -> Option<&'v serde_json::Value> {
        self.0.iter().try_fold(root, |v, seg| match seg {
            Seg::Key(k) => v.get(k.as_str()),
            Seg::Index(i) => v.get(*i),
        })
    }

    pub fn last_key(&self) -> Option<&str> {
        match self.0.last() {
            Some(Seg::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// Parses an RFC 6901 pointer (`/messages/0/role`). Segments made only of digits are taken
    /// as array indices; the locator treats an index segment on an object as the key, so the
    /// ambiguity of `/0` is harmless.
    pub fn parse(s: &str) -> Pointer {
        if s.is_empty() {
            return Pointer::root();
        }
        let segs = s
            .strip_prefix('/')
            .unwrap_or(s)
            .split('/')
            .map(|raw| {
                let seg = raw.replace("~1", "/").replace("~0", "~");
                match seg.parse::<usize>() {
                    Ok(i) if !seg.starts_with('+') && (seg == "0" || !seg.starts_with('0')) => {
                        Seg::Index(i)
                    }
                    _ => Seg::Key(seg),
                }
            })
            .collect();
        Pointer(segs)
    }

    /// The human form used in messages: `messages[2].role`, `tools[0].function.name`.
    pub fn dotted(&self) -> String {
        let mut out = String::new();
        for seg in &self.0 {
            match seg {
                Seg::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
                Seg::Key(k) => {
                    let simple = !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
                    if simple {
                        if !out.is_empty() {
                            out.push('.');
                        }
                        out.push_str(k);
                    } else {
                        out.push('[');
                        out.push_str(&serde_json::to_string(k).unwrap_or_default());
                        out.push(']');
                    }
                }
            }
        }
        if out.is_empty() {
            out.push_str("(line)");
        }
        out
    }
}

/// RFC 6901 string form: `/messages/2/role`, with `~` and `/` escaped.
impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for seg in &self.0 {
            f.write_str("/")?;
            match seg {
                Seg::Index(i) => write!(f, "{i}")?,
                Seg::Key(k) => f.write_str(&k.replace('~', "~0").replace('/', "~1"))?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_rfc6901() {
        let p = Pointer::parse("/messages/2/a~1b~0c");
        assert_eq!(
            p.0,
            vec![
                Seg::Key("messages".into()),
                Seg::Index(2),
                Seg::Key("a/b~c".into())
            ]
        );
        assert_eq!(p.to_string(), "/messages/2/a~1b~0c");
        assert_eq!(Pointer::root().to_string(), "");
    }

    #[test]
    fn dotted_form_for_messages() {
        assert_eq!(
            Pointer::parse("/messages/2/role").dotted(),
            "messages[2].role"
        );
        assert_eq!(Pointer::parse("/a b").dotted(), "[\"a b\"]");
        assert_eq!(Pointer::parse("/01").0, vec![Seg::Key("01".into())]);
    }
}
