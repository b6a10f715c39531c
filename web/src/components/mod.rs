//! Building blocks shared by the pages.

mod badges;
mod confirm;
mod field;
mod gate;
mod icon;
mod layout;
mod pager;
mod states;
mod theme;
mod time;

pub use badges::{PriorityBadge, StatusBadge, priority_label, status_label};
pub use confirm::ConfirmButton;
pub use field::{Field, FilterSelect, SearchInput, TextField, field_error, pairs};
pub use gate::Can;
pub use layout::{ACTIVE, Shell};
pub use pager::Pager;
pub use states::{Empty, ErrorNotice, Loading, QueryView};
pub use theme::apply_saved_theme;
pub use time::{Time, is_past};
