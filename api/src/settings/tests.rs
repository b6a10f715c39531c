//! Tests of the settings: sources, defaults and checks.

use super::*;
use figment::Jail;

#[test]
fn defaults_are_embedded() {
    Jail::expect_with(|_jail| {
        let s = Settings::from_figment(Settings::figment(None)).map_err(|e| e.to_string())?;
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert!(s.database_url().starts_with("sqlite://./data/helpdesk.db"));
        assert!(s.redis_url.is_none());
        Ok(())
    });
}

#[test]
fn environment_overrides_file() {
    Jail::expect_with(|jail| {
        jail.create_file("h.toml", "bind = \"0.0.0.0:9000\"\nworkers = 3")?;
        jail.set_env("HELPDESK_WORKERS", "4");
        let s = Settings::from_figment(Settings::figment(Some(Path::new("h.toml")))).map_err(|e| e.to_string())?;
        assert_eq!(s.bind, "0.0.0.0:9000");
        assert_eq!(s.workers, Some(4));
        Ok(())
    });
}

#[test]
fn errors_name_the_key() {
    Jail::expect_with(|jail| {
        jail.set_env("HELPDESK_BIND", "not-an-address");
        let err = Settings::from_figment(Settings::figment(None)).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("HELPDESK_BIND"));
        Ok(())
    });
    Jail::expect_with(|jail| {
        jail.set_env("HELPDESK_WORKERS", "many");
        let err = Settings::from_figment(Settings::figment(None)).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().to_lowercase().contains("workers"));
        Ok(())
    });
    Jail::expect_with(|jail| {
        jail.set_env("HELPDESK_DATABSE_URL", "sqlite://x");
        let err = Settings::from_figment(Settings::figment(None)).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("databse_url"));
        Ok(())
    });
}

#[test]
fn single_sign_on_needs_issuer_client_and_secret_together() {
    Jail::expect_with(|jail| {
        jail.set_env("HELPDESK_OIDC_ISSUER", "https://accounts.example.com");
        jail.set_env("HELPDESK_OIDC_CLIENT_ID", "helpdesk");
        let err = Settings::from_figment(Settings::figment(None)).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("HELPDESK_OIDC_CLIENT_SECRET"));
        jail.set_env("HELPDESK_OIDC_CLIENT_SECRET", "s3cret");
        assert!(Settings::from_figment(Settings::figment(None)).is_ok());
        jail.set_env("HELPDESK_OIDC_ISSUER", "accounts.example.com");
        let err = Settings::from_figment(Settings::figment(None)).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("HELPDESK_OIDC_ISSUER"));
        Ok(())
    });
}

#[test]
fn the_test_suite_variables_are_not_settings() {
    Jail::expect_with(|jail| {
        jail.set_env("HELPDESK_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1/postgres");
        jail.set_env("HELPDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379");
        let s = Settings::from_figment(Settings::figment(None)).map_err(|e| e.to_string())?;
        assert!(s.database_url.is_none() && s.redis_url.is_none());
        Ok(())
    });
}

#[test]
fn the_embedding_model_lives_in_the_data_directory_unless_named() {
    Jail::expect_with(|jail| {
        jail.set_env("HELPDESK_DATA_DIR", "/srv/helpdesk");
        let s = Settings::from_figment(Settings::figment(None)).map_err(|e| e.to_string())?;
        assert_eq!(s.embedding_model_dir(), Path::new("/srv/helpdesk/models/all-MiniLM-L6-v2"));
        assert!(s.search_embeddings);
        jail.set_env("HELPDESK_EMBEDDING_MODEL_DIR", "/opt/minilm");
        jail.set_env("HELPDESK_SEARCH_EMBEDDINGS", "false");
        let s = Settings::from_figment(Settings::figment(None)).map_err(|e| e.to_string())?;
        assert_eq!(s.embedding_model_dir(), Path::new("/opt/minilm"));
        assert!(!s.search_embeddings);
        Ok(())
    });
}

#[test]
fn job_settings_come_from_the_environment_and_are_checked() {
    Jail::expect_with(|jail| {
        jail.set_env("HELPDESK_JOBS_POLL_INTERVAL_MS", "250");
        let s = Settings::from_figment(Settings::figment(None)).map_err(|e| e.to_string())?;
        assert_eq!((s.jobs_poll_interval_ms, s.jobs_backlog_threshold), (250, 100));
        jail.set_env("HELPDESK_JOBS_LEASE_SECS", "0");
        let err = Settings::from_figment(Settings::figment(None)).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("HELPDESK_JOBS_LEASE_SECS"));
        Ok(())
    });
}

#[test]
fn ai_settings_are_read_and_checked() {
    Jail::expect_with(|jail| {
        let s = Settings::from_figment(Settings::figment(None)).map_err(|e| e.to_string())?;
        assert_eq!((s.ai_triage, s.ai_provider.as_str(), s.ai_threshold), (true, "local", 0.85));
        jail.set_env("HELPDESK_AI_THRESHOLD", "0.7");
        jail.set_env("HELPDESK_AI_TRIAGE", "false");
        let s = Settings::from_figment(Settings::figment(None)).map_err(|e| e.to_string())?;
        assert_eq!((s.ai_triage, s.ai_threshold), (false, 0.7));
        jail.set_env("HELPDESK_AI_THRESHOLD", "1.5");
        let err = Settings::from_figment(Settings::figment(None)).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("HELPDESK_AI_THRESHOLD"));
        jail.set_env("HELPDESK_AI_THRESHOLD", "0.85");
        jail.set_env("HELPDESK_AI_PROVIDER", "magic");
        let err = Settings::from_figment(Settings::figment(None)).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("HELPDESK_AI_PROVIDER"));
        jail.set_env("HELPDESK_AI_PROVIDER", "openai");
        jail.set_env("HELPDESK_AI_OPENAI_BASE_URL", "http://127.0.0.1:11434/v1");
        jail.set_env("HELPDESK_AI_OPENAI_API_KEY", "sk-test");
        let s = Settings::from_figment(Settings::figment(None)).map_err(|e| e.to_string())?;
        assert_eq!(s.ai_openai_base_url, "http://127.0.0.1:11434/v1");
        assert_eq!(s.ai_openai_api_key.as_ref().map(Secret::expose), Some("sk-test"));
        assert_eq!(s.ai_openai_timeout_secs, 30);
        jail.set_env("HELPDESK_AI_OPENAI_BASE_URL", "ftp://x");
        let err = Settings::from_figment(Settings::figment(None)).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("HELPDESK_AI_OPENAI_BASE_URL"));
        Ok(())
    });
}

#[test]
fn spike_settings_come_from_the_environment_and_are_checked() {
    Jail::expect_with(|jail| {
        jail.set_env("HELPDESK_SPIKES_THRESHOLD", "8.5");
        jail.set_env("HELPDESK_SPIKES_ENABLED", "false");
        let s = Settings::from_figment(Settings::figment(None)).map_err(|e| e.to_string())?;
        assert_eq!((s.spikes_threshold, s.spikes_enabled, s.spikes_interval_minutes), (8.5, false, 5));
        let config = crate::modules::spikes::DetectorConfig::from_settings(&s);
        assert_eq!((config.threshold, config.utc_offset_minutes), (8.5, 300));
        jail.set_env("HELPDESK_SPIKES_QUIET_GAP_MINUTES", "1");
        let err = Settings::from_figment(Settings::figment(None)).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("HELPDESK_SPIKES_QUIET_GAP_MINUTES"));
        Ok(())
    });
}

#[test]
fn secrets_do_not_print() {
    let s = Settings { jwt_secret: Some(Secret::new("x".repeat(40))), ..Settings::default() };
    assert!(!format!("{s:?}").contains("xxxx"));
}
