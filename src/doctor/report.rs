//! Findings grouped by code, worst first, with counts and a cap per code.

use std::collections::BTreeMap;

use serde::Serialize;

use super::finding::{Code, Finding, Severity};

/// All findings of one code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingGroup {
    /// The code.
    pub code: Code,
    /// The worst severity among them.
    pub severity: Severity,
    /// How many there are in all.
    pub count: u64,
    /// The first ones found, at most the limit.
    pub findings: Vec<Finding>,
}

/// Findings grouped by code: errors first, then warnings, then info; within
/// one severity, in the order of [`Code::ALL`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The groups, worst first.
    pub groups: Vec<FindingGroup>,
}

impl Report {
    /// Whether any finding is an error (sign-in, reset or import fails).
    pub fn has_errors(&self) -> bool {
        self.groups.iter().any(|g| g.severity == Severity::Error)
    }

    /// The kept findings, worst group first.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.groups.iter().flat_map(|g| g.findings.iter())
    }

    /// The group of `code`, if any finding has it.
    pub fn group(&self, code: Code) -> Option<&FindingGroup> {
        self.groups.iter().find(|g| g.code == code)
    }

    /// How many findings of `code` there are, kept or not.
    pub fn count(&self, code: Code) -> u64 {
        self.group(code).map_or(0, |g| g.count)
    }
}

/// Counts every finding and keeps the first `limit` of each code, building a
/// finding's text only when it is kept.
pub(crate) struct Collector {
    limit: usize,
    groups: BTreeMap<Code, FindingGroup>,
    /// The user (by `_id` hash) that findings added now belong to.
    user_ref: Option<u64>,
    /// Kept findings whose user's email is learnt later: (code, index, user).
    pub(crate) pending: Vec<(Code, usize, u64)>,
}

impl Collector {
    pub(crate) fn new(limit: usize) -> Self {
        Collector {
            limit,
            groups: BTreeMap::new(),
            user_ref: None,
            pending: Vec::new(),
        }
    }

    /// Counts a finding; `build` fills in a fresh one when it is kept.
    pub(crate) fn add(
        &mut self,
        code: Code,
        severity: Severity,
        table: &str,
        build: impl FnOnce(Finding) -> Finding,
    ) {
        let group = self.groups.entry(code).or_insert_with(|| FindingGroup {
            code,
            severity,
            count: 0,
            findings: Vec::new(),
        });
        group.count += 1;
        group.severity = group.severity.max(severity);
        if group.findings.len() < self.limit {
            if let Some(user) = self.user_ref {
                self.pending.push((code, group.findings.len(), user));
            }
            group
                .findings
                .push(build(Finding::new(code, severity, table)));
        }
    }

    /// Findings added from now on concern the user with `_id` hash `user`
    /// (whose email is not known yet).
    pub(crate) fn set_user_ref(&mut self, user: Option<u64>) {
        self.user_ref = user;
    }

    /// The kept finding `index` of `code`.
    pub(crate) fn kept_mut(&mut self, code: Code, index: usize) -> Option<&mut Finding> {
        self.groups.get_mut(&code)?.findings.get_mut(index)
    }

    pub(crate) fn finish(self) -> Report {
        let mut groups: Vec<FindingGroup> = self.groups.into_values().collect();
        // BTreeMap order is Code order; a stable sort keeps it within a severity.
        groups.sort_by_key(|g| std::cmp::Reverse(g.severity));
        for g in &mut groups {
            g.findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        }
        Report { groups }
    }
}
