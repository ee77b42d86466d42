//! The status page in a real browser: headless Chromium (over WebDriver, see [`crate::webdriver`]) opens the page
//! of the real `hmon serve` on 127.0.0.1, signs in with the API token, and sees the fake mirror's changes arrive
//! live (no reload): a balance changes and an alert starts firing. The browser console must stay clean. A
//! screenshot is saved to `<target>/status-page.png` at the end, or when a wait fails.

use std::path::PathBuf;
use std::time::Duration;

use crate::serve::spawn_serve_with;
use crate::watch::config;
use crate::webdriver::Browser;
use crate::Env;

const TOKEN: &str = "page-token-9c2e";

/// How long the page may take to show a change: two collection cycles of 2 s, with room for a slow machine.
const LIVE: Duration = Duration::from_secs(20);

/// `<target>/status-page.png` (the integration tests' temporary directory is `<target>/tmp`).
fn screenshot_path() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().map_or(tmp.clone(), PathBuf::from).join("status-page.png")
}

#[cfg(unix)]
#[test]
fn the_status_page_signs_in_and_follows_balances_and_alerts_live() {
    let env = Env::start();
    // 50 hbar: above the rule's 10, so nothing fires until the balance falls.
    env.mirror.account("0.0.1001", 5_000_000_000, &[]);
    config(&env, &[], "\n[collect]\ninterval = \"2s\"\n");
    let store = env.dir.path().join("hmon.db");
    let args = ["--listen", "127.0.0.1:0", "--store", store.to_str().expect("utf-8 path")];
    let (_serve, addr, _stderr, _) = spawn_serve_with(&env, &args, &[("HMON_API_TOKEN", TOKEN)]);
    let shot = screenshot_path();

    let browser = Browser::start();
    browser.goto(&format!("http://{addr}/"));
    browser.wait_for(LIVE, &shot, "the sign-in form", |b| {
        b.execute("return !document.getElementById('login').hidden").as_bool().filter(|shown| *shown)
    });
    browser.type_into("#token", TOKEN);
    browser.click("#login-submit");

    let balance = "td[data-balance=\"0.0.1001\"]";
    browser.wait_for(LIVE, &shot, "the balance of 0.0.1001 as 50", |b| b.text(balance).filter(|t| t == "50"));
    assert_eq!(browser.text("#firing tbody").as_deref(), Some("No alert firing"));
    assert!(browser.text("#accounts").is_some_and(|t| t.contains("treasury")));
    // Marks the document: a reload would lose the mark.
    browser.execute("window.hmonNotReloaded = true; return null");

    env.mirror.set_balance("0.0.1001", 500_000_000);
    browser.wait_for(LIVE, &shot, "the balance of 0.0.1001 as 5", |b| b.text(balance).filter(|t| t == "5"));
    let changed = browser.text("td[data-changed=\"0.0.1001\"]").unwrap_or_default();
    assert!(!changed.is_empty() && changed != "never", "the time of the change: {changed:?}");
    let firing = browser.wait_for(LIVE, &shot, "low-balance firing", |b| {
        b.text("#firing tr[data-rule=\"low-balance\"]").filter(|t| t.contains("treasury is low"))
    });
    assert!(firing.contains("label=treasury"), "{firing}");
    assert_eq!(browser.execute("return window.hmonNotReloaded === true"), true, "the page was reloaded");
    // The charts: the fake mirror has no blocks (no lag), the balance has two values in the last hour.
    browser.wait_for(LIVE, &shot, "the balance chart and its text summary", |b| {
        b.text("#balance-summary").filter(|t| t.starts_with("Balance of 0.0.1001 over the last hour: now 5 hbar"))
    });
    assert_eq!(browser.find_all("#balance-chart path.line").len(), 1);
    assert_eq!(browser.text("#lag-summary").as_deref(), Some("Mirror lag: no samples in the last hour."));
    browser.wait_for(LIVE, &shot, "the live stream", |b| b.text("#connection").filter(|t| t == "Live"));

    browser.screenshot(&shot);
    let errors: Vec<_> =
        browser.console().into_iter().filter(|e| e["level"] != "INFO" && e["level"] != "DEBUG").collect();
    assert!(errors.is_empty(), "the browser console has errors or warnings: {errors:#?}");
}
