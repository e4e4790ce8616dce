//! Administration from the command line, for whoever runs the server and holds its database:
//! `kabinet-server staff activation-code --snils S` prints a citizen's activation code and
//! `kabinet-server staff temporary-password --login L` a temporary password to hand over (what a
//! service centre does after checking the passport, until the operator workstation has its own
//! sign-in), and `kabinet-server demo-people` lists people the simulated registries know, so a
//! demo or a browser test can fill in a profile that passes verification.

use kabinet_core::account::Actor;
use kabinet_service::ports::registry::population;
use kabinet_service::{SIMULATED_POPULATION_SEED, Service};

/// `count` people of the simulated population, one JSON object per line.
pub fn demo_people(count: usize) -> String {
    population(SIMULATED_POPULATION_SEED, count.min(1_000))
        .iter()
        .map(|p| serde_json::to_string(p).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn operator(operator: &str, centre: &str) -> (Actor, kabinet_api::Context) {
    let actor = Actor::Operator {
        operator: operator.to_owned(),
        centre: centre.to_owned(),
    };
    let context = kabinet_api::Context {
        session: None,
        address: "127.0.0.1".into(),
        device_id: "command-line".into(),
        device_name: "kabinet-server staff".into(),
    };
    (actor, context)
}

/// Issues a temporary password for the account with `login`; it must be changed at the next
/// sign-in, and every session of the account ends.
pub async fn issue_temporary_password(
    service: &Service,
    login: &str,
    operator_id: &str,
    centre: &str,
) -> Result<String, String> {
    let (actor, context) = operator(operator_id, centre);
    service
        .staff_issue_temporary_password(&actor, &context, login)
        .await
        .map_err(|e| format!("{}: {}", e.code.as_str(), e.message))
}

/// Issues an activation code for the account whose SNILS is `snils`, recorded as issued by
/// `operator` at `centre` from this command line.
pub async fn issue_activation_code(
    service: &Service,
    snils: &str,
    operator_id: &str,
    centre: &str,
) -> Result<String, String> {
    let (actor, context) = operator(operator_id, centre);
    service
        .staff_issue_activation_code(&actor, &context, snils)
        .await
        .map_err(|e| format!("{}: {}", e.code.as_str(), e.message))
}
