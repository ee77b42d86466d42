//! Editing `[[rules]]` in the config file in place: comments and layout survive (toml_edit), and the file is
//! replaced atomically (a temporary file in the same directory, then a rename), keeping its permissions.

use std::path::Path;

use anyhow::Context as _;
use toml_edit::{value, Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table};

use super::rule::RuleConfig;
use crate::config::ConfigFile;
use crate::error::Error;
use crate::text::inert;

/// Why a rule cannot join a config.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The rule itself is invalid (the message says what and what is expected).
    Invalid(String),
    /// A rule of that name is configured already.
    Exists(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Invalid(message) => f.write_str(message),
            Refusal::Exists(name) => {
                write!(f, "a rule named '{}' exists already; remove it first or pick another name", inert(name))
            }
        }
    }
}

/// Checks that `rule` may join `config`: valid on its own, sending only to configured webhooks, and named
/// unlike every configured rule. `hmon alert add` and the API's `POST /api/v1/rules` both ask this.
pub fn check_new_rule(config: &ConfigFile, rule: &RuleConfig) -> Result<(), Refusal> {
    let webhooks: Vec<String> = config.webhooks.iter().map(|w| w.name.clone()).collect();
    rule.validate(&webhooks).map_err(Refusal::Invalid)?;
    if config.rules.iter().any(|r| r.name == rule.name) {
        return Err(Refusal::Exists(rule.name.clone()));
    }
    Ok(())
}

/// Appends `rule` as a new `[[rules]]` table; creates the file (and its directory) if it does not exist.
pub fn add_rule(path: &Path, rule: &RuleConfig) -> anyhow::Result<()> {
    let mut doc = read(path)?;
    let rules = doc.entry("rules").or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()));
    let Some(rules) = rules.as_array_of_tables_mut() else {
        return Err(Error::config(format!("{}: 'rules' is not an array of [[rules]] tables", path.display())).into());
    };
    rules.push(to_table(rule));
    write(path, &doc.to_string())
}

/// Removes the `[[rules]]` table named `name`; false when there is none.
pub fn remove_rule(path: &Path, name: &str) -> anyhow::Result<bool> {
    let mut doc = read(path)?;
    let Some(rules) = doc.get_mut("rules").and_then(Item::as_array_of_tables_mut) else { return Ok(false) };
    let Some(index) = rules.iter().position(|t| t.get("name").and_then(|n| n.as_str()) == Some(name)) else {
        return Ok(false);
    };
    rules.remove(index);
    if rules.is_empty() {
        doc.remove("rules");
    }
    write(path, &doc.to_string())?;
    Ok(true)
}

fn read(path: &Path) -> anyhow::Result<DocumentMut> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if crate::config::is_absent(&e) => String::new(),
        Err(e) => return Err(Error::config(format!("cannot read config file {}: {e}", path.display())).into()),
    };
    text.parse::<DocumentMut>()
        .map_err(|e| Error::config(format!("invalid config file {}: {}", path.display(), e.message())).into())
}

fn to_table(rule: &RuleConfig) -> Table {
    let mut t = Table::new();
    t.insert("name", value(&rule.name));
    t.insert("metric", value(&rule.metric));
    if !rule.labels.is_empty() {
        let mut labels = InlineTable::new();
        for (k, v) in &rule.labels {
            labels.insert(k, v.as_str().into());
        }
        t.insert("labels", value(labels));
    }
    t.insert("condition", value(&rule.condition));
    if let Some(threshold) = rule.threshold {
        t.insert("threshold", value(threshold));
    }
    let optional =
        [("for", &rule.pending), ("repeat", &rule.repeat), ("severity", &rule.severity), ("summary", &rule.summary)];
    for (key, v) in optional {
        if let Some(v) = v {
            t.insert(key, value(v));
        }
    }
    if let Some(hooks) = &rule.webhooks {
        t.insert("webhooks", value(hooks.iter().collect::<Array>()));
    }
    t
}

/// Writes `text` to `path` atomically, keeping the old file's permissions (a key file stays private).
fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    replace_file(path, text.as_bytes())
}

/// Replaces the file at `path` with `bytes` atomically (a temporary file in the same directory, then a rename),
/// keeping the old file's permissions.
pub fn replace_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str) -> RuleConfig {
        RuleConfig {
            name: name.into(),
            metric: "account_balance_hbar".into(),
            labels: [("account".to_string(), "0.0.1001".to_string())].into(),
            condition: "<".into(),
            threshold: Some(10.0),
            pending: Some("5m".into()),
            webhooks: Some(vec!["ops".into()]),
            ..Default::default()
        }
    }

    #[test]
    fn add_and_remove_keep_comments_and_other_rules() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let original = "# my monitor\nnetwork = \"testnet\" # the default\n\n[[rules]]\n# keep me\nname = \"first\"\nmetric = \"network_tps\"\ncondition = \"<\"\nthreshold = 1.0\n";
        std::fs::write(&path, original).unwrap();
        add_rule(&path, &rule("low")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(original), "{text}");
        assert!(text.contains("name = \"low\"") && text.contains("labels = { account = \"0.0.1001\" }"), "{text}");
        assert!(text.contains("for = \"5m\"") && text.contains("webhooks = [\"ops\"]"), "{text}");
        let parsed: crate::config::ConfigFile = toml::from_str(&text).unwrap();
        assert_eq!(parsed.rules[1], rule("low"));

        assert!(remove_rule(&path, "low").unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
        assert!(!remove_rule(&path, "absent").unwrap());
    }

    #[test]
    fn adding_creates_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        add_rule(&path, &rule("low")).unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().starts_with("[[rules]]\nname = \"low\""));
    }

    #[cfg(unix)]
    #[test]
    fn permissions_survive_the_rewrite() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        add_rule(&path, &rule("low")).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
