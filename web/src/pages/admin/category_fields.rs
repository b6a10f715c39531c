//! The fields of the category forms (create and edit): name, description, and the team the
//! category's tickets go to.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared_types::admin::TeamDto;

use crate::components::{Field, TextField, field_error};
use crate::query::QueryData;

/// The teams, when the admin may read them.
pub type Teams = Option<QueryData<Vec<TeamDto>>>;

/// Name and description, used to create and to edit.
#[component]
pub fn CategoryFields(
    /// Prefix for the controls' ids.
    prefix: &'static str,
    name: RwSignal<String>,
    description: RwSignal<String>,
    errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let description_id = format!("{prefix}-description");
    view! {
        <TextField id=format!("{prefix}-name") label="Name" value=name error=field_error(errors, "name") />
        <Field
            id=description_id.clone()
            label="Description"
            error=field_error(errors, "description")
            hint="What belongs here, in the words people use in tickets. AI triage reads it."
        >
            <textarea
                id=description_id.clone()
                rows="3"
                aria-describedby=format!("{description_id}-error")
                prop:value=description
                on:input=move |ev| description.set(event_target_value(&ev))
            ></textarea>
        </Field>
    }
}

/// The team a category's tickets go to (an id, or empty for none).
#[component]
pub fn TeamSelect(id: &'static str, teams: QueryData<Vec<TeamDto>>, value: RwSignal<String>) -> impl IntoView {
    let options = move || {
        teams.with(|l| {
            l.into_iter()
                .flatten()
                .map(|t| {
                    let option = t.id.to_string();
                    let selected = value.get_untracked() == option;
                    view! { <option value=option selected=selected>{t.name.clone()}</option> }
                })
                .collect_view()
        })
    };
    view! {
        <div class="field">
            <label for=id>"Tickets go to"</label>
            <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="" selected=value.get_untracked().is_empty()>"No team: they wait to be routed"</option>
                {options}
            </select>
        </div>
    }
}

/// The typed text, trimmed; `None` when blank.
pub fn trimmed(value: RwSignal<String>) -> Option<String> {
    Some(value.get_untracked().trim().to_owned()).filter(|t| !t.is_empty())
}
