//! Administration from the command line, for whoever runs the server and holds its database:
//! `kabinet-server admin bootstrap` makes the first service centre and its administrator once
//! (refused when any staff member exists) and prints the two one-time codes that enrol the
//! first workstation and set the administrator up at it; everything else a centre does is
//! done by staff in the desktop app. `kabinet-server demo-people` lists people the simulated
//! registries know, so a demo or a browser test can fill in a profile that passes
//! verification.

use kabinet_service::ports::registry::population;
use kabinet_service::{Bootstrap, SIMULATED_POPULATION_SEED, Service};

/// `count` people of the simulated population, one JSON object per line.
pub fn demo_people(count: usize) -> String {
    population(SIMULATED_POPULATION_SEED, count.min(1_000))
        .iter()
        .map(|p| serde_json::to_string(p).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Makes the first centre and administrator; returns the lines to print (the centre's id and
/// the two codes, each shown this once).
pub async fn bootstrap(service: &Service, request: Bootstrap) -> Result<String, String> {
    let done = service.bootstrap(request).await.map_err(|e| {
        let fields: Vec<String> = e.fields.iter().map(|f| f.field.clone()).collect();
        if fields.is_empty() {
            format!("{}: {}", e.code.as_str(), e.message)
        } else {
            format!("{}: {} ({})", e.code.as_str(), e.message, fields.join(", "))
        }
    })?;
    Ok(format!(
        "centre: {}\nworkstation enrolment code: {}\nadministrator set-up code: {}",
        done.centre_id, done.workstation_code, done.setup_code
    ))
}
