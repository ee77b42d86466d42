//! Store size for quiet accounts (`cargo bench --bench store`): 10,000 watched accounts whose balances rarely
//! change, sampled every 10 s, in a real store file in a temporary directory.
//!
//! Two runs in the same process, on files of their own: the store keeping runs of one value with a heartbeat
//! (`SqliteStore::with_heartbeat`, 5 minutes, the `balance_refresh` default: a quiet series is one row whose
//! `last_ms` is updated in place once per heartbeat), and the reference that stores every sample as a row
//! (`SqliteStore::new`). Each run writes one warm-up batch (the series rows and a first row each), then a simulated
//! stretch of batches with synthetic timestamps, in which a small fraction of the accounts change. The file's
//! growth over the stretch (after a WAL checkpoint) divided by the rows it added gives bytes per stored sample
//! (row); the projection for 7 days (the default retention) is the warm-up size plus that many bytes for each row
//! 7 days would add at the measured rate. Updates in place are counted but add no bytes. Target: under 100 MB.

use std::time::{Duration, Instant};

use hmon::metrics::Sample;
use hmon::store::{Db, MetricStore, SqliteStore};
use hmon::timestamp::Timestamp;

const ACCOUNTS: usize = 10_000;
const INTERVAL: Duration = Duration::from_secs(10);
const HEARTBEAT: Duration = Duration::from_secs(300);
/// Fraction of the accounts whose balance changes in an hour.
const CHANGING_PER_HOUR: f64 = 0.02;
/// The simulated stretch of each run (the reference stores about 30 times as many rows, so it runs shorter).
const HEARTBEAT_STRETCH: Duration = Duration::from_secs(3 * 3600);
const REFERENCE_STRETCH: Duration = Duration::from_secs(1200);
const RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);
const TARGET_BYTES: f64 = 100e6;
/// Where the simulated clock starts (2023-11-14).
const START_MS: i64 = 1_700_000_000_000;

/// What one run measured.
struct Run {
    /// File size after the warm-up batch.
    base_bytes: u64,
    /// File growth over the stretch.
    grown_bytes: u64,
    /// Rows added over the stretch.
    stored: u64,
    /// Rows updated in place over the stretch (run confirmations).
    updated: u64,
    /// Samples offered over the stretch.
    offered: u64,
    stretch: Duration,
    took: Duration,
}

impl Run {
    fn bytes_per_sample(&self) -> f64 {
        self.grown_bytes as f64 / self.stored as f64
    }

    fn stored_per_second(&self) -> f64 {
        self.stored as f64 / self.stretch.as_secs_f64()
    }

    fn projected_bytes(&self) -> f64 {
        self.projected_bytes_at(self.bytes_per_sample())
    }

    /// The 7-day size with each added row costing `per_row` bytes.
    fn projected_bytes_at(&self, per_row: f64) -> f64 {
        self.base_bytes as f64 + per_row * self.stored_per_second() * RETENTION.as_secs_f64()
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let changes = run(&dir.path().join("changes.db"), Some(HEARTBEAT), HEARTBEAT_STRETCH);
    let every = run(&dir.path().join("every.db"), None, REFERENCE_STRETCH);

    println!(
        "store size: {ACCOUNTS} quiet accounts every {}s, {:.0}% of them changing an hour, 7-day retention",
        INTERVAL.as_secs(),
        CHANGING_PER_HOUR * 100.0
    );
    report(&format!("runs + {} min heartbeat", HEARTBEAT.as_secs() / 60), &changes);
    report("every sample (reference)", &every);
    // The few hundred rows a quiet stretch adds may fit in pages the file already has (no growth to measure), so
    // the projection prices them at no less than the reference's bytes per row, measured over a million rows.
    let per_row = changes.bytes_per_sample().max(every.bytes_per_sample());
    let projected = changes.projected_bytes_at(per_row);
    println!(
        "  7-day size (added rows at {per_row:.1} bytes each): {} vs target {} ({}); {:.1}x smaller than storing \
         every sample",
        mb(projected),
        mb(TARGET_BYTES),
        if projected < TARGET_BYTES { "met" } else { "missed" },
        every.projected_bytes() / projected
    );
    // A run costs a row per change whatever the heartbeat; what busier accounts would give at that price.
    for per_hour in [0.02, 0.1, 0.5, 1.0, 6.0] {
        let change_rows = ACCOUNTS as f64 * per_hour * RETENTION.as_secs_f64() / 3600.0;
        let bytes = changes.base_bytes as f64 + per_row * change_rows;
        println!("  projected at {per_row:.1} bytes/row with {per_hour:>4} changes per account an hour: {}", mb(bytes));
    }
}

fn report(what: &str, r: &Run) {
    println!(
        "  {what}: {} rows added, {} updated in place, for {} samples over {} simulated min ({:.1}% added) in \
         {:.1}s; {:.1} bytes per stored sample; 7 days: {}",
        r.stored,
        r.updated,
        r.offered,
        r.stretch.as_secs() / 60,
        100.0 * r.stored as f64 / r.offered as f64,
        r.took.as_secs_f64(),
        r.bytes_per_sample(),
        mb(r.projected_bytes())
    );
}

fn mb(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

/// Writes the warm-up batch and the stretch into a new store at `path`.
fn run(path: &std::path::Path, heartbeat: Option<Duration>, stretch: Duration) -> Run {
    let db = Db::open_owned(path).expect("a store file");
    let store = match heartbeat {
        Some(h) => SqliteStore::with_heartbeat(db.clone(), h),
        None => SqliteStore::new(db.clone()),
    };
    let labels: Vec<[(String, String); 2]> = (0..ACCOUNTS)
        .map(|i| [("account".to_string(), format!("0.0.{}", 100_000 + i)), ("label".to_string(), String::new())])
        .collect();
    let mut rng = fastrand::Rng::with_seed(7);
    let mut balances: Vec<f64> = (0..ACCOUNTS).map(|_| rng.i64(1..1_000_000_000_000) as f64 / 1e8).collect();
    let change_per_cycle = CHANGING_PER_HOUR * INTERVAL.as_secs_f64() / 3600.0;
    let batch = |cycle: u64, balances: &[f64]| -> Vec<Sample> {
        let ts = Timestamp::from_millis(START_MS + cycle as i64 * INTERVAL.as_millis() as i64);
        labels
            .iter()
            .zip(balances)
            .map(|(l, b)| Sample {
                name: "account_balance_hbar".into(),
                labels: std::sync::Arc::new(l.iter().cloned().collect()),
                value: *b,
                timestamp: ts,
                error: None,
            })
            .collect()
    };

    store.insert(&batch(0, &balances)).expect("the warm-up batch");
    let base_bytes = settled_size(&db, path);
    let (rows_before, changes_before) = (rows(&db), total_changes(&db));
    let cycles = stretch.as_secs() / INTERVAL.as_secs();
    let started = Instant::now();
    for cycle in 1..=cycles {
        for b in balances.iter_mut() {
            if rng.f64() < change_per_cycle {
                *b += rng.i64(-1_000_000_000..1_000_000_000) as f64 / 1e8;
            }
        }
        store.insert(&batch(cycle, &balances)).expect("a batch");
    }
    let took = started.elapsed();
    let stored = rows(&db) - rows_before;
    Run {
        base_bytes,
        grown_bytes: settled_size(&db, path) - base_bytes,
        stored,
        updated: total_changes(&db) - changes_before - stored,
        offered: cycles * ACCOUNTS as u64,
        stretch,
        took,
    }
}

/// The file's size once the write-ahead log is folded into it.
fn settled_size(db: &Db, path: &std::path::Path) -> u64 {
    db.lock().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").expect("a checkpoint");
    std::fs::metadata(path).expect("the store file").len()
}

/// Rows inserted, updated or deleted on the connection so far.
fn total_changes(db: &Db) -> u64 {
    db.lock().query_row("SELECT total_changes()", [], |r| r.get::<_, i64>(0)).expect("a count") as u64
}

fn rows(db: &Db) -> u64 {
    db.lock().query_row("SELECT COUNT(*) FROM samples", [], |r| r.get::<_, i64>(0)).expect("a count") as u64
}
