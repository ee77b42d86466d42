//! `hmon tx`: one transaction and its child (or scheduled) transactions.

use clap::Args;

use super::view::TransactionView;
use super::{not_found_as, Context};
use crate::error::Error;
use crate::hbar;
use crate::ids::TransactionRef;
use crate::output::{Cell, Tone};

#[derive(Debug, Args)]
pub struct TxArgs {
    /// Transaction id (0.0.8@1234567890.000000006 or 0.0.8-1234567890-000000006) or its 48-byte hash
    #[arg(value_name = "TRANSACTION_ID")]
    pub id: String,
}

pub async fn run(ctx: &Context, args: TxArgs) -> anyhow::Result<()> {
    let id = TransactionRef::parse(&args.id)?;
    let not_found = || format!("transaction {} not found on {}", args.id.trim(), ctx.network_name());
    let txs = ctx.mirror()?.transaction(&id).await.map_err(|e| not_found_as(e, not_found))?;
    if txs.is_empty() {
        return Err(Error::not_found(not_found()).into());
    }
    let views: Vec<TransactionView> = txs.into_iter().map(|t| TransactionView::new(t, None)).collect();
    if ctx.out.json {
        return ctx.out.json(&views);
    }
    for (i, v) in views.iter().enumerate() {
        if i > 0 {
            ctx.out.text("\n")?;
        }
        let role = match (&v.parent_consensus_timestamp, v.scheduled) {
            (_, true) => "scheduled",
            (Some(_), _) => "child",
            (None, _) if views.len() > 1 => "parent",
            _ => "",
        };
        let mut pairs = vec![
            ("Transaction", v.transaction_id.clone()),
            ("Type", if role.is_empty() { v.kind.clone() } else { format!("{} ({role})", v.kind) }),
            ("Result", v.result.clone()),
            ("Consensus", format!("{} ({})", v.time, v.consensus_timestamp)),
            ("Fee", format!("{} ({} tinybars)", hbar::hbar_short(v.fee_tinybars), v.fee_tinybars)),
        ];
        if !v.memo.is_empty() {
            pairs.push(("Memo", v.memo.clone()));
        }
        if let Some(node) = &v.node {
            pairs.push(("Node", node.clone()));
        }
        if let Some(entity) = &v.entity_id {
            pairs.push(("Entity", entity.clone()));
        }
        ctx.out.pairs(&pairs)?;
        let rows: Vec<Vec<Cell>> = v
            .transfers
            .iter()
            .map(|t| {
                let tone = if t.amount < 0 { Tone::Bad } else { Tone::Good };
                vec![t.account.clone().into(), "hbar".into(), Cell::tone(hbar::hbar(t.amount), tone)]
            })
            .chain(v.token_transfers.iter().map(|t| {
                let tone = if t.amount < 0 { Tone::Bad } else { Tone::Good };
                vec![t.account.clone().into(), t.token_id.clone().into(), Cell::tone(t.amount.to_string(), tone)]
            }))
            .collect();
        if !rows.is_empty() {
            ctx.out.table(&["Account", "Asset", "Amount"], &rows)?;
        }
    }
    Ok(())
}
