//! The console build of the web app: administration and knowledge-base authoring (see
//! `helpdesk_web::apps`).

fn main() {
    leptos::mount::mount_to_body(helpdesk_web::app::Console);
}
