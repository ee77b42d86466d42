//! A reload checks the Alertmanager forwarding (`[[alertmanagers]]` and its `[serve]` keys) with the rest of the
//! file and applies a change at once, against a fake Alertmanager that records every list posted to it.

use axum::routing::post;
use axum::{Json, Router};
use tokio::sync::watch;

use super::*;

/// A fake Alertmanager on 127.0.0.1: its URL, and every list posted to it, in order.
async fn fake_alertmanager() -> (String, watch::Receiver<Vec<Value>>) {
    let (posts, seen) = watch::channel(Vec::new());
    let app = Router::new().route(
        "/api/v2/alerts",
        post(move |Json(list): Json<Value>| async move {
            posts.send_modify(|all| all.push(list));
            StatusCode::OK
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), seen)
}

/// Waits until a list posted after the first `after` ones satisfies `check`; returns it and how many lists
/// there were then.
async fn posted(
    seen: &mut watch::Receiver<Vec<Value>>,
    after: usize,
    check: impl Fn(&Value) -> bool,
) -> (Value, usize) {
    let found = tokio::time::timeout(WAIT, seen.wait_for(|all| all.iter().skip(after).any(&check))).await;
    let all = found.expect("no such list posted").expect("the fake stopped").clone();
    (all.iter().skip(after).find(|list| check(list)).unwrap().clone(), all.len())
}

/// The `mirror-down` alert of a posted list, firing (ending later than now).
fn mirror_down(list: &Value) -> Option<&Value> {
    let now = crate::timestamp::Timestamp::now();
    list.as_array()?.iter().find(|a| {
        a["labels"]["alertname"] == "mirror-down"
            && a["endsAt"].as_str().and_then(crate::timestamp::Timestamp::parse_rfc3339).is_some_and(|end| end > now)
    })
}

#[tokio::test]
async fn invalid_forwarding_is_refused_on_reload_and_a_valid_change_applies_at_once() {
    let (url, mut seen) = fake_alertmanager().await;
    let config = format!("{CONFIG}\n[serve]\nresend_delay = \"1s\"\n\n[[alertmanagers]]\nurl = \"{url}\"\n");
    let h = harness(&config).await;
    let (first, _) = posted(&mut seen, 0, |list| mirror_down(list).is_some()).await;
    let started = mirror_down(&first).unwrap()["startsAt"].clone();

    for (bad, key) in [
        (config.replace("resend_delay = \"1s\"", "resend_delay = \"100000y\""), "serve.resend_delay"),
        (config.replace("resend_delay = \"1s\"", "resend_delay = \"1s\"\nexternal_labels = { \"a-b\" = \"x\" }"), "serve.external_labels"),
        (config.replace("resend_delay = \"1s\"", "resend_delay = \"1s\"\nexternal_url = \"nope\""), "serve.external_url"),
        (config.replace(&url, "ftp://127.0.0.1:9093"), "alertmanagers"),
        (format!("{config}\n[[alertmanagers]]\nurl = \"http://127.0.0.1:9\"\nbearer_token = \"am-tok-7\"\nbearer_token_file = \"/x\"\n"), "alertmanagers"),
    ] {
        std::fs::write(&h.config, &bad).unwrap();
        let response = h.send("POST", "/-/reload", None).await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "{key}");
        let error = json_of(response).await;
        let message = error["error"]["message"].as_str().unwrap();
        assert_eq!(error["error"]["code"], "config_invalid", "{key}");
        assert!(message.contains("the running one carries on") && message.contains(key), "{message}");
        assert!(!message.contains("am-tok-7"), "{message}");
    }
    // The old forwarding carries on: lists keep coming, as before.
    let count = seen.borrow().len();
    let (list, _) = posted(&mut seen, count, |list| mirror_down(list).is_some()).await;
    assert!(mirror_down(&list).unwrap()["labels"].get("region").is_none(), "{list}");

    let labelled =
        config.replace("resend_delay = \"1s\"", "resend_delay = \"1s\"\nexternal_labels = { region = \"eu\" }");
    std::fs::write(&h.config, &labelled).unwrap();
    let response = h.send("POST", "/-/reload", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let reloaded = json_of(response).await;
    assert_eq!(reloaded["forwarding_changed"], true, "{reloaded}");
    assert_eq!((reloaded["restarted"].as_bool(), reloaded["serve_changed"].as_bool()), (Some(false), Some(false)));
    let in_region = |list: &Value| mirror_down(list).is_some_and(|a| a["labels"]["region"] == "eu");
    let (list, count) = posted(&mut seen, 0, in_region).await;
    assert_eq!(mirror_down(&list).unwrap()["startsAt"], started, "the same alert, still firing: {list}");
    // And it goes on being re-sent with its new labels.
    posted(&mut seen, count, in_region).await;
}

#[tokio::test]
async fn alertmanagers_added_and_removed_on_reload_start_and_stop_forwarding() {
    let h = harness(CONFIG).await;
    assert!(h.outputs.model.handle().read().alertmanager.per_alertmanager.is_empty());
    let (url, mut seen) = fake_alertmanager().await;
    std::fs::write(
        &h.config,
        format!("{CONFIG}\n[serve]\nresend_delay = \"1s\"\n\n[[alertmanagers]]\nurl = \"{url}\"\n"),
    )
    .unwrap();
    let response = h.send("POST", "/-/reload", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_of(response).await["forwarding_changed"], true);
    posted(&mut seen, 0, |list| mirror_down(list).is_some()).await;
    h.until("the alertmanager counted", |m| m.alertmanager.per_alertmanager.get(&url).is_some_and(|t| t.up)).await;

    std::fs::write(&h.config, CONFIG).unwrap();
    let response = h.send("POST", "/-/reload", None).await;
    assert_eq!(json_of(response).await["forwarding_changed"], true);
    h.until("no alertmanager counted", |m| m.alertmanager.per_alertmanager.is_empty()).await;
}
