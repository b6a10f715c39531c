//! The checks of settings groups that `Settings::validate` runs after the general ones.

use super::{Settings, SettingsError, invalid};

impl Settings {
    pub(super) fn validate_jobs(&self) -> Result<(), SettingsError> {
        if !(10..=60_000).contains(&self.jobs_poll_interval_ms) {
            return Err(invalid("jobs_poll_interval_ms", "must be between 10 and 60000"));
        }
        if !(1..=3600).contains(&self.jobs_lease_secs) {
            return Err(invalid("jobs_lease_secs", "must be between 1 and 3600"));
        }
        if self.jobs_maintenance_interval_secs == 0 {
            return Err(invalid("jobs_maintenance_interval_secs", "must be at least 1"));
        }
        if self.jobs_retention_days == 0 {
            return Err(invalid("jobs_retention_days", "must be at least 1"));
        }
        if self.jobs_backlog_threshold == 0 {
            return Err(invalid("jobs_backlog_threshold", "must be at least 1"));
        }
        if !(0.0..=1.0).contains(&self.ai_threshold) {
            return Err(invalid("ai_threshold", "must be between 0 and 1"));
        }
        if !["local", "openai"].contains(&self.ai_provider.as_str()) {
            return Err(invalid("ai_provider", "must be local or openai"));
        }
        if !(self.ai_openai_base_url.starts_with("http://") || self.ai_openai_base_url.starts_with("https://")) {
            return Err(invalid("ai_openai_base_url", "must be an http:// or https:// URL"));
        }
        if !(1..=600).contains(&self.ai_openai_timeout_secs) {
            return Err(invalid("ai_openai_timeout_secs", "must be between 1 and 600"));
        }
        if !(1..=3650).contains(&self.similar_resolved_days) {
            return Err(invalid("similar_resolved_days", "must be between 1 and 3650"));
        }
        if !(0.0..=1.0).contains(&self.similar_min_score) {
            return Err(invalid("similar_min_score", "must be between 0 and 1"));
        }
        Ok(())
    }

    pub(super) fn validate_spikes(&self) -> Result<(), SettingsError> {
        if !(1..=1440).contains(&self.spikes_interval_minutes) {
            return Err(invalid("spikes_interval_minutes", "must be between 1 and 1440"));
        }
        if !(self.spikes_threshold.is_finite() && self.spikes_threshold > 0.0) {
            return Err(invalid("spikes_threshold", "must be a positive number"));
        }
        if !(self.spikes_min_excess.is_finite() && self.spikes_min_excess >= 0.0) {
            return Err(invalid("spikes_min_excess", "must be zero or more"));
        }
        if !(-720..=840).contains(&self.spikes_utc_offset_minutes) {
            return Err(invalid("spikes_utc_offset_minutes", "must be between -720 and 840"));
        }
        if self.spikes_quiet_gap_minutes < 5 {
            return Err(invalid("spikes_quiet_gap_minutes", "must be at least 5"));
        }
        Ok(())
    }

    pub(super) fn validate_oidc(&self) -> Result<(), SettingsError> {
        let set = [self.oidc_issuer.is_some(), self.oidc_client_id.is_some(), self.oidc_client_secret.is_some()];
        if set.contains(&true) && set.contains(&false) {
            let missing =
                ["oidc_issuer", "oidc_client_id", "oidc_client_secret"][set.iter().position(|s| !s).unwrap_or(0)];
            return Err(invalid(missing, "single sign-on needs the issuer, client id and client secret together"));
        }
        for (key, url) in [("oidc_issuer", &self.oidc_issuer), ("oidc_redirect_url", &self.oidc_redirect_url)] {
            if let Some(url) = url
                && !(url.starts_with("https://") || url.starts_with("http://"))
            {
                return Err(invalid(key, "must start with https:// (or http:// for a local test issuer)"));
            }
        }
        Ok(())
    }
}
