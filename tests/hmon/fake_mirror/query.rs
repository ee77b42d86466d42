//! A request's query string as the Mirror Node's REST service sees it, and its `links.next`.
//!
//! Express parses `?a=1&b=2&a=3` into `{a: ["1", "3"], b: "2"}`: each key once, where it first appears, with all
//! its values. The next link is that object written back with the cursor changed, as `rest/utils.js`
//! (`getPaginationLink`, `getNextParamQueries`, `updateReqQuery`, `isEmptyRange`) does it, quirks included:
//! - a cursor that replaces a lone `gt:`/`lt:` value moves to the end (`?limit=2&account.id=gt:0.0.19`);
//! - a cursor joins a range it narrows in place (`?account.id=lt:0.0.21&account.id=gt:0.0.19&limit=2`);
//! - only `eq` values (an id list) get no cursor at all, so a full page's next link is the same query again;
//! - a range left empty by the cursor gives no link, even after a full page.
//!
//! Values are written back raw, as the API does (`timestamp=gt:1.000000002`, colons not escaped).

/// A parsed query string: each key once, in the order it first appears, with all its values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query(Vec<(String, Vec<String>)>);

impl Query {
    pub fn parse(raw: &str) -> Query {
        let mut q = Query::default();
        for (k, v) in url::form_urlencoded::parse(raw.as_bytes()) {
            match q.0.iter_mut().find(|(key, _)| *key == k) {
                Some((_, values)) => values.push(v.into_owned()),
                None => q.0.push((k.into_owned(), vec![v.into_owned()])),
            }
        }
        q
    }

    /// Every value of `key`, in order.
    pub fn all(&self, key: &str) -> &[String] {
        self.0.iter().find(|(k, _)| k == key).map_or(&[], |(_, v)| v.as_slice())
    }

    /// The last value of `key` (the API honours the last `limit`, `order` and `balance`).
    pub fn last(&self, key: &str) -> Option<&str> {
        self.all(key).last().map(String::as_str)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// `?k=v&k=w…` as `constructStringFromUrlQuery` writes it.
    fn render(&self) -> String {
        let mut out = String::new();
        for (k, values) in &self.0 {
            for v in values {
                out.push(if out.is_empty() { '?' } else { '&' });
                out.push_str(&format!("{k}={v}"));
            }
        }
        out
    }
}

/// `limit`: the last value, capped at `cap`, else `default`.
pub fn limit(q: &Query, default: usize, cap: usize) -> usize {
    q.last("limit").and_then(|l| l.parse().ok()).map_or(default, |l: usize| l.min(cap))
}

/// Whether the list runs oldest or lowest first: `order`, else `default_asc`.
pub fn ascending(q: &Query, default_asc: bool) -> bool {
    match q.last("order").map(str::to_ascii_lowercase).as_deref() {
        Some("asc") => true,
        Some("desc") => false,
        _ => default_asc,
    }
}

/// A filter value split into its operator (`eq` when none) and operand.
pub fn operator(value: &str) -> (&str, &str) {
    match value.split_once(':') {
        Some((op, v)) => (op, v),
        None => ("eq", value),
    }
}

/// Whether `value` starts with a range operator (`gtLtPattern`: `^[gl]t[e]?:`).
fn is_range(value: &str) -> bool {
    ["gt:", "gte:", "lt:", "lte:"].iter().any(|p| value.starts_with(p))
}

/// The next link of a full page: `path` with `query` and the cursor `field` moved past `last`. `number` maps a
/// value of `field` to the number the API compares (an encoded entity id, nanoseconds) to find an empty range.
pub fn next_link(
    path: &str,
    query: &Query,
    field: &str,
    last: &str,
    asc: bool,
    number: &dyn Fn(&str) -> Option<i128>,
) -> Option<String> {
    // `operatorPatterns`: unanchored, so `gt:` and `gte:` (or `lt:`, `lte:`) anywhere in a value.
    let passed =
        |v: &str| if asc { v.contains("gt:") || v.contains("gte:") } else { v.contains("lt:") || v.contains("lte:") };
    let insert = format!("{}:{last}", if asc { "gt" } else { "lt" });
    let mut q = query.clone();
    // `_page` is the fake's own marker for scripted empty pages, never the API's.
    q.0.retain(|(k, _)| k != "_page");
    match q.0.iter().position(|(k, _)| k == field) {
        None => q.0.push((field.to_string(), vec![insert])),
        Some(i) => {
            let original = q.0[i].1.clone();
            if original.len() > 1 {
                q.0[i].1.retain(|v| !passed(v));
                // `gtLtPattern.test(array)` tests the array joined with commas: its first value decides.
                if is_range(&original[0]) {
                    q.0[i].1.push(insert);
                }
            } else if passed(&original[0]) {
                q.0.remove(i);
                q.0.push((field.to_string(), vec![insert]));
            } else if is_range(&original[0]) {
                q.0[i].1.push(insert);
            }
        }
    }
    if empty_range(q.all(field), number) {
        return None;
    }
    Some(format!("{path}{}", q.render()))
}

/// `isEmptyRange`: whether the range values of a field admit nothing.
fn empty_range(values: &[String], number: &dyn Fn(&str) -> Option<i128>) -> bool {
    let (mut lower, mut upper): (Option<i128>, Option<i128>) = (None, None);
    for v in values.iter().filter(|v| is_range(v)) {
        let (op, operand) = operator(v);
        let Some(n) = number(operand) else { continue };
        match op {
            "gt" => lower = Some(lower.map_or(n + 1, |l| l.max(n + 1))),
            "gte" => lower = Some(lower.map_or(n, |l| l.max(n))),
            "lt" => upper = Some(upper.map_or(n - 1, |u| u.min(n - 1))),
            _ => upper = Some(upper.map_or(n, |u| u.min(n))),
        }
    }
    matches!((lower, upper), (Some(l), Some(u)) if u < l)
}

/// A consensus timestamp (`secs` or `secs.nanos`, up to 9 digits) in nanoseconds.
pub fn nanos(text: &str) -> Option<i128> {
    let (secs, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(secs) || (!frac.is_empty() && (!digits(frac) || frac.len() > 9)) {
        return None;
    }
    let frac: i128 = if frac.is_empty() { 0 } else { format!("{frac:0<9}").parse().ok()? };
    Some(secs.parse::<i128>().ok()? * 1_000_000_000 + frac)
}

/// Nanoseconds as the API writes a timestamp: `secs.nnnnnnnnn`.
pub fn timestamp(nanos: i128) -> String {
    format!("{}.{:09}", nanos.div_euclid(1_000_000_000), nanos.rem_euclid(1_000_000_000))
}

/// A 400 body with one message per bad parameter, as `InvalidArgumentError.forRequestValidation` words them.
pub fn invalid(messages: &[String]) -> (u16, serde_json::Value) {
    let messages: Vec<serde_json::Value> = messages.iter().map(|m| serde_json::json!({"message": m})).collect();
    (400, serde_json::json!({"_status": {"messages": messages}}))
}
