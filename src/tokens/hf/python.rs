//! What Python prints, for the chat template's output: `json.dumps` as transformers' `tojson`
//! filter calls it, `str()` of values a template prints (`None`, `True`, lists and dicts as
//! Python's `repr`), and `datetime.strftime` for `strftime_now`.
//!
//! Chat templates are Python Jinja: the text they render is what Python's functions make of
//! the values. minijinja's own `tojson` is HTML-safe and compact, and it prints `none` and
//! `true`: each would change the rendered text, and so the token count.

use minijinja::value::ValueKind;
use minijinja::Value;
use std::fmt::Write as _;

/// How `json.dumps` lays out its output.
pub struct JsonStyle {
    /// `indent=N`: one member per line, N spaces deep.
    pub indent: Option<usize>,
    /// `separators=(item, key)`; Python's default is `(", ", ": ")`, and `(",", ": ")` with an
    /// indent.
    pub item_sep: String,
    pub key_sep: String,
    pub sort_keys: bool,
    pub ensure_ascii: bool,
}

impl JsonStyle {
    /// transformers' `tojson(x, ensure_ascii=False, indent=None, separators=None,
    /// sort_keys=False)`.
    pub fn new(indent: Option<usize>) -> JsonStyle {
        JsonStyle {
            indent,
            item_sep: if indent.is_some() { "," } else { ", " }.to_owned(),
            key_sep: ": ".to_owned(),
            sort_keys: false,
            ensure_ascii: false,
        }
    }
}

/// `json.dumps(value, …)`; `Err` for what Python cannot serialize (an undefined value, a
/// function).
pub fn dumps(value: &Value, style: &JsonStyle) -> Result<String, String> {
    let mut out = String::new();
    write_json(&mut out, value, style, 0)?;
    Ok(out)
}

fn write_json(out: &mut String, v: &Value, style: &JsonStyle, depth: usize) -> Result<(), String> {
    match v.kind() {
        ValueKind::None => out.push_str("null"),
        ValueKind::Bool => out.push_str(if v.is_true() { "true" } else { "false" }),
        ValueKind::Number => write_number(out, v, "Infinity", "NaN"),
        ValueKind::String => write_json_string(out, v.as_str().unwrap_or(""), style.ensure_ascii),
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Vec<Value> = v.try_iter().map_err(|e| e.to_string())?.collect();
            write_container(out, '[', ']', &items, style, depth, |out, item, d| {
                write_json(out, item, style, d)
            })?;
        }
        ValueKind::Map => {
            let mut pairs: Vec<(Value, Value)> = Vec::new();
            for key in v.try_iter().map_err(|e| e.to_string())? {
                let value = v.get_item(&key).map_err(|e| e.to_string())?;
                pairs.push((key, value));
            }
            if style.sort_keys {
                pairs.sort_by_key(|a| a.0.to_string());
            }
            write_container(out, '{', '}', &pairs, style, depth, |out, (k, val), d| {
                // Python turns numbers, booleans and None keys into strings.
                let key = match k.kind() {
                    ValueKind::String => k.as_str().unwrap_or("").to_owned(),
                    ValueKind::None => "null".to_owned(),
                    ValueKind::Bool => (if k.is_true() { "true" } else { "false" }).to_owned(),
                    ValueKind::Number => {
                        let mut s = String::new();
                        write_number(&mut s, k, "Infinity", "NaN");
                        s
                    }
                    _ => {
                        return Err(format!(
                            "keys must be str, int, float, bool or None, not {}",
                            k.kind()
                        ))
                    }
                };
                write_json_string(out, &key, style.ensure_ascii);
                out.push_str(&style.key_sep);
                write_json(out, val, style, d)
            })?;
        }
        ValueKind::Undefined => {
            return Err("Object of type Undefined is not JSON serializable".into())
        }
        other => return Err(format!("Object of type {other} is not JSON serializable")),
    }
    Ok(())
}

fn write_container<T>(
    out: &mut String,
    open: char,
    close: char,
    items: &[T],
    style: &JsonStyle,
    depth: usize,
    mut each: impl FnMut(&mut String, &T, usize) -> Result<(), String>,
) -> Result<(), String> {
    out.push(open);
    if items.is_empty() {
        out.push(close);
        return Ok(());
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(&style.item_sep);
        }
        if let Some(n) = style.indent {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', n * (depth + 1)));
        }
        each(out, item, depth + 1)?;
    }
    if let Some(n) = style.indent {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', n * depth));
    }
    out.push(close);
    Ok(())
}

/// A JSON string literal as `json.dumps` writes it: `"`, `\` and control characters escaped
/// (`\n`, `\r`, `\t`, `\b`, `\f`, else `\u00XX`); with `ensure_ascii`, every non-ASCII
/// character as `\uXXXX` (surrogate pairs above the BMP).
fn write_json_string(out: &mut String, s: &str, ensure_ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if ensure_ascii && !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// An integer as itself; a float as Python's `repr` (`1.0`, `0.1`, `1e+20`, `1.5e-07`).
fn write_number(out: &mut String, v: &Value, inf: &str, nan: &str) {
    if v.is_integer() {
        let _ = write!(out, "{v}");
        return;
    }
    match f64::try_from(v.clone()) {
        Ok(f) => out.push_str(&float_repr(f, inf, nan)),
        Err(_) => {
            let _ = write!(out, "{v}");
        }
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in positional notation for
/// exponents -4 ≤ e < 16, else `d.ddde±XX`.
pub fn float_repr(f: f64, inf: &str, nan: &str) -> String {
    if f.is_nan() {
        return nan.to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            inf.to_owned()
        } else {
            format!("-{inf}")
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `1.5e-7`, `1e20`.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let n = digits.len() as i32;
        let body = if exp >= 0 {
            let int_len = exp + 1;
            if n <= int_len {
                format!("{digits}{}.0", "0".repeat((int_len - n) as usize))
            } else {
                format!(
                    "{}.{}",
                    &digits[..int_len as usize],
                    &digits[int_len as usize..]
                )
            }
        } else {
            format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
        };
        format!("{sign}{body}")
    } else {
        let m = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        format!(
            "{sign}{m}e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        )
    }
}

/// What `{{ value }}` prints in Python Jinja: a string as is, an undefined value as nothing,
/// anything else as Python's `str()` (`None`, `True`, `[{'a': 1}]`).
pub fn write_str(out: &mut String, v: &Value) {
    match v.kind() {
        ValueKind::String => out.push_str(v.as_str().unwrap_or("")),
        ValueKind::Undefined => {}
        _ => write_repr(out, v),
    }
}

/// Python's `repr()` of a JSON-like value.
fn write_repr(out: &mut String, v: &Value) {
    match v.kind() {
        ValueKind::None => out.push_str("None"),
        ValueKind::Bool => out.push_str(if v.is_true() { "True" } else { "False" }),
        ValueKind::Number => write_number(out, v, "inf", "nan"),
        ValueKind::String => write_py_string(out, v.as_str().unwrap_or("")),
        ValueKind::Seq | ValueKind::Iterable => {
            out.push('[');
            if let Ok(items) = v.try_iter() {
                for (i, item) in items.enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_repr(out, &item);
                }
            }
            out.push(']');
        }
        ValueKind::Map => {
            out.push('{');
            if let Ok(keys) = v.try_iter() {
                for (i, key) in keys.enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_repr(out, &key);
                    out.push_str(": ");
                    write_repr(out, &v.get_item(&key).unwrap_or_default());
                }
            }
            out.push('}');
        }
        ValueKind::Undefined => out.push_str("Undefined"),
        _ => {
            let _ = write!(out, "{v}");
        }
    }
}

/// Python's `repr(str)`: single quotes unless the text holds a `'` and no `"`.
fn write_py_string(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// `datetime.strftime` (C locale) of `date` at midnight, for the directives chat templates
/// use; an unknown directive is kept as written, as glibc does.
pub fn strftime(date: crate::targets::Date, format: &str) -> String {
    let days = date.days_since_epoch();
    // 1970-01-01 was a Thursday (index 3 from Monday).
    let weekday = (days + 3).rem_euclid(7) as usize;
    let month = usize::from(date.month.clamp(1, 12)) - 1;
    let year_day = days
        - crate::targets::Date {
            year: date.year,
            month: 1,
            day: 1,
        }
        .days_since_epoch()
        + 1;
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => {
                let _ = write!(out, "{:02}", date.day);
            }
            Some('e') => {
                let _ = write!(out, "{:>2}", date.day);
            }
            Some('m') => {
                let _ = write!(out, "{:02}", date.month);
            }
            Some('Y') => {
                let _ = write!(out, "{}", date.year);
            }
            Some('y') => {
                let _ = write!(out, "{:02}", date.year.rem_euclid(100));
            }
            Some('b') | Some('h') => out.push_str(&MONTHS[month][..3]),
            Some('B') => out.push_str(MONTHS[month]),
            Some('a') => out.push_str(&WEEKDAYS[weekday][..3]),
            Some('A') => out.push_str(WEEKDAYS[weekday]),
            Some('j') => {
                let _ = write!(out, "{year_day:03}");
            }
            // Midnight: the day is what templates print (Llama 3.1's "Today Date").
            Some('H') | Some('M') | Some('S') => out.push_str("00"),
            Some('I') => out.push_str("12"),
            Some('p') => out.push_str("AM"),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(json: &str) -> Value {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn dumps_like_python() {
        let s = JsonStyle::new(None);
        assert_eq!(
            dumps(&v(r#"{"b": [1, 2.5, true, null], "a": "é\n\"x\""}"#), &s).unwrap(),
            r#"{"b": [1, 2.5, true, null], "a": "é\n\"x\""}"#
        );
        assert_eq!(
            dumps(&v(r#"{"a": {"b": []}, "c": {}}"#), &JsonStyle::new(Some(4))).unwrap(),
            "{\n    \"a\": {\n        \"b\": []\n    },\n    \"c\": {}\n}"
        );
        assert_eq!(dumps(&v("\"\\u0001\""), &s).unwrap(), "\"\\u0001\"");
        assert_eq!(dumps(&v("1.0"), &s).unwrap(), "1.0");
        assert!(dumps(&Value::UNDEFINED, &s).is_err());
    }

    #[test]
    fn float_repr_matches_python() {
        for (f, want) in [
            (0.1, "0.1"),
            (1.0, "1.0"),
            (-2.5, "-2.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1.5e-7, "1.5e-07"),
            (0.0001, "0.0001"),
            (123.456, "123.456"),
        ] {
            assert_eq!(float_repr(f, "inf", "nan"), want, "{f}");
        }
    }

    #[test]
    fn str_like_python() {
        let mut out = String::new();
        write_str(
            &mut out,
            &v(r#"[{"type": "text", "text": "it's"}, null, true, 1.0]"#),
        );
        assert_eq!(
            out,
            r#"[{'type': 'text', 'text': "it's"}, None, True, 1.0]"#
        );
    }

    #[test]
    fn strftime_directives() {
        let d = crate::targets::Date::new(2026, 12, 1).unwrap();
        assert_eq!(strftime(d, "%d %b %Y"), "01 Dec 2026");
        assert_eq!(strftime(d, "%A %B %e %j %%"), "Tuesday December  1 335 %");
    }
}
