//! Building blocks shared by the pages.

mod badges;
mod field;
mod gate;
mod icon;
mod layout;
mod states;
mod theme;

pub use badges::{PriorityBadge, StatusBadge, priority_label, status_label};
pub use field::{Field, field_error};
pub use gate::Can;
pub use layout::{ACTIVE, Shell};
pub use states::{Empty, ErrorNotice, Loading, QueryView};
pub use theme::apply_saved_theme;
