package dev.godwit.orchestrator.load;

import dev.godwit.workers.copy.CopyStatements;

/**
 * One unit as a worker copies it, with nothing left to plan: its ledger id, its table, its two COPY statements, and the
 * TRUNCATE run first in its target transaction when the unit is its table's only one and loaded with COPY FREEZE.
 *
 * @param truncateFirst null when nothing is truncated
 */
public record UnitWork(String unitId, String tableKey, CopyStatements statements, String truncateFirst) {
}
