use super::*;
use crate::mirror::models::{ListedBalance, TokenAmount};

fn ts(secs: i64) -> Timestamp {
    Timestamp { secs, nanos: 0 }
}

fn listed(tinybars: Option<i64>, timestamp: Option<&str>, tokens: &[(&str, i64)]) -> ListedAccount {
    let tokens = tokens.iter().map(|(t, b)| TokenAmount { token_id: t.to_string(), balance: *b }).collect();
    ListedAccount {
        account: "0.0.5".into(),
        balance: Some(ListedBalance { balance: tinybars, timestamp: timestamp.map(str::to_string), tokens }),
        deleted: None,
    }
}

fn read(tinybars: i128, hbar_cut: Cut, tokens: &[(u32, i128)], token_cut: Cut) -> Read {
    Read { tinybars, hbar_cut, tokens: tokens.to_vec(), token_cut, tokens_complete: true }
}

fn hbar(at: i64, amount: i128) -> Delta {
    Delta { at: ts(at), account: 0, token: None, amount }
}

fn token(at: i64, token: u32, amount: i128) -> Delta {
    Delta { at: ts(at), account: 0, token: Some(token), amount }
}

#[test]
fn a_listed_account_reads_with_an_exact_hbar_cut_and_a_token_bracket() {
    let mut tokens = TokenTable::default();
    let r =
        Read::of(&listed(Some(80), Some("100.000000005"), &[("0.0.9", 3), ("0.0.7", 4)]), ts(90), ts(130), &mut tokens)
            .unwrap();
    let (seven, nine) = (tokens.intern("0.0.7"), tokens.intern("0.0.9"));
    assert_eq!(r.hbar_cut, Cut::exact(Timestamp { secs: 100, nanos: 5 }));
    assert_eq!((r.token_cut, r.tokens_complete), (Cut::between(ts(90), ts(130)), true));
    let mut want = vec![(nine, 3), (seven, 4)];
    want.sort();
    assert_eq!((r.tinybars, r.tokens), (80, want));
    // No timestamp: the hbar balance gets the bracket too. No balance: nothing to read.
    let r = Read::of(&listed(Some(1), None, &[]), ts(90), ts(130), &mut tokens).unwrap();
    assert_eq!(r.hbar_cut, Cut::between(ts(90), ts(130)));
    assert!(Read::of(&listed(None, Some("1.0"), &[]), ts(90), ts(130), &mut tokens).is_none());
    assert!(
        Read::of(&ListedAccount { account: "0.0.5".into(), ..Default::default() }, ts(1), ts(2), &mut tokens).is_none()
    );
    let fifty: Vec<(String, i64)> = (0..50).map(|i| (format!("0.0.{}", 1000 + i), 1)).collect();
    let fifty: Vec<(&str, i64)> = fifty.iter().map(|(t, b)| (t.as_str(), *b)).collect();
    assert!(!Read::of(&listed(Some(1), None, &fifty), ts(1), ts(2), &mut tokens).unwrap().tokens_complete);
}

#[test]
fn a_first_read_is_brought_up_to_the_cursor_by_the_replay() {
    let mut slot = None;
    // balance.timestamp 100: the transfer at 100 is in the balance; those at 104 and 108 came after the read's cut
    // and the stream already passed them.
    let deltas = [hbar(100, 5), hbar(104, -30), token(106, 1, 9), hbar(108, 2)];
    let merged =
        merge(&mut slot, read(1000, Cut::exact(ts(100)), &[], Cut::between(ts(95), ts(103))), &deltas, Some(ts(110)));
    assert_eq!(merged, Merged::default());
    let k = slot.unwrap();
    assert_eq!((k.tinybars, k.hbar_cut), (972, Cut::exact(ts(108))));
    assert_eq!((k.tokens, k.token_cut), (vec![(1, 9)], Cut::exact(ts(106))));
}

#[test]
fn a_token_transfer_inside_the_bracket_asks_for_another_read() {
    let mut slot = None;
    let deltas = [token(99, 1, 5), token(101, 1, 7), token(120, 1, 1)];
    let merged = merge(
        &mut slot,
        read(0, Cut::exact(ts(1)), &[(1, 50)], Cut::between(ts(100), ts(110))),
        &deltas,
        Some(ts(120)),
    );
    assert_eq!(merged, Merged { drift: false, reread: true });
    let k = slot.unwrap();
    assert!(k.token_doubt && !k.hbar_doubt);
    assert_eq!(k.tokens, [(1, 51)], "101 is left out (maybe in the read already), 120 is added");
}

#[test]
fn reads_lined_up_at_the_cursor_must_agree() {
    let known = |tinybars, tokens: &[(u32, i128)]| {
        Some(Known {
            tinybars,
            hbar_cut: Cut::exact(ts(50)),
            tokens: tokens.to_vec(),
            token_cut: Cut::exact(ts(60)),
            tokens_complete: true,
            hbar_doubt: false,
            token_doubt: false,
        })
    };
    let fresh = || read(700, Cut::exact(ts(40)), &[(2, 8), (3, 0)], Cut::between(ts(80), ts(95)));
    // Both include exactly the transfers up to the cursor at 100: the same amounts, no drift.
    let mut slot = known(700, &[(2, 8)]);
    assert_eq!(merge(&mut slot, fresh(), &[], Some(ts(100))), Merged::default());
    assert_eq!(slot.as_ref().unwrap().token_cut, Cut::between(ts(80), ts(95)));
    // Different amounts: drift, and the read wins.
    let mut slot = known(650, &[(2, 8)]);
    assert!(merge(&mut slot, fresh(), &[], Some(ts(100))).drift);
    assert_eq!(slot.as_ref().unwrap().tinybars, 700);
    let mut slot = known(700, &[(2, 9)]);
    assert!(merge(&mut slot, fresh(), &[], Some(ts(100))).drift);
    assert_eq!(slot.unwrap().tokens, [(2, 8), (3, 0)]);
}

#[test]
fn a_newer_read_replaces_and_an_older_one_is_ignored() {
    let known = |tinybars, at| {
        Some(Known {
            tinybars,
            hbar_cut: Cut::exact(ts(at)),
            tokens: Vec::new(),
            token_cut: Cut::exact(ts(at)),
            tokens_complete: true,
            hbar_doubt: false,
            token_doubt: false,
        })
    };
    // The stream is behind (cursor 10): a read with balance.timestamp 30 knows more than it; no drift.
    let mut slot = known(1, 10);
    assert_eq!(
        merge(&mut slot, read(5, Cut::exact(ts(30)), &[], Cut::between(ts(25), ts(35))), &[], Some(ts(10))),
        Merged::default()
    );
    assert_eq!(slot.as_ref().unwrap().tinybars, 5);
    // A read older than what is known (balance.timestamp 20 < 30, both after the cursor) changes nothing.
    assert_eq!(
        merge(&mut slot, read(3, Cut::exact(ts(20)), &[], Cut::between(ts(15), ts(22))), &[], Some(ts(10))),
        Merged::default()
    );
    let k = slot.as_ref().unwrap();
    assert_eq!((k.tinybars, k.hbar_cut), (5, Cut::exact(ts(30))));
    // The same balance.timestamp twice: they must agree.
    assert!(merge(&mut slot, read(6, Cut::exact(ts(30)), &[], Cut::between(ts(25), ts(40))), &[], Some(ts(10))).drift);
}

#[test]
fn an_unsure_read_keeps_sure_balances_and_replaces_doubtful_ones() {
    let sure = Known {
        tinybars: 10,
        hbar_cut: Cut::exact(ts(5)),
        tokens: vec![(1, 4)],
        token_cut: Cut::exact(ts(5)),
        tokens_complete: true,
        hbar_doubt: false,
        token_doubt: false,
    };
    let unsure_read = || read(10, Cut::exact(ts(5)), &[(1, 6)], Cut::between(ts(90), ts(99)));
    let deltas = [token(95, 1, 2)];
    let mut slot = Some(sure.clone());
    assert!(merge(&mut slot, unsure_read(), &deltas, Some(ts(100))).reread);
    assert_eq!(slot.as_ref(), Some(&sure), "kept; read again soon");
    let mut slot = Some(Known { token_doubt: true, ..sure });
    assert!(merge(&mut slot, unsure_read(), &deltas, Some(ts(100))).reread);
    let k = slot.unwrap();
    assert_eq!((k.tokens, k.token_doubt, k.hbar_doubt), (vec![(1, 6)], true, false));
}

#[test]
fn a_partial_token_list_never_replaces_a_complete_one() {
    let mut slot = Some(Known {
        tinybars: 1,
        hbar_cut: Cut::exact(ts(5)),
        tokens: vec![(1, 4), (2, 9)],
        token_cut: Cut::exact(ts(5)),
        tokens_complete: true,
        hbar_doubt: false,
        token_doubt: false,
    });
    let partial = Read { tokens_complete: false, ..read(1, Cut::exact(ts(6)), &[(1, 4)], Cut::between(ts(6), ts(8))) };
    assert_eq!(merge(&mut slot, partial, &[], Some(ts(10))), Merged::default());
    let k = slot.as_ref().unwrap();
    assert_eq!((k.hbar_cut, k.tokens.len(), k.tokens_complete), (Cut::exact(ts(6)), 2, true));
    // The account's own list is complete: it lines up like a read's tokens.
    let merged =
        merge_token_list(&mut slot, vec![(2, 9), (1, 3)], Cut::between(ts(8), ts(9)), &[token(9, 1, 1)], Some(ts(10)));
    assert_eq!(merged, Merged { drift: false, reread: true });
    assert_eq!(slot.as_ref().unwrap().tokens, [(1, 4), (2, 9)], "kept: the list met an ambiguous transfer");
    let merged =
        merge_token_list(&mut slot, vec![(2, 9), (1, 3)], Cut::between(ts(8), ts(9)), &[token(10, 1, 1)], Some(ts(10)));
    assert_eq!(merged, Merged::default());
    assert_eq!(slot.unwrap().tokens, [(1, 4), (2, 9)]);
    let mut empty = None;
    assert_eq!(merge_token_list(&mut empty, vec![(1, 1)], Cut::ORIGIN, &[], None), Merged::default());
    assert!(empty.is_none());
}

#[test]
fn the_plan_reads_again_then_warms_up_then_rotates() {
    let mut queue = ReadQueue::new(250);
    queue.missing[3] = true;
    queue.read_again(7);
    queue.read_again(7);
    // Accounts 0..=219 have no balance; 3 is not on the mirror.
    let unknown = |a: u32| a < 220;
    let (lists, more) = queue.plan(2, unknown);
    assert_eq!(lists.len(), 2);
    assert_eq!(lists[0][..3], [7, 0, 1], "the re-read first, once");
    assert!(!lists.concat().contains(&3));
    assert!(more, "200 ids fit, 218 wait");
    let (lists, more) = queue.plan(2, |a| (190..220).contains(&a));
    assert_eq!((lists.len(), lists[0].len(), more), (1, 30, false), "no rotation during the warm-up");
    let (lists, _) = queue.plan(2, |_| false);
    assert_eq!((lists.len(), lists[0][0], lists[0][99]), (1, 0, 99));
    let (lists, _) = queue.plan(2, |_| false);
    assert_eq!((lists[0][0], lists[0][99]), (100, 199));
    let (lists, _) = queue.plan(2, |_| false);
    assert_eq!((lists[0][0], lists[0][49], lists[0][50]), (200, 249, 0), "it wraps around");
    assert!(queue.plan(0, |_| false).0.is_empty(), "no budget, no reads");
    queue.read_token_list(4);
    queue.read_token_list(4);
    queue.read_token_list(5);
    queue.read_token_list(6);
    queue.read_token_list(7);
    assert!(queue.pending());
    assert_eq!(queue.token_lists(1, |_| true), [4]);
    assert_eq!(queue.token_lists(5, |a| a != 6), [5, 7], "6 no longer needs its list: it leaves the queue");
    assert!(!queue.pending());
}

#[test]
fn a_partial_token_list_keeps_the_doubt_for_the_accounts_own_list() {
    let doubtful = Known {
        tinybars: 10,
        hbar_cut: Cut::exact(ts(5)),
        tokens: vec![(1, 4)],
        token_cut: Cut::between(ts(90), ts(99)),
        tokens_complete: true,
        hbar_doubt: false,
        token_doubt: true,
    };
    let mut slot = Some(doubtful);
    let partial =
        Read { tokens_complete: false, ..read(10, Cut::exact(ts(5)), &[(1, 6)], Cut::between(ts(100), ts(110))) };
    merge(&mut slot, partial, &[], Some(ts(120)));
    let k = slot.unwrap();
    assert!(k.token_doubt, "still in doubt: only the account's own token list can settle it");
    assert!(!k.hbar_doubt);
}
