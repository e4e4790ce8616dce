//! Structured logs on stderr: JSON lines by default, text for people. What is logged is the
//! method, the route, the status and the time of each request, and what the service reports;
//! request bodies, headers, cookies and tokens never are. `RUST_LOG` filters as usual.

use tracing_subscriber::EnvFilter;

/// Installs the subscriber once (later calls do nothing).
pub fn init(format: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if format == "text" {
        builder.try_init()
    } else {
        builder.json().try_init()
    };
}
