//! The alert states the store holds (`alert_state`), read for display: one per (rule, series), inactive ones
//! included, as the alert manager last committed them.

use anyhow::Context;

use super::manager::Phase;
use super::state::SeriesState;
use crate::metrics::Labels;
use rusqlite::Connection;

/// One stored (rule, series) state.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAlert {
    pub rule: String,
    pub labels: Labels,
    pub phase: Phase,
    /// The last value the rule saw for the series.
    pub value: Option<f64>,
    /// Whether it ended because its series stopped reporting.
    pub no_data: bool,
}

/// Every stored state, by rule then labels. Rows that do not decode are left out (the alert manager forgets them
/// at its next start).
pub fn stored(conn: &Connection, rule: Option<&str>) -> anyhow::Result<Vec<StoredAlert>> {
    // With a rule, only its rows: a range of the primary key (rule, labels).
    let (sql, args): (&str, Vec<&str>) = match rule {
        Some(rule) => ("SELECT rule, labels, state FROM alert_state WHERE rule = ?1 ORDER BY rule, labels", vec![rule]),
        None => ("SELECT rule, labels, state FROM alert_state ORDER BY rule, labels", vec![]),
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (rule, labels, state) = row.context("cannot read the alert state")?;
        let decoded = serde_json::from_str::<Labels>(&labels)
            .and_then(|labels| serde_json::from_str::<SeriesState>(&state).map(|s| (labels, s)));
        if let Ok((labels, s)) = decoded {
            found.push(StoredAlert { rule, labels, phase: s.phase, value: s.value, no_data: s.no_data });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;
    use crate::timestamp::Timestamp;

    #[test]
    fn reads_the_states_and_skips_what_does_not_decode() {
        let db = Db::in_memory().unwrap();
        db.write(|tx| {
            tx.execute_batch(
                r#"INSERT INTO alert_state VALUES ('low', '{"account":"0.0.1"}',
                     '{"phase":{"state":"firing","since":"2026-01-02T03:04:05Z"},"value":4.5}');
                   INSERT INTO alert_state VALUES ('low', '{"account":"0.0.2"}', '{"phase":{"state":"inactive"}}');
                   INSERT INTO alert_state VALUES ('low', '{"account":"0.0.3"}', 'not json');"#,
            )?;
            Ok(())
        })
        .unwrap();
        let found = stored(&db.lock(), None).unwrap();
        assert_eq!(found.len(), 2);
        let since = Timestamp::parse_rfc3339("2026-01-02T03:04:05Z").unwrap();
        assert_eq!((found[0].phase, found[0].value), (Phase::Firing { since }, Some(4.5)));
        assert_eq!(found[1].labels["account"], "0.0.2");
        assert_eq!(found[1].phase, Phase::Inactive);
    }
}
