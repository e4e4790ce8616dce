//! Where a benchmark's results go: its own section of docs/benchmarks.md, between
//! `<!-- NAME:begin -->` and `<!-- NAME:end -->`, replaced on every run (appended the first time).

/// Replaces the section `name` of docs/benchmarks.md with `report`.
pub fn write_section(name: &str, report: &str) {
    let begin = format!("<!-- {name}:begin -->");
    let end = format!("<!-- {name}:end -->");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/benchmarks.md");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let section = format!("{begin}\n{report}{end}");
    let updated = match (text.find(&begin), text.find(&end)) {
        (Some(b), Some(e)) if e > b => format!("{}{section}{}", &text[..b], &text[e + end.len()..]),
        _ => format!("{}\n\n{section}\n", text.trim_end()),
    };
    std::fs::write(&path, updated).expect("write docs/benchmarks.md");
    eprintln!("wrote {}", path.display());
}
