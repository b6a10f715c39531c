//! Ticket pages: the list with its filters, the detail page and the new-ticket form.

mod ai;
mod controls;
mod detail;
mod filters;
mod history;
mod list;
mod list_filters;
mod lookups;
mod new;
mod similar;
mod suggested;
mod thread;

pub use detail::TicketDetail;
pub use list::{TicketList, set_document_title};
pub use new::{NewTicket, split_tags};
