//! The workspace build of the web app (see `helpdesk_web::apps`).

fn main() {
    leptos::mount::mount_to_body(helpdesk_web::app::Workspace);
}
