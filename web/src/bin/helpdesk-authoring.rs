//! The authoring build of the web app: the knowledge-base editor and version history (see
//! `helpdesk_web::apps`).

fn main() {
    leptos::mount::mount_to_body(helpdesk_web::app::Authoring);
}
