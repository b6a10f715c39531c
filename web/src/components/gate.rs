use leptos::prelude::*;
use shared_types::Permission;

use crate::session::use_session;

/// Renders its children only for users holding `permission` (the spec's `PermissionGate`).
/// The server checks again; this only keeps controls the user cannot use off the screen.
#[component]
pub fn Can(
    /// The permission the children need.
    permission: Permission,
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    view! { <Show when=move || session.can(permission)>{children()}</Show> }
}
