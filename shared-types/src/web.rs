//! Which build of the web app owns an address.
//!
//! The web app is three WebAssembly builds, one per group of pages (see `web/src/apps.rs`).
//! The server serves the `index.html` of the build that owns a client-side route, and each
//! build hands addresses it does not own over to the server with a page load; both ask
//! [`build_for`]. The service worker (`web/public/sw.js`, plain JavaScript) holds the same rule
//! as a regular expression; its browser test (`e2e/tests/pwa.test.mjs`) checks it on a console
//! and an authoring address.

/// One of the builds of the web app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebBuild {
    /// Sign-in, tickets, reading the knowledge base: `dist/`.
    Workspace,
    /// Administration (`/admin/...`) and incident alerts (`/incidents`): `dist/console/`.
    Console,
    /// The knowledge-base editor and version history: `dist/authoring/`.
    Authoring,
}

impl WebBuild {
    /// The build's folder in the web directory, `None` for the workspace at its root.
    pub fn folder(self) -> Option<&'static str> {
        match self {
            WebBuild::Workspace => None,
            WebBuild::Console => Some("console"),
            WebBuild::Authoring => Some("authoring"),
        }
    }
}

/// The build that owns the page at `path` (an address path, possibly with a query):
/// everything under `/admin` and `/incidents` is the console's; `/kb/new`, `/kb/{id}/edit`
/// and `/kb/{id}/history` are authoring's; everything else is the workspace's.
pub fn build_for(path: &str) -> WebBuild {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let under = |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if under("/admin") || under("/incidents") {
        return WebBuild::Console;
    }
    match path.strip_prefix("/kb/").map(|rest| rest.split('/').collect::<Vec<_>>()).as_deref() {
        Some(["new"]) => WebBuild::Authoring,
        Some([id, "edit" | "history"]) if !id.is_empty() => WebBuild::Authoring,
        _ => WebBuild::Workspace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_one_build() {
        let cases = [
            (
                WebBuild::Console,
                &["/admin", "/admin/users", "/admin/teams?page=2", "/incidents", "/incidents?status=open"][..],
            ),
            (WebBuild::Authoring, &["/kb/new", "/kb/abc/edit", "/kb/abc/history"][..]),
            (
                WebBuild::Workspace,
                &[
                    "/",
                    "/login",
                    "/tickets",
                    "/tickets/new",
                    "/kb",
                    "/kb/abc",
                    "/kb?q=vpn",
                    "/administrator",
                    "/incidentsx",
                    "/kb//edit",
                    "/kb/a/b/edit",
                ][..],
            ),
        ];
        for (build, paths) in cases {
            for path in paths {
                assert_eq!(build_for(path), build, "{path}");
            }
        }
    }
}
