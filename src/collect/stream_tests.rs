use super::*;
use crate::collect::accounts::WatchedAccount;
use crate::collect::ledger::{Cut, Known};
use crate::mirror::models::TransactionsPage;

fn ts(secs: i64, nanos: u32) -> Timestamp {
    Timestamp { secs, nanos }
}

fn watch(ids: &[&str]) -> WatchList {
    WatchList::new(ids.iter().map(|id| WatchedAccount { id: id.parse().unwrap(), label: String::new() }).collect())
}

fn zero(cut: Cut) -> Option<Known> {
    Some(Known {
        tinybars: 0,
        hbar_cut: cut,
        tokens: Vec::new(),
        token_cut: cut,
        tokens_complete: true,
        hbar_doubt: false,
        token_doubt: false,
    })
}

/// The transactions of a fixture's first 200 body, oldest first (as the stream reads them).
fn fixture(name: &str) -> Vec<Transaction> {
    let path = format!("{}/tests/fixtures/mirror/{name}", env!("CARGO_MANIFEST_DIR"));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let body = doc.get("tests").map_or(&doc, |t| &t[0])["responseJson"].clone();
    let mut txs = serde_json::from_value::<TransactionsPage>(body).unwrap().transactions;
    txs.sort_by_key(|t| t.consensus_timestamp.parse::<Timestamp>().unwrap());
    txs
}

struct Setup {
    watch: WatchList,
    tokens: TokenTable,
    ledger: Ledger,
    stream: Stream,
    effects: Effects,
}

impl Setup {
    /// `ids` watched, each known at zero as of the origin, the stream started at the origin.
    fn new(ids: &[&str]) -> Setup {
        let watch = watch(ids);
        let mut ledger = Ledger::new(watch.len());
        for a in 0..watch.len() as u32 {
            *ledger.slot(a) = zero(Cut::ORIGIN);
        }
        let mut stream = Stream::default();
        stream.start(Cut::ORIGIN.hi, HashMap::new(), None);
        Setup { effects: Effects::new(watch.len()), watch, tokens: TokenTable::default(), ledger, stream }
    }

    fn apply(&mut self, page: &[Transaction]) {
        let mut book = Book { watch: &self.watch, tokens: &mut self.tokens, ledger: &mut self.ledger };
        self.stream.apply_page(page, &mut book, &mut self.effects);
    }

    fn tinybars(&self, id: &str) -> i128 {
        self.ledger.get(self.watch.find(id).unwrap()).unwrap().tinybars
    }

    fn token(&self, id: &str, token: &str) -> Option<i128> {
        let t = self.tokens.lookup(token)?;
        let k = self.ledger.get(self.watch.find(id).unwrap()).unwrap();
        k.tokens.iter().find(|(x, _)| *x == t).map(|(_, v)| *v)
    }

    fn count(&self, id: &str) -> u32 {
        self.effects.counts[self.watch.find(id).unwrap() as usize]
    }
}

#[test]
fn every_transfer_of_the_real_page_adds_up_in_i128() {
    let mut s = Setup::new(&["0.0.8", "0.0.9", "0.0.10", "0.0.98", "0.0.200"]);
    let page = fixture("transactions__no-params.json");
    s.apply(&page);
    assert_eq!(s.effects.transactions, 8);
    assert_eq!(s.stream.cursor, Some(ts(1_234_567_890, 5)));
    assert_eq!(s.tinybars("0.0.8"), -3 * 3 - 31 - 31);
    // Amounts near i64::MAX: their sum only fits in i128.
    assert_eq!(s.tinybars("0.0.9"), 30 + 30 + 20 + 9_223_372_036_847_275_807);
    assert_eq!(s.tinybars("0.0.10"), -3 - 21 - 9_223_372_036_847_275_808);
    assert_eq!(s.tinybars("0.0.98"), 8, "the fee collector's share of every transaction");
    assert_eq!(s.token("0.0.200", "0.0.90000"), Some(9_223_372_036_847_275_807));
    assert_eq!(s.token("0.0.10", "0.0.90000"), Some(-9_223_372_036_847_275_807));
    // Counted once per transaction that names them (payer or any transfer); the scheduled child is its own.
    let counts: Vec<u32> = ["0.0.8", "0.0.9", "0.0.10", "0.0.98", "0.0.200"].iter().map(|id| s.count(id)).collect();
    assert_eq!(counts, [5, 4, 3, 8, 1]);
    assert_eq!(s.effects.token_lists, [s.watch.find("0.0.10").unwrap(), s.watch.find("0.0.200").unwrap()]);
    // The same page again (a restart from an older cursor): nothing moves twice, nothing counts twice.
    s.effects = Effects::new(5);
    s.apply(&page);
    assert_eq!((s.tinybars("0.0.8"), s.count("0.0.8"), s.effects.transactions), (-71, 0, 0));
}

#[test]
fn a_staking_reward_is_counted_once() {
    let mut s = Setup::new(&["0.0.8", "0.0.800"]);
    s.apply(&fixture("accounts__id__no-params.json"));
    // 0.0.8 received 25 and 10, paid 11, and 900 of reward (in `transfers` and again in
    // `staking_reward_transfers`).
    assert_eq!(s.tinybars("0.0.8"), 25 - 11 + 900);
    assert_eq!(s.tinybars("0.0.800"), -901);
}

#[test]
fn a_read_cut_decides_what_the_stream_adds() {
    let mut s = Setup::new(&["0.0.8", "0.0.9"]);
    // 0.0.9 was read with balance.timestamp .3: the transfers at .1, .2 and .3 are in its balance already.
    *s.ledger.slot(1) = zero(Cut::exact(ts(1_234_567_890, 3)));
    s.apply(&fixture("transactions__no-params.json"));
    assert_eq!(s.tinybars("0.0.9"), 30, "only the one at .5");
    // The replay keeps the deltas of the last minute for reads to come: not 0.0.8's three at 1234567800.
    assert_eq!(s.stream.replay.len(), 5 + 4 - 3);
}

#[test]
fn floors_stop_counting_but_not_balances() {
    let mut s = Setup::new(&["0.0.8", "0.0.9"]);
    let floor = ts(1_234_567_890, 3);
    s.stream.start(Cut::ORIGIN.hi, HashMap::from([(0, floor)]), Some(ts(1_234_567_890, 1)));
    s.apply(&fixture("transactions__no-params.json"));
    assert_eq!((s.count("0.0.8"), s.count("0.0.9")), (1, 3), "0.0.8 after .3, the others after .1");
    assert_eq!(s.tinybars("0.0.8"), -71);
}

#[test]
fn ambiguous_transfers_and_unknown_accounts() {
    let mut s = Setup::new(&["0.0.8", "0.0.9", "0.0.10"]);
    *s.ledger.slot(1) = zero(Cut::between(ts(1_234_567_890, 0), ts(1_234_567_890, 2)));
    *s.ledger.slot(2) = None;
    s.apply(&fixture("transactions__no-params.json"));
    // 0.0.9 received at .1 and .2, inside its read's bracket: read it again. 0.0.10 has no balance yet: nothing to
    // move, but its deltas wait in the replay for its first read.
    assert_eq!(s.effects.reread, [1, 1]);
    assert_eq!(s.tinybars("0.0.9"), 60);
    assert!(s.ledger.get(2).is_none());
    assert_eq!(s.count("0.0.10"), 3);
}

#[test]
fn nft_transfers_move_counts_and_bad_timestamps_are_skipped() {
    let mut s = Setup::new(&["0.0.8", "0.0.9"]);
    let tx = |at: &str, sender: Option<&str>, receiver: Option<&str>| {
        serde_json::from_value::<Transaction>(serde_json::json!({
            "transaction_id": "0.0.2-1-0", "consensus_timestamp": at, "name": "CRYPTOTRANSFER", "result": "SUCCESS",
            "transfers": null,
            "nft_transfers": [{"is_approval": false, "receiver_account_id": receiver,
                "sender_account_id": sender, "serial_number": 1, "token_id": "0.0.77"}]
        }))
        .unwrap()
    };
    s.apply(&[
        tx("5.0", None, Some("0.0.8")),
        tx("nonsense", Some("0.0.8"), Some("0.0.9")),
        tx("6.0", Some("0.0.8"), Some("0.0.9")),
    ]);
    assert_eq!((s.token("0.0.8", "0.0.77"), s.token("0.0.9", "0.0.77")), (Some(0), Some(1)));
    assert_eq!((s.count("0.0.8"), s.count("0.0.9")), (2, 1));
    assert_eq!(s.effects.skipped, ["transaction 0.0.2-1-0: invalid consensus timestamp"]);
    assert_eq!(s.stream.cursor, Some(ts(6, 0)));
}

#[test]
fn the_rate_is_measured_in_consensus_time_or_to_the_head() {
    let mut stream = Stream::default();
    stream.start(ts(100, 0), HashMap::new(), None);
    stream.cursor = Some(ts(110, 0));
    stream.measure(Some(ts(100, 0)), 500, Duration::from_secs(2));
    assert_eq!(stream.rate, Some(50.0), "catching up: 500 over 10 s of consensus time");
    stream.at_head = true;
    stream.measure(Some(ts(110, 0)), 100, Duration::from_secs(10));
    assert_eq!(stream.rate, Some(30.0), "at the head: 100 over the 10 s since, smoothed with 50");
}
