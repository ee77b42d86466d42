use super::*;

fn ts(secs: i64) -> Timestamp {
    Timestamp { secs, nanos: 0 }
}

fn known(tinybars: i128, hbar_cut: Cut, tokens: &[(u32, i128)], token_cut: Cut) -> Known {
    Known {
        tinybars,
        hbar_cut,
        tokens: tokens.to_vec(),
        token_cut,
        tokens_complete: true,
        hbar_doubt: false,
        token_doubt: false,
    }
}

#[test]
fn a_cut_places_transfers_before_inside_and_after() {
    let exact = Cut::exact(ts(10));
    assert_eq!([ts(9), ts(10), ts(11)].map(|t| exact.place(t)), [Fit::Included, Fit::Included, Fit::After]);
    let bracket = Cut::between(ts(10), ts(20));
    assert_eq!(
        [ts(10), ts(11), ts(20), ts(21)].map(|t| bracket.place(t)),
        [Fit::Included, Fit::Ambiguous, Fit::Ambiguous, Fit::After]
    );
    assert_eq!(Cut::between(ts(10), ts(5)), Cut::exact(ts(10)));
    assert_eq!(bracket.raised_to(ts(15)), Cut::between(ts(15), ts(20)));
    assert_eq!(bracket.raised_to(ts(30)), Cut::exact(ts(30)));
    assert_eq!(bracket.raised_to(ts(1)), bracket);
}

#[test]
fn hbar_transfers_after_the_cut_are_added_once() {
    let mut ledger = Ledger::new(2);
    assert_eq!(ledger.apply_hbar(0, ts(5), 7), Applied::Unknown);
    *ledger.slot(0) = Some(known(100, Cut::exact(ts(10)), &[], Cut::exact(ts(10))));
    // The read's balance.timestamp is 10: a transfer at 10 is in it, one at 11 is not.
    assert_eq!(ledger.apply_hbar(0, ts(10), 7), Applied::Included);
    assert_eq!(ledger.apply_hbar(0, ts(11), -30), Applied::Added);
    assert_eq!(ledger.apply_hbar(0, ts(11), -30), Applied::Included, "the same transaction again");
    let k = ledger.get(0).unwrap();
    assert_eq!((k.tinybars, k.hbar_cut), (70, Cut::exact(ts(11))));
    assert_eq!(ledger.known(), 1);
}

#[test]
fn sums_that_do_not_fit_ask_for_a_read_instead_of_wrapping() {
    let mut ledger = Ledger::new(1);
    *ledger.slot(0) = Some(known(i128::MAX - 1, Cut::ORIGIN, &[(3, i128::MIN + 1)], Cut::ORIGIN));
    assert_eq!(ledger.apply_hbar(0, ts(1), 5), Applied::Overflow);
    assert_eq!(ledger.apply_token(0, 3, ts(1), -5), Applied::Overflow);
    let k = ledger.get(0).unwrap();
    assert_eq!((k.tinybars, k.tokens[0].1), (i128::MAX - 1, i128::MIN + 1), "left as they were");
}

#[test]
fn token_transfers_inside_the_bracket_are_ambiguous() {
    let mut ledger = Ledger::new(1);
    *ledger.slot(0) = Some(known(0, Cut::exact(ts(1)), &[(4, 50)], Cut::between(ts(10), ts(20))));
    assert_eq!(ledger.apply_token(0, 4, ts(10), 1), Applied::Included);
    assert_eq!(ledger.apply_token(0, 4, ts(15), 1), Applied::Ambiguous);
    assert!(ledger.get(0).unwrap().token_doubt);
    assert_eq!(ledger.apply_token(0, 4, ts(21), -20), Applied::Added);
    // A token the account did not hold yet (an automatic association) starts at zero.
    assert_eq!(ledger.apply_token(0, 2, ts(22), 9), Applied::Added);
    let k = ledger.get(0).unwrap();
    assert_eq!((k.tokens.clone(), k.token_cut), (vec![(2, 9), (4, 30)], Cut::exact(ts(22))));
    assert_eq!(k.hbar_cut, Cut::exact(ts(1)), "tokens do not move the hbar cut");
}

#[test]
fn a_partial_token_list_is_not_moved() {
    let mut ledger = Ledger::new(1);
    *ledger.slot(0) = Some(Known { tokens_complete: false, ..known(0, Cut::ORIGIN, &[(1, 5)], Cut::ORIGIN) });
    assert_eq!(ledger.apply_token(0, 1, ts(3), 1), Applied::Unknown);
    assert_eq!(ledger.get(0).unwrap().tokens, [(1, 5)]);
}

#[test]
fn a_starting_stream_takes_earlier_transfers_as_included() {
    let mut ledger = Ledger::new(2);
    *ledger.slot(1) = Some(known(1, Cut::exact(ts(5)), &[], Cut::ORIGIN));
    ledger.raise_cuts(ts(8));
    assert_eq!(ledger.apply_hbar(1, ts(7), 1), Applied::Included);
    assert_eq!(ledger.apply_token(1, 0, ts(8), 1), Applied::Included);
    assert_eq!(ledger.apply_hbar(1, ts(9), 1), Applied::Added);
}

#[test]
fn the_replay_keeps_a_minute_of_deltas_per_account() {
    let mut replay = Replay::default();
    assert!(replay.covers(ts(0)), "nothing was ever dropped");
    replay.restart(ts(100));
    assert!(!replay.covers(ts(99)) && replay.covers(ts(100)));
    for (at, account) in [(101, 0), (130, 1), (150, 0), (170, 0)] {
        replay.push(Delta { at: ts(at), account, token: None, amount: at.into() });
    }
    replay.trim(ts(165));
    assert_eq!(replay.len(), 3, "101 is more than a minute before 165");
    assert!(!replay.covers(ts(104)) && replay.covers(ts(105)));
    let of = replay.of(&HashSet::from([0]));
    let amounts: Vec<i128> = of[&0].iter().map(|d| d.amount).collect();
    assert_eq!((amounts, of.len()), (vec![150, 170], 1));
}
