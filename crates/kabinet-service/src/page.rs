//! Pagination of the citizen's lists: page numbers from 0, 20 to a page unless asked, at most
//! 100.

use kabinet_api::Page;

/// The rows a page asks for: (offset, rows per page).
pub fn window(page: &Page) -> (u64, u64) {
    let per_page = match page.per_page {
        0 => 20,
        n => u64::from(n.min(100)),
    };
    (u64::from(page.page) * per_page, per_page)
}
