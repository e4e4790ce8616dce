//! Structured logs on stderr — JSON lines by default, text for people — and, when an OTLP
//! collector is configured, traces of the same spans exported over OTLP/HTTP. What a span or a
//! log line carries is the method, the route, the status and the time of each request, and what
//! the service reports; request bodies, headers, cookies and tokens never are (a test runs a
//! whole journey and scans the logs, the exported traces and the metrics for the citizen's
//! data). `RUST_LOG` filters as usual.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// What must be flushed before the process ends.
pub struct Telemetry(Option<SdkTracerProvider>);

impl Telemetry {
    /// Sends the spans still buffered.
    pub fn shutdown(self) {
        if let Some(provider) = self.0
            && let Err(error) = provider.shutdown()
        {
            eprintln!("kabinet-server: traces not all exported: {error}");
        }
    }
}

/// Installs the subscriber once (later calls install nothing); with `otlp` (a collector's base
/// URL, `http://host:4318`) spans are exported to `<otlp>/v1/traces` as well.
pub fn init(format: &str, otlp: Option<&str>) -> Result<Telemetry, String> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let fmt = if format == "text" {
        fmt.boxed()
    } else {
        fmt.json().boxed()
    };
    let provider = match otlp {
        Some(base) => Some(tracer_provider(base)?),
        None => None,
    };
    let traces = provider
        .as_ref()
        .map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("kabinet-server")));
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .with(traces)
        .try_init();
    Ok(Telemetry(provider))
}

fn tracer_provider(base: &str) -> Result<SdkTracerProvider, String> {
    // The exporter's HTTP client is reqwest on rustls, which needs the process's provider.
    kabinet_service::tls::install_crypto_provider();
    let endpoint = format!("{}/v1/traces", base.trim_end_matches('/'));
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(endpoint)
        .build()
        .map_err(|e| format!("cannot export traces to {base}: {e}"))?;
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name("kabinet-server")
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}
