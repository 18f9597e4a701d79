// The contract between the daemon and its drift/failure issue (`--report-issue OWNER/REPO`): after every
// reconcile the daemon says what condition the instance is in; the reporter opens, updates or closes one issue.
export type InstanceCondition =
  | { state: 'in-sync'; revision: string }
  | {
      state: 'drifted' | 'failed' | 'stalled';
      revision: string;
      /** One line, e.g. "3 operations would change the instance (plan mode)". Already redacted. */
      summary: string;
      /** Markdown for the issue body: the plan or the errors. Already redacted; secrets as (sensitive). */
      details: string;
    };

export interface IssueReporter {
  /** Called after each reconcile; sends nothing when the issue already says this. Never throws: logs instead. */
  update(condition: InstanceCondition): Promise<void>;
}
