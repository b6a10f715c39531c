//! Light, dark or the system's choice, remembered on this device.

use leptos::prelude::*;

const KEY: &str = "helpdesk.theme";

/// The user's colour-scheme choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeChoice {
    /// Follow the operating system.
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl ThemeChoice {
    fn as_str(self) -> &'static str {
        match self {
            ThemeChoice::System => "system",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }

    fn parse(s: &str) -> ThemeChoice {
        match s {
            "light" => ThemeChoice::Light,
            "dark" => ThemeChoice::Dark,
            _ => ThemeChoice::System,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn apply(choice: ThemeChoice) {
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
    if let Some(root) = root {
        let _ = match choice {
            ThemeChoice::System => root.remove_attribute("data-theme"),
            other => root.set_attribute("data-theme", other.as_str()),
        };
    }
}

/// Applies the remembered choice; called once at start, before the first paint.
pub fn apply_saved_theme() -> ThemeChoice {
    let choice =
        storage().and_then(|s| s.get_item(KEY).ok().flatten()).map_or(ThemeChoice::System, |v| ThemeChoice::parse(&v));
    apply(choice);
    choice
}

/// A labelled select for the theme.
#[component]
pub fn ThemeSelect() -> impl IntoView {
    let choice = RwSignal::new(apply_saved_theme());
    let on_change = move |ev| {
        let picked = ThemeChoice::parse(&event_target_value(&ev));
        choice.set(picked);
        apply(picked);
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, picked.as_str());
        }
    };
    view! {
        <label class="theme-select">
            <span>"Theme"</span>
            <select on:change=on_change prop:value=move || choice.get().as_str()>
                <option value="system">"System"</option>
                <option value="light">"Light"</option>
                <option value="dark">"Dark"</option>
            </select>
        </label>
    }
}
