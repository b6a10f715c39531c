//! Building blocks shared by the pages.

mod badges;
mod field;
mod gate;
mod icon;
mod layout;
mod states;
mod theme;

pub use badges::{PriorityBadge, StatusBadge};
pub use field::{Field, field_error};
pub use gate::Can;
pub use layout::Shell;
pub use states::{Empty, ErrorNotice, Loading, QueryView};
pub use theme::{ThemeChoice, ThemeSelect, apply_saved_theme};
