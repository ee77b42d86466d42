//! The canary's operator: the configured account and key, checked against the account's key on the mirror
//! before anything is sent (as `config check` does, but a mirror that cannot answer is a failure, not a skip).

use crate::error::Error;
use crate::hedera::keys::{key_mismatch, operator_credentials, unknown_operator, KeyMatch};
use crate::ids::EntityId;
use crate::mirror::{MirrorClient, MirrorError};
use crate::settings::Settings;

use super::sign::Operator;

/// The operator of `settings`, its key proven to be the account's. Missing, malformed or mismatched credentials
/// are configuration errors (exit 3); a mirror that cannot answer is a remote one (exit 1).
pub async fn load(settings: &Settings, mirror: &MirrorClient) -> Result<Operator, Error> {
    let Some((account, parsed)) = operator_credentials(settings)? else {
        return Err(Error::config(
            "the canary needs operator credentials: set [operator] account_id and private_key in the config file, \
             or the OPERATOR_ID and OPERATOR_KEY environment variables",
        ));
    };
    let found = match mirror.account(&account).await {
        Ok(found) => found,
        Err(MirrorError::NotFound { .. }) => return Err(unknown_operator(&account, &settings.network.value.name)),
        Err(e) => return Err(Error::remote(format!("cannot check the operator key against the mirror: {e}"))),
    };
    let payer: EntityId = found.account.parse().map_err(|_| {
        Error::remote(format!("the mirror named the operator account '{}', which is not an account id", found.account))
    })?;
    match parsed.check(found.key.as_ref()) {
        KeyMatch::Matches(kind) => {
            let key =
                parsed.signing_key(kind).cloned().ok_or_else(|| Error::config("the operator key has no such kind"))?;
            Ok(Operator::new(payer, key))
        }
        KeyMatch::Mismatch => Err(key_mismatch(&found.account)),
        KeyMatch::Complex => Err(Error::config(format!(
            "account {payer} has a key list or threshold key: the canary signs with one key and cannot prove it"
        ))),
        KeyMatch::NoKey => Err(Error::config(format!("account {payer} has no key: it cannot pay for the canary"))),
    }
}
