//! The one clock the server owns. Tests move it instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use time::OffsetDateTime;

/// Wall-clock time plus an adjustable offset.
#[derive(Debug, Default)]
pub struct Clock {
    /// Seconds added to the system time; changed only by tests and tooling.
    offset_secs: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        let offset = self.offset_secs.load(Ordering::Relaxed);
        let now = OffsetDateTime::now_utc();
        now.replace_nanosecond(0).unwrap_or(now) + time::Duration::seconds(offset)
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: time::Duration) {
        self.offset_secs
            .fetch_add(by.whole_seconds(), Ordering::Relaxed);
    }
}
