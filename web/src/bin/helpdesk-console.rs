//! The console build of the web app: administration and incident alerts (see
//! `helpdesk_web::apps`).

fn main() {
    leptos::mount::mount_to_body(helpdesk_web::app::Console);
}
