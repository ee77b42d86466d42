//! `hmon balance`: hbar and token balances of one or more accounts.

use std::pin::pin;

use anyhow::Context as _;
use clap::Args;
use futures::future::{self, Either};
use futures::{stream, StreamExt};
use serde::Serialize;

use super::{not_found_as, Context};
use crate::error::most_serious;
use crate::hbar;
use crate::ids::AccountRef;
use crate::mirror::MirrorClient;
use crate::output::{Cell, Tone};
use crate::timestamp::Timestamp;

#[derive(Debug, Args)]
pub struct BalanceArgs {
    /// Accounts: 0.0.N, 0.0.N-checksum (HIP-15) or an EVM address (0x + 40 hex digits)
    #[arg(required = true, value_name = "ACCOUNT")]
    pub accounts: Vec<String>,
}

/// One account's balances, as `--json` prints them.
#[derive(Debug, Serialize)]
pub struct Balance {
    /// `shard.realm.num`.
    pub account: String,
    pub evm_address: Option<String>,
    pub tinybars: i64,
    /// Exact hbar with eight decimals, e.g. "12.34567800".
    pub hbar: String,
    /// The mirror's balance timestamp, as given.
    pub timestamp: Option<String>,
    pub deleted: bool,
    pub tokens: Vec<TokenBalance>,
}

/// A fungible token balance in the token's smallest unit.
#[derive(Debug, Serialize)]
pub struct TokenBalance {
    pub token_id: String,
    pub balance: i64,
    pub decimals: i64,
}

pub async fn run(ctx: &Context, args: BalanceArgs) -> anyhow::Result<()> {
    let accounts = args.accounts.iter().map(|a| ctx.parse_account(a)).collect::<Result<Vec<_>, _>>()?;
    let client = ctx.mirror()?;
    let spinner = ctx.out.spinner("fetching balances");
    let results: Vec<anyhow::Result<Balance>> = stream::iter(&accounts)
        .map(|account| fetch(ctx, client, account))
        .buffered(ctx.settings.mirror.concurrency)
        .collect()
        .await;
    spinner.finish_and_clear();

    let mut balances = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(b) => balances.push(b),
            Err(e) => errors.push(e),
        }
    }
    if let Some(worst) = most_serious(&errors) {
        // Every failure is reported, in the order the accounts were given; the most serious one decides the exit
        // code and is reported last. Nothing goes to stdout.
        let decisive = errors.remove(worst);
        errors.iter().for_each(crate::error::print);
        return Err(decisive);
    }
    if ctx.out.json {
        return ctx.out.json(&balances);
    }
    let rows: Vec<Vec<Cell>> = balances.iter().map(row).collect();
    ctx.out.table(&["Account", "Balance", "Tokens", "As of"], &rows)
}

/// One request for the account and one for its token relationships (balances with decimals).
///
/// An id needs no resolving, so both requests go out together; once the account is in, a tokens answer it does not
/// need (the account holds no tokens, or failed) is dropped, in flight or not. An EVM address is resolved by the
/// first request, so there (and with `concurrency = 1`, one request at a time) the tokens are asked for afterwards,
/// only when the account holds some. Either way the account's own failure, not found above all, is what is reported.
async fn fetch(ctx: &Context, client: &MirrorClient, account: &AccountRef) -> anyhow::Result<Balance> {
    let not_found = || format!("account {account} not found on {}", ctx.network_name());
    let asked = match account {
        AccountRef::Id(id) if ctx.settings.mirror.concurrency > 1 => Some(id.to_string()),
        _ => None,
    };
    let mut early_tokens = pin!(async {
        match &asked {
            Some(id) => client.account_tokens(id).await,
            None => future::pending().await,
        }
    });
    let (found, tokens_in) = match future::select(pin!(client.account(account)), early_tokens.as_mut()).await {
        Either::Left((found, _)) => (found, None),
        Either::Right((tokens, account_req)) => (account_req.await, Some(tokens)),
    };
    let found = found.map_err(|e| not_found_as(e, not_found))?;
    let balance = found.balance.unwrap_or_default();
    let tokens = if balance.tokens.is_empty() {
        Vec::new()
    } else {
        // The mirror names the account as asked; should it ever not, ask again under the name it gives.
        let relationships = match tokens_in {
            _ if asked.as_deref() != Some(found.account.as_str()) => client.account_tokens(&found.account).await,
            Some(tokens) => tokens,
            None => early_tokens.await,
        };
        relationships
            .with_context(|| format!("fetching token balances of {}", found.account))?
            .into_iter()
            .map(|t| TokenBalance { token_id: t.token_id, balance: t.balance, decimals: t.decimals })
            .collect()
    };
    Ok(Balance {
        account: found.account,
        evm_address: found.evm_address,
        tinybars: balance.balance,
        hbar: hbar::hbar(balance.balance),
        timestamp: balance.timestamp,
        deleted: found.deleted.unwrap_or(false),
        tokens,
    })
}

fn row(b: &Balance) -> Vec<Cell> {
    let tokens: Vec<String> = b
        .tokens
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                hbar::format_units_short(i128::from(t.balance), t.decimals.clamp(0, 30) as u32),
                t.token_id
            )
        })
        .collect();
    let as_of =
        b.timestamp.as_deref().and_then(|t| t.parse::<Timestamp>().ok()).map(|t| t.to_rfc3339()).unwrap_or_default();
    let account =
        if b.deleted { Cell::tone(format!("{} (deleted)", b.account), Tone::Bad) } else { b.account.clone().into() };
    vec![account, hbar::hbar_short(b.tinybars).into(), tokens.join(", ").into(), Cell::tone(as_of, Tone::Dim)]
}
