//! `hmon records`: an account's transaction history, newest first.

use std::io::Write as _;

use clap::{Args, ValueEnum};

use super::view::TransactionView;
use super::{not_found_as, Context};
use crate::error::Error;
use crate::hbar;
use crate::ids::AccountRef;
use crate::mirror::TransactionQuery;
use crate::output::{Cell, Tone};
use crate::text::csv_text;
use crate::timestamp::{parse_time_bound, Timestamp};

#[derive(Debug, Args)]
pub struct RecordsArgs {
    /// Account: 0.0.N, 0.0.N-checksum or an EVM address
    #[arg(value_name = "ACCOUNT")]
    pub account: String,

    /// How many transactions at most (pages through the mirror as needed)
    #[arg(long, default_value = "25", value_name = "N", value_parser = parse_limit)]
    pub limit: usize,

    /// Only transactions at or after TIME: RFC 3339, unix seconds, or a duration ago such as 2h or 7d
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Only transactions at or before TIME (same forms as --since)
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,

    /// Only this transaction type, e.g. CRYPTOTRANSFER, TOKENMINT, CONSENSUSSUBMITMESSAGE
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_type)]
    pub kind: Option<String>,

    /// Only successful or only failed transactions
    #[arg(long, value_enum, value_name = "RESULT")]
    pub result: Option<ResultFilter>,

    /// Print CSV (with a header row) for spreadsheets
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResultFilter {
    Success,
    Fail,
}

/// Every transaction type the Mirror Node's `transactiontype` filter accepts.
pub const TRANSACTION_TYPES: &[&str] = &[
    "ATOMICBATCH",
    "CONSENSUSCREATETOPIC",
    "CONSENSUSDELETETOPIC",
    "CONSENSUSSUBMITMESSAGE",
    "CONSENSUSUPDATETOPIC",
    "CONTRACTCALL",
    "CONTRACTCREATEINSTANCE",
    "CONTRACTDELETEINSTANCE",
    "CONTRACTUPDATEINSTANCE",
    "CRSPUBLICATION",
    "CRYPTOADDLIVEHASH",
    "CRYPTOAPPROVEALLOWANCE",
    "CRYPTOCREATEACCOUNT",
    "CRYPTODELETE",
    "CRYPTODELETEALLOWANCE",
    "CRYPTODELETELIVEHASH",
    "CRYPTOTRANSFER",
    "CRYPTOUPDATEACCOUNT",
    "ETHEREUMTRANSACTION",
    "FILEAPPEND",
    "FILECREATE",
    "FILEDELETE",
    "FILEUPDATE",
    "FREEZE",
    "HINTSKEYPUBLICATION",
    "HINTSPARTIALSIGNATURE",
    "HINTSPREPROCESSINGVOTE",
    "HISTORYPROOFKEYPUBLICATION",
    "HISTORYPROOFSIGNATURE",
    "HISTORYPROOFVOTE",
    "HOOKSTORE",
    "LEDGERIDPUBLICATION",
    "MIGRATIONROOTHASHVOTE",
    "NODECREATE",
    "NODEDELETE",
    "NODESTAKEUPDATE",
    "NODEUPDATE",
    "REGISTEREDNODECREATE",
    "REGISTEREDNODEDELETE",
    "REGISTEREDNODEUPDATE",
    "SCHEDULECREATE",
    "SCHEDULEDELETE",
    "SCHEDULESIGN",
    "STATESIGNATURETRANSACTION",
    "SYSTEMDELETE",
    "SYSTEMUNDELETE",
    "TOKENAIRDROP",
    "TOKENASSOCIATE",
    "TOKENBURN",
    "TOKENCANCELAIRDROP",
    "TOKENCLAIMAIRDROP",
    "TOKENCREATION",
    "TOKENDELETION",
    "TOKENDISSOCIATE",
    "TOKENFEESCHEDULEUPDATE",
    "TOKENFREEZE",
    "TOKENGRANTKYC",
    "TOKENMINT",
    "TOKENPAUSE",
    "TOKENREJECT",
    "TOKENREVOKEKYC",
    "TOKENUNFREEZE",
    "TOKENUNPAUSE",
    "TOKENUPDATE",
    "TOKENUPDATENFTS",
    "TOKENWIPE",
    "UNCHECKEDSUBMIT",
    "UTILPRNG",
];

fn parse_limit(s: &str) -> Result<usize, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if n >= 1 => usize::try_from(n).map_err(|_| "too large".to_string()),
        Ok(_) => Err("must be at least 1".to_string()),
        Err(_) => Err("expected a whole number of 1 or more".to_string()),
    }
}

fn parse_type(s: &str) -> Result<String, String> {
    let upper = s.trim().to_ascii_uppercase();
    if TRANSACTION_TYPES.contains(&upper.as_str()) {
        return Ok(upper);
    }
    let closest = TRANSACTION_TYPES
        .iter()
        .map(|t| (strsim::levenshtein(t, &upper), *t))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, t)| format!(" (did you mean {t}?)"))
        .unwrap_or_default();
    Err(format!("unknown transaction type{closest}; expected a Mirror Node type such as CRYPTOTRANSFER, TOKENMINT or CONSENSUSSUBMITMESSAGE"))
}

pub async fn run(ctx: &Context, args: RecordsArgs) -> anyhow::Result<()> {
    if args.csv && ctx.out.json {
        return Err(Error::usage("--csv and --json cannot be used together: choose one output format").into());
    }
    let account = ctx.parse_account(&args.account)?;
    let now = Timestamp::now();
    let since = args.since.as_deref().map(|s| parse_time_bound(s, "--since", now)).transpose()?;
    let until = args.until.as_deref().map(|s| parse_time_bound(s, "--until", now)).transpose()?;
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            return Err(Error::usage(format!(
                "--since ({}) is after --until ({}): the range is empty",
                s.to_rfc3339(),
                u.to_rfc3339()
            ))
            .into());
        }
    }
    let client = ctx.mirror()?;
    let account_id = match &account {
        AccountRef::Id(id) => id.to_string(),
        AccountRef::Evm(_) => {
            client
                .account(&account)
                .await
                .map_err(|e| not_found_as(e, || format!("account {account} not found on {}", ctx.network_name())))?
                .account
        }
    };
    let query = TransactionQuery {
        account_ids: vec![account_id.clone()],
        since,
        until,
        after: None,
        transaction_type: args.kind,
        result: args.result.map(|r| if r == ResultFilter::Success { "success" } else { "fail" }.to_string()),
        ascending: false,
    };
    let spinner = ctx.out.spinner("fetching transactions");
    let txs =
        client.transactions(&query, args.limit, |n| spinner.set_message(format!("fetched {n} transactions"))).await;
    spinner.finish_and_clear();
    let views: Vec<TransactionView> = txs?.into_iter().map(|t| TransactionView::new(t, Some(&account_id))).collect();

    if ctx.out.json {
        return ctx.out.json(&views);
    }
    if args.csv {
        return write_csv(&views);
    }
    let rows: Vec<Vec<Cell>> = views.iter().map(row).collect();
    ctx.out.table(&["Time", "Transaction ID", "Type", "Result", "Net", "Fee", "Memo"], &rows)
}

fn row(v: &TransactionView) -> Vec<Cell> {
    let tone = if v.result == "SUCCESS" { Tone::Good } else { Tone::Bad };
    let net = v.net_tinybars.unwrap_or(0);
    vec![
        v.time.clone().into(),
        v.transaction_id.clone().into(),
        v.kind.clone().into(),
        Cell::tone(v.result.clone(), tone),
        Cell::tone(hbar::hbar_short(net), if net < 0 { Tone::Bad } else { Tone::Plain }),
        hbar::hbar_short(v.fee_tinybars).into(),
        v.memo.clone().into(),
    ]
}

/// The CSV header; every row has these columns in this order.
const CSV_HEADER: &str =
    "consensus_timestamp,time,transaction_id,type,result,fee_tinybars,net_tinybars,memo,transfers\n";

/// CSV (RFC 4180) with a header row. Text cells come from the network: each is made inert and neutralised against
/// formula injection (`crate::text::csv_text`) and always quoted, so neither a separator in it nor a spreadsheet's
/// guess (a timestamp read as a float, a memo `1e5` as a number) changes it; the amounts are bare numbers.
fn write_csv(views: &[TransactionView]) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    out.write_all(CSV_HEADER.as_bytes())?;
    for v in views {
        let text = [&v.consensus_timestamp, &v.time, &v.transaction_id, &v.kind, &v.result].map(|t| quoted(t));
        let (memo, transfers) = (quoted(&v.memo), quoted(&v.transfers_text()));
        let (fee, net) = (v.fee_tinybars, v.net_tinybars.unwrap_or(0));
        writeln!(out, "{},{fee},{net},{memo},{transfers}", text.join(","))?;
    }
    out.flush()?;
    Ok(())
}

/// A quoted CSV text field.
fn quoted(text: &str) -> String {
    format!("\"{}\"", csv_text(text).replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_text_fields_are_quoted_and_formula_safe() {
        assert_eq!(quoted("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(quoted("=1+1"), "\"'=1+1\"");
        assert_eq!(quoted("1700000005.000000007"), "\"1700000005.000000007\"");
        assert_eq!(CSV_HEADER.split(',').count(), 9);
    }

    #[test]
    fn limits_must_be_positive_whole_numbers() {
        assert_eq!(parse_limit("250"), Ok(250));
        assert!(parse_limit("0").unwrap_err().contains("at least 1"));
        assert!(parse_limit("-3").unwrap_err().contains("at least 1"));
        assert!(parse_limit("ten").is_err());
    }

    #[test]
    fn types_are_case_insensitive_and_typos_get_a_suggestion() {
        assert_eq!(parse_type("cryptotransfer").unwrap(), "CRYPTOTRANSFER");
        assert!(parse_type("CRYPTOTRANSFR").unwrap_err().contains("did you mean CRYPTOTRANSFER?"));
        assert!(!parse_type("NONSENSE_TYPE_XYZ").unwrap_err().contains("did you mean"));
    }
}
