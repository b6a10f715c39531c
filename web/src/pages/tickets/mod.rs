//! Ticket pages: the list with its filters, the detail page and the new-ticket form.

mod detail;
mod list;
mod new;

pub use detail::TicketDetail;
pub use list::TicketList;
pub use new::NewTicket;
