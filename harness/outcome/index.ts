/** A run's outcome: its shape, verdict.json, the replay command and how observed verdicts meet expected ones. */
export { compareWithExpected, expectationsMet, guaranteeRows, verdictMatches, type CheckedRow, type GuaranteeRow, type Judgement } from './expectations.ts';
export { detailsOf, guaranteesOf, replayCommand, type BackendName, type OutcomeSummary, type ScenarioOutcome } from './outcome.ts';
export { readShownVerdict, readVerdictFile, withDefaults, writeVerdictFile, type ShownVerdict, type StoredVerdict, type VerdictRecord } from './verdict-file.ts';
