use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderValue};

use super::*;

fn cookie_header(text: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::COOKIE, HeaderValue::from_str(text).unwrap());
    headers
}

#[test]
fn the_cookie_is_named_after_the_port() {
    assert_eq!(Sessions::new(8754).cookie_name(), "hmon_session_8754");
    assert_eq!(Sessions::new(8755).cookie_name(), "hmon_session_8755");
    let set = Sessions::new(8755).set_cookie("v", 10, false);
    assert_eq!(set, "hmon_session_8755=v; HttpOnly; SameSite=Strict; Path=/; Max-Age=10");
    let sessions = Sessions::new(1);
    let shown = format!("{sessions:?}");
    assert!(shown.contains("hmon_session_1") && !shown.contains(&hex::encode(sessions.0.key)), "{shown}");
}

#[test]
fn a_session_verifies_until_it_expires_and_only_with_its_key() {
    let sessions = Sessions::new(8754);
    let value = sessions.issue(1000);
    assert!(sessions.verify(&value, 1000).is_some());
    assert_eq!(sessions.verify(&value, 1000 + SESSION_LIFETIME - 1).map(|g| g.expiry), Some(1000 + SESSION_LIFETIME));
    assert_eq!(sessions.verify(&value, 1000 + SESSION_LIFETIME), None);
    for bad in ["", "1.2", "a.b.c", "1.2.3.4", &format!("{value}0"), &format!("{value}.")] {
        assert_eq!(sessions.verify(bad, 0), None, "{bad}");
    }
    assert_ne!(sessions.issue(1000), value, "each session has its own nonce");
}

/// Values of the right shape that this server did not issue as they are.
#[test]
fn forged_values_do_not_verify() {
    let sessions = Sessions::new(8754);
    let value = sessions.issue(1000);
    let [expiry, nonce, mac] = <[&str; 3]>::try_from(value.split('.').collect::<Vec<_>>()).unwrap();
    // Another key (another process, or the same port after a restart), well formed in every part.
    let other = Sessions::new(8754).issue(1000);
    assert_eq!(sessions.verify(&other, 1000), None, "signed with another key");
    // A later expiry with the original mac: the mac covers the expiry.
    let extended = format!("{}.{nonce}.{mac}", expiry.parse::<u64>().unwrap() + SESSION_LIFETIME);
    assert_eq!(sessions.verify(&extended, 1000 + SESSION_LIFETIME), None, "a later expiry");
    // Another nonce with the original mac: the mac covers the nonce.
    let renonced = format!("{expiry}.{}.{mac}", "0".repeat(32));
    assert_eq!(sessions.verify(&renonced, 1000), None, "another nonce");
    // A mac of the right length but not this one (one bit flipped).
    let mut bytes = hex::decode(mac).unwrap();
    bytes[31] ^= 1;
    assert_eq!(sessions.verify(&format!("{expiry}.{nonce}.{}", hex::encode(bytes)), 1000), None, "a changed mac");
    // Truncated or empty macs are not a prefix match.
    assert_eq!(sessions.verify(&format!("{expiry}.{nonce}.{}", &mac[..32]), 1000), None, "half a mac");
    assert_eq!(sessions.verify(&format!("{expiry}.{nonce}."), 1000), None, "no mac");
    assert!(sessions.verify(&value, 1000).is_some(), "the genuine value still verifies");
}

#[test]
fn only_cookies_of_this_servers_name_count() {
    let here = Sessions::new(8754);
    let value = here.issue(now_secs());
    let valid = |text: &str| here.lookup(&cookie_header(text));
    assert!(matches!(valid(&format!("a=1; hmon_session_8754={value}; b=2")), Lookup::Valid(_)));
    // The same valid value under another instance's name, or the name of older versions, is not this session.
    assert_eq!(valid(&format!("hmon_session_8755={value}")), Lookup::Absent);
    assert_eq!(valid(&format!("hmon_session={value}")), Lookup::Absent);
    assert_eq!(valid(&format!("xhmon_session_8754={value}")), Lookup::Absent);
    assert_eq!(valid("hmon_session_8754=x.y.z"), Lookup::Invalid);
    // A browser may send two cookies of one name: one valid is enough, whichever comes first.
    assert!(matches!(valid(&format!("hmon_session_8754=stale; hmon_session_8754={value}")), Lookup::Valid(_)));
    // Two instances' cookies side by side: each reads its own.
    let there = Sessions::new(8755);
    let theirs = there.issue(now_secs());
    let both = cookie_header(&format!("hmon_session_8755={theirs}; hmon_session_8754={value}"));
    assert!(matches!(here.lookup(&both), Lookup::Valid(_)));
    assert!(matches!(there.lookup(&both), Lookup::Valid(_)));
}

#[test]
fn a_revoked_session_stops_verifying_and_is_forgotten_once_expired() {
    let sessions = Sessions::new(8754);
    let first = sessions.issue(1000);
    let second = sessions.issue(1000);
    let grant = sessions.verify(&first, 1000).unwrap();
    sessions.revoke(&grant, 1000);
    assert_eq!(sessions.verify(&first, 1000), None);
    assert!(sessions.verify(&second, 1000).is_some(), "only that session ends");
    assert_eq!(sessions.revoked_count(), 1);
    // Revoking again changes nothing; a revocation after the first session's expiry drops its entry.
    sessions.revoke(&grant, 1001);
    assert_eq!(sessions.revoked_count(), 1);
    let later = sessions.issue(1000 + SESSION_LIFETIME);
    let later_grant = sessions.verify(&later, 1000 + SESSION_LIFETIME).unwrap();
    sessions.revoke(&later_grant, 1000 + SESSION_LIFETIME);
    assert_eq!(sessions.revoked_count(), 1, "the expired entry is pruned, the new one kept");
    // An expired session is not remembered at all.
    sessions.revoke(&grant, 1000 + SESSION_LIFETIME);
    assert_eq!(sessions.revoked_count(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_session_ends_at_its_expiry() {
    let sessions = Sessions::new(8754);
    let grant = sessions.verify(&sessions.issue(now_secs()), now_secs()).unwrap();
    let ended = sessions.ended(grant);
    tokio::pin!(ended);
    // Tokio's clock is paused: it jumps to each timer, so twelve hours pass at once. The wall clock may tick one
    // second between issuing and measuring, hence the margin.
    let early = tokio::time::timeout(Duration::from_secs(SESSION_LIFETIME - 2), ended.as_mut()).await;
    assert!(early.is_err(), "ended before its expiry");
    let on_time = tokio::time::timeout(Duration::from_secs(3), ended.as_mut()).await;
    assert!(on_time.is_ok(), "not ended at its expiry");
}

#[tokio::test(start_paused = true)]
async fn a_session_ends_when_revoked_and_another_does_not() {
    let sessions = Sessions::new(8754);
    let mine = sessions.verify(&sessions.issue(now_secs()), now_secs()).unwrap();
    let other = sessions.verify(&sessions.issue(now_secs()), now_secs()).unwrap();
    let (mine_ended, other_ended) = (sessions.ended(mine.clone()), sessions.ended(other));
    tokio::pin!(mine_ended, other_ended);
    assert!(tokio::time::timeout(Duration::from_secs(60), mine_ended.as_mut()).await.is_err());
    sessions.revoke(&mine, now_secs());
    // No time needs to pass: the revocation wakes it.
    assert!(futures::poll!(mine_ended.as_mut()).is_ready(), "not ended by the revocation");
    assert!(futures::poll!(other_ended.as_mut()).is_pending(), "another session ended too");
    // A session already revoked when the stream opens ends at once.
    assert!(futures::poll!(std::pin::pin!(sessions.ended(mine))).is_ready());
}
