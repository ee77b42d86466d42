//! Config errors that name the file, the line and the dotted key, and never the value found there: the value
//! may be a private key, a token or a webhook secret.

use std::path::Path;

use crate::error::Error;

/// Turns a TOML error into `path:line:col: key 'a.b': message`, without echoing the line or the value found
/// (either may be a key or a token).
pub(super) fn parse_error(path: &Path, source: &str, err: &toml::de::Error) -> Error {
    let message = without_found_value(err.message().trim_end_matches('\n'));
    let Some(span) = err.span() else {
        return Error::config(format!("invalid config file {}: {message}", path.display()));
    };
    let before = &source[..span.start.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    let key = key_at_line(source, line).map(|k| format!(" key '{k}':")).unwrap_or_default();
    Error::config(format!("invalid config file {}:{line}:{column}:{key} {message}", path.display()))
}

/// A deserializer's message with the value it found left out, keeping what was expected and the kind of value
/// found: `invalid type: string "Bearer abc", expected a map` becomes
/// `invalid type: expected a map, found a string`. Other messages quote no value (key names and TOML syntax only)
/// and pass unchanged.
fn without_found_value(message: &str) -> String {
    // `<found>, expected <what>`: split at the last `, expected ` (serde writes the expectation last; the value found,
    // which comes first, may itself contain those words).
    let split = |rest: &str| rest.rsplit_once(", expected ").map(|(found, what)| (kind(found), what.to_string()));
    if let Some((found, what)) = message.strip_prefix("invalid type: ").and_then(split) {
        return format!("invalid type: expected {what}, found {}", article(&found));
    }
    if let Some((found, what)) = message.strip_prefix("invalid value: ").and_then(split) {
        return format!("invalid value ({}): expected {what}", article(&found));
    }
    if let Some((_, what)) = message.strip_prefix("unknown variant ").and_then(split) {
        return format!("unknown value: expected {what}");
    }
    message.to_string()
}

/// The kind of a value as serde describes it, without the value: `string "..."`, `integer `5``,
/// `floating point `1.5``, `map` give `string`, `integer`, `floating point`, `map`.
fn kind(found: &str) -> String {
    found.split(['"', '`']).next().unwrap_or("").trim().to_string()
}

/// `a map`, `an integer`.
fn article(kind: &str) -> String {
    match kind.chars().next() {
        None => "a value".to_string(),
        Some(c) if "aeiou".contains(c) => format!("an {kind}"),
        Some(_) => format!("a {kind}"),
    }
}

/// The dotted table name of a `[table]` or `[[array]]` header line, quotes removed; `None` for other lines.
fn table_header(line: &str) -> Option<String> {
    let inner = line.trim().strip_prefix('[')?.trim_start_matches('[').split(']').next()?;
    Some(inner.replace('"', "").split('.').map(str::trim).collect::<Vec<_>>().join("."))
}

/// The dotted key defined on a 1-based line: the nearest `[table]` header above it plus the key left of `=`.
fn key_at_line(source: &str, line: usize) -> Option<String> {
    let mut table = String::new();
    for (i, text) in source.lines().enumerate() {
        if let Some(header) = table_header(text) {
            table = header;
            if i + 1 == line {
                return Some(table);
            }
            continue;
        }
        if i + 1 == line {
            let t = text.trim();
            let key = t.split('=').next()?.trim().trim_matches('"');
            if key.is_empty() || !t.contains('=') {
                return (!table.is_empty()).then_some(table);
            }
            return Some(if table.is_empty() { key.to_string() } else { format!("{table}.{key}") });
        }
    }
    None
}

/// The 1-based line of `key` under the table `table` (dotted path of a `[header]`), by a line scan.
pub(super) fn locate(source: &str, table: &[&str], key: &str) -> Option<usize> {
    let want = table.join(".");
    let mut current = String::new();
    for (i, text) in source.lines().enumerate() {
        if let Some(header) = table_header(text) {
            current = header;
            continue;
        }
        let Some((k, _)) = text.trim().split_once('=') else { continue };
        if current == want && k.trim().trim_matches('"') == key {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_values_are_left_out_whole_messages() {
        for (message, want) in [
            (
                "invalid type: string \"Bearer x, expected y\", expected a map",
                "invalid type: expected a map, found a string",
            ),
            ("invalid type: map, expected a string", "invalid type: expected a string, found a map"),
            ("invalid type: sequence, expected a string", "invalid type: expected a string, found a sequence"),
            ("invalid type: integer `5`, expected a string", "invalid type: expected a string, found an integer"),
            ("invalid value: string \"tok\", expected a duration", "invalid value (a string): expected a duration"),
            (
                "unknown variant `sk-1`, expected one of `json`, `slack`",
                "unknown value: expected one of `json`, `slack`",
            ),
            ("unknown field `netwrk`, expected one of `network`", "unknown field `netwrk`, expected one of `network`"),
            ("missing field `name`", "missing field `name`"),
        ] {
            assert_eq!(without_found_value(message), want, "{message}");
        }
    }
}
