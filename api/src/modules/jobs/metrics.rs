//! The job metrics on `/metrics`: queue gauges per kind and state (refreshed from the
//! database by housekeeping, so every instance reports the shared queue), and this instance's
//! runs, failures, dead-letterings and run times.

use prometheus::{GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};
use shared_types::jobs::JobState;

/// Handles on the job metrics; cheap to clone.
#[derive(Clone)]
pub struct JobMetrics {
    jobs: GaugeVec,
    runs: IntCounterVec,
    failures: IntCounterVec,
    dead: IntCounterVec,
    duration: HistogramVec,
}

impl JobMetrics {
    /// Registers the job metrics in `registry`.
    pub fn register(registry: &Registry) -> anyhow::Result<Self> {
        let jobs = GaugeVec::new(Opts::new("jobs", "Jobs in the queue by kind and state"), &["kind", "state"])?;
        let runs = IntCounterVec::new(Opts::new("job_runs_total", "Job runs started by this instance"), &["kind"])?;
        let failures =
            IntCounterVec::new(Opts::new("job_failures_total", "Job runs that failed on this instance"), &["kind"])?;
        let dead = IntCounterVec::new(
            Opts::new("job_dead_letters_total", "Jobs this instance parked as dead (out of attempts)"),
            &["kind"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new("job_run_duration_seconds", "Job run time by kind")
                .buckets(vec![0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0]),
            &["kind"],
        )?;
        registry.register(Box::new(jobs.clone()))?;
        registry.register(Box::new(runs.clone()))?;
        registry.register(Box::new(failures.clone()))?;
        registry.register(Box::new(dead.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        Ok(Self { jobs, runs, failures, dead, duration })
    }

    /// Replaces the queue gauges; every known kind shows every state, zeros included.
    pub fn set_counts<'a>(&self, known: impl Iterator<Item = &'a str>, counts: &[(String, JobState, u64)]) {
        self.jobs.reset();
        for kind in known {
            for state in JobState::ALL {
                self.jobs.with_label_values(&[kind, state.as_str()]).set(0.0);
            }
        }
        for (kind, state, n) in counts {
            self.jobs.with_label_values(&[kind.as_str(), state.as_str()]).set(*n as f64);
        }
    }

    /// A run started.
    pub fn started(&self, kind: &str) {
        self.runs.with_label_values(&[kind]).inc();
    }

    /// A run ended after `secs`; `failed` and `dead` say how.
    pub fn finished(&self, kind: &str, secs: f64, failed: bool, dead: bool) {
        self.duration.with_label_values(&[kind]).observe(secs);
        if failed {
            self.failures.with_label_values(&[kind]).inc();
        }
        if dead {
            self.dead.with_label_values(&[kind]).inc();
        }
    }
}
