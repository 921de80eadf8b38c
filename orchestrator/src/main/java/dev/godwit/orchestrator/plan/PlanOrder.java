package dev.godwit.orchestrator.plan;

import java.util.Comparator;

/** The order tables start loading in: higher DMS load-order first, then the biggest first, then by name. */
final class PlanOrder {
    static final Comparator<PlannedTable> COMPARATOR = Comparator
            .comparingLong((PlannedTable t) -> t.mapping().loadOrder()).reversed()
            .thenComparing(Comparator.comparingLong(PlannedTable::sizeBytes).reversed())
            .thenComparing(t -> t.source().schema())
            .thenComparing(t -> t.source().name());

    private PlanOrder() {
    }
}
