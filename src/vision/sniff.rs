//! What an image's first bytes say: its container (by magic bytes), its size and its colour
//! mode, for the three formats fine-tuning accepts (JPEG, PNG, WEBP) and the names of a few it
//! does not.

/// An image container, by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
    /// Recognised but not accepted: GIF, BMP, TIFF, SVG, HEIC, AVIF (the name).
    Other(&'static str),
    Unknown,
}

impl ImageKind {
    pub fn accepted(self) -> bool {
        matches!(self, ImageKind::Jpeg | ImageKind::Png | ImageKind::Webp)
    }

    pub fn name(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "JPEG",
            ImageKind::Png => "PNG",
            ImageKind::Webp => "WEBP",
            ImageKind::Other(n) => n,
            ImageKind::Unknown => "not a known image format",
        }
    }
}

/// What an image's header tells, as far as the bytes at hand go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    pub kind: ImageKind,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The colour mode when the header states one the service rejects (`grayscale`, `CMYK`,
    /// …); `None` for RGB/RGBA or when the header does not say.
    pub bad_color_mode: Option<&'static str>,
}

/// Reads the container, dimensions and colour mode from an image's first bytes. Never panics;
/// truncated or garbled headers give `None` fields.
pub fn sniff(b: &[u8]) -> ImageInfo {
    let mut info = ImageInfo {
        kind: ImageKind::Unknown,
        width: None,
        height: None,
        bad_color_mode: None,
    };
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        info.kind = ImageKind::Jpeg;
        if let Some((w, h, components)) = jpeg_sof(b) {
            info.width = Some(w);
            info.height = Some(h);
            info.bad_color_mode = match components {
                1 => Some("grayscale"),
                4 => Some("CMYK"),
                _ => None,
            };
        }
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        info.kind = ImageKind::Png;
        // The first chunk is IHDR: length, "IHDR", width, height, bit depth, colour type.
        if b.len() >= 26 && &b[12..16] == b"IHDR" {
            info.width = Some(be32(&b[16..20]));
            info.height = Some(be32(&b[20..24]));
            info.bad_color_mode = match b[25] {
                0 => Some("grayscale"),
                3 => Some("palette (indexed colour)"),
                4 => Some("grayscale with alpha"),
                _ => None,
            };
        }
    } else if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        info.kind = ImageKind::Webp;
        if let Some((w, h)) = webp_size(b) {
            info.width = Some(w);
            info.height = Some(h);
        }
    } else {
        info.kind = other_kind(b);
    }
    info
}

fn other_kind(b: &[u8]) -> ImageKind {
    let starts = |p: &[u8]| b.starts_with(p);
    if starts(b"GIF87a") || starts(b"GIF89a") {
        ImageKind::Other("GIF")
    } else if starts(b"BM") {
        ImageKind::Other("BMP")
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        ImageKind::Other("TIFF")
    } else if b.len() >= 12 && &b[4..8] == b"ftyp" {
        match &b[8..12] {
            b"avif" | b"avis" => ImageKind::Other("AVIF"),
            b"heic" | b"heix" | b"mif1" | b"msf1" => ImageKind::Other("HEIC"),
            _ => ImageKind::Unknown,
        }
    } else {
        let head = String::from_utf8_lossy(&b[..b.len().min(256)]).to_ascii_lowercase();
        if head.contains("<svg") {
            ImageKind::Other("SVG")
        } else {
            ImageKind::Unknown
        }
    }
}

fn be16(b: &[u8]) -> u32 {
    u32::from(b[0]) << 8 | u32::from(b[1])
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn le16(b: &[u8]) -> u32 {
    u32::from(b[0]) | u32::from(b[1]) << 8
}

fn le24(b: &[u8]) -> u32 {
    u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16
}

/// Width, height and component count from a JPEG's start-of-frame segment.
fn jpeg_sof(b: &[u8]) -> Option<(u32, u32, u8)> {
    let mut i = 2;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        while *b.get(i)? == 0xFF && *b.get(i + 1)? == 0xFF {
            i += 1;
        }
        if *b.get(i)? != 0xFF {
            return None;
        }
        let marker = *b.get(i + 1)?;
        i += 2;
        if matches!(marker, 0xD0..=0xD9 | 0x01) {
            continue; // standalone markers have no length
        }
        let len = be16(b.get(i..i + 2)?) as usize;
        if len < 2 {
            return None;
        }
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let seg = b.get(i + 2..i + 8)?;
            let (h, w) = (be16(&seg[1..3]), be16(&seg[3..5]));
            return Some((w, h, seg[5]));
        }
        if marker == 0xDA {
            return None; // image data started without a frame header
        }
        i += len;
    }
}

/// Canvas size from a WEBP's first chunk (VP8X, VP8L or VP8).
fn webp_size(b: &[u8]) -> Option<(u32, u32)> {
    match b.get(12..16)? {
        b"VP8X" => {
            let c = b.get(24..30)?;
            Some((le24(&c[0..3]) + 1, le24(&c[3..6]) + 1))
        }
        b"VP8L" => {
            let c = b.get(20..25)?;
            if c[0] != 0x2F {
                return None;
            }
            let bits = u32::from_le_bytes([c[1], c[2], c[3], c[4]]);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8 " => {
            let c = b.get(20..30)?;
            if c[3..6] != [0x9D, 0x01, 0x2A] {
                return None;
            }
            Some((le16(&c[6..8]) & 0x3FFF, le16(&c[8..10]) & 0x3FFF))
        }
        _ => None,
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A minimal PNG header: signature and IHDR with the given size and colour type.
    pub fn png(w: u32, h: u32, color_type: u8) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([8, color_type, 0, 0, 0]);
        b.extend([0; 4]);
        b
    }

    pub fn jpeg(w: u16, h: u16, components: u8) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        b.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        b.extend([0xFF, 0xC0, 0, 17, 8]);
        b.extend(h.to_be_bytes());
        b.extend(w.to_be_bytes());
        b.push(components);
        b.extend([0; 9]);
        b
    }

    #[test]
    fn sniffs_headers() {
        let i = sniff(&png(640, 480, 6));
        assert_eq!(
            (i.kind, i.width, i.height, i.bad_color_mode),
            (ImageKind::Png, Some(640), Some(480), None)
        );
        assert_eq!(sniff(&png(1, 1, 0)).bad_color_mode, Some("grayscale"));
        let j = sniff(&jpeg(800, 600, 3));
        assert_eq!(
            (j.kind, j.width, j.height, j.bad_color_mode),
            (ImageKind::Jpeg, Some(800), Some(600), None)
        );
        assert_eq!(sniff(&jpeg(8, 8, 4)).bad_color_mode, Some("CMYK"));
        let mut vp8x = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\x10\0\0\0".to_vec();
        vp8x.extend([0x7F, 0x02, 0x00, 0xDF, 0x01, 0x00]);
        let w = sniff(&vp8x);
        assert_eq!(
            (w.kind, w.width, w.height),
            (ImageKind::Webp, Some(640), Some(480))
        );
        let mut vp8l = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f".to_vec();
        let bits: u32 = 99 | (49 << 14);
        vp8l.extend(bits.to_le_bytes());
        assert_eq!(sniff(&vp8l).width, Some(100));
        assert_eq!(sniff(&vp8l).height, Some(50));
        assert_eq!(sniff(b"GIF89a....").kind, ImageKind::Other("GIF"));
        assert_eq!(sniff(b"<?xml?><svg>").kind, ImageKind::Other("SVG"));
        assert_eq!(sniff(b"").kind, ImageKind::Unknown);
        // Truncated headers give no dimensions, and no panic.
        for cut in 0..40 {
            let b = jpeg(8, 8, 3);
            let _ = sniff(&b[..cut.min(b.len())]);
            let p = png(8, 8, 2);
            let _ = sniff(&p[..cut.min(p.len())]);
            let _ = sniff(&vp8x[..cut.min(vp8x.len())]);
        }
    }

    proptest::proptest! {
        #[test]
        fn sniffing_garbage_never_panics(
            magic in 0usize..4,
            tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..96),
        ) {
            let heads: [&[u8]; 4] = [b"", &[0xFF, 0xD8, 0xFF], b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBPVP8 "];
            let mut b = heads[magic].to_vec();
            b.extend(tail);
            let info = sniff(&b);
            proptest::prop_assert!(info.width.is_none() || info.kind.accepted());
        }
    }
}
