//! CPU time used by a process (all its threads), to show how the machine's cores were
//! shared between the server and this load generator during the load.

use std::time::Duration;

/// Linux reports `utime` and `stime` in USER_HZ ticks, which is 100 on every platform
/// Linux exposes to user space as fixed (see proc(5)).
const TICKS_PER_SECOND: u64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTime(pub Duration);

impl CpuTime {
    /// User plus system time of `pid` (`self` for this process) so far.
    pub fn of(pid: &str) -> Result<Self, String> {
        let path = format!("/proc/{pid}/stat");
        let stat =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
        Self::parse(&stat).ok_or_else(|| format!("{path} is not in the expected form"))
    }

    /// Fields 14 and 15 (`utime`, `stime`), counted after the command name, which is in
    /// parentheses and may itself hold spaces.
    fn parse(stat: &str) -> Option<Self> {
        let after_name = &stat[stat.rfind(')')? + 1..];
        let mut fields = after_name.split_whitespace().skip(11);
        let user: u64 = fields.next()?.parse().ok()?;
        let system: u64 = fields.next()?.parse().ok()?;
        let ticks = user + system;
        Some(Self(Duration::from_millis(
            ticks * 1_000 / TICKS_PER_SECOND,
        )))
    }

    pub fn since(self, earlier: CpuTime) -> Duration {
        self.0.saturating_sub(earlier.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_and_system_ticks_are_summed() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        let stat = "42 (tokio rt) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 4";
        assert_eq!(CpuTime::parse(stat), Some(CpuTime(Duration::from_secs(3))));
        assert_eq!(CpuTime::parse("42 (x) S 1"), None);
    }

    #[test]
    fn this_process_can_be_read() {
        assert!(CpuTime::of("self").is_ok());
    }
}
