package dev.godwit.workers.cdc.apply;

/**
 * How a run of key-preserving UPDATEs of a table may be sent.
 *
 * @param asOneStatement the rows may change in one statement: PostgreSQL checks a unique index or an exclusion
 *                       constraint as each row changes, not at the end of the statement, so one UPDATE over many
 *                       rows can fail where the same changes one by one succeed (two unique values swapped
 *                       through a third). Only when every such index covers key columns alone (which these
 *                       UPDATEs never change), with no expression and no predicate, is the order of the rows moot
 * @param merge          a later UPDATE of a row may replace an earlier one of the same run: the rows may change
 *                       in one statement and nothing on the target (a trigger, a rule) sees each change
 */
record UpdateRuns(boolean asOneStatement, boolean merge) {
}
