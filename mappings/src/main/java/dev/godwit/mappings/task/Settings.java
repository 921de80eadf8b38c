package dev.godwit.mappings.task;

import dev.godwit.mappings.partition.PartitionSettings;

import java.util.List;
import java.util.Optional;

/**
 * Everything about how a task runs, after merging DMS task settings (if any) with godwit's own keys (which win).
 *
 * @param parallelism            concurrent copy units; 0 = choose from the CPUs and the source's connection limit
 * @param controlSchema          schema on the target holding godwit's state
 * @param targetTablePrepMode    what happens to existing target tables before their load
 * @param splitThresholdBytes    tables larger than this are copied in several ranges
 * @param allowLossyTypeChanges  lossy change-data-type rules are warnings instead of errors
 * @param slotName               logical replication slot on the source
 * @param publicationName        publication on the source
 * @param cdc                    change data capture settings
 * @param errorPolicy            what a failed row or change does to the task
 * @param applyConflicts         how the CDC applier treats changes that do not fit the target's rows
 * @param validation             validation settings
 * @param cutover                how the cutover checks, fences and ends the migration
 * @param partitions             partition rules per table
 * @param targetSchema           when set, every table lands in this schema (DMS {@code TargetMetadata.TargetSchema})
 * @param failOnNoTablesCaptured a mapping that selects nothing is an error rather than a warning
 * @param access                 whether grants and owners of the source's objects are carried
 * @param slot                   the WAL budget of the task's replication slot, and what exceeding it does
 * @param metrics                whether and how Prometheus metrics are served while the task runs
 * @param ignoredDmsKeys         DMS task-settings keys that do not apply to godwit, as {@code Section.Key}; for debug logs
 */
public record Settings(int parallelism, String controlSchema, TargetTablePrepMode targetTablePrepMode,
                       long splitThresholdBytes, boolean allowLossyTypeChanges, String slotName,
                       String publicationName, CdcSettings cdc, ErrorPolicy errorPolicy, ApplyConflicts applyConflicts,
                       ValidationSettings validation, CutoverSettings cutover, PartitionSettings partitions, Optional<String> targetSchema,
                       boolean failOnNoTablesCaptured, AccessSettings access, SlotSettings slot, MetricsSettings metrics,
                       List<String> ignoredDmsKeys) {

    public static final String DEFAULT_CONTROL_SCHEMA = "godwit";
    /**
     * Tables up to this size are copied whole: a split table is read by TID range scans, which cost the source more
     * than a sequential scan and pass through its shared buffers (docs/full-load.md, Copy units).
     */
    public static final long DEFAULT_SPLIT_THRESHOLD = 8L << 30;

    public Settings {
        ignoredDmsKeys = List.copyOf(ignoredDmsKeys);
    }

    /** The settings of a task that sets none. */
    public static Settings defaults(String taskName) {
        String derived = defaultReplicationName(taskName);
        return new Settings(0, DEFAULT_CONTROL_SCHEMA, TargetTablePrepMode.DROP_AND_CREATE, DEFAULT_SPLIT_THRESHOLD,
                false, derived, derived, CdcSettings.defaults(), ErrorPolicy.STOP, ApplyConflicts.strict(),
                ValidationSettings.defaults(), CutoverSettings.defaults(), PartitionSettings.keepAll(), Optional.empty(), true, AccessSettings.defaults(),
                SlotSettings.defaults(), MetricsSettings.defaults(), List.of());
    }

    /**
     * {@code godwit_<name>}, with hyphens turned into underscores because slot names allow only lower-case
     * letters, digits and underscores.
     */
    public static String defaultReplicationName(String taskName) {
        return "godwit_" + taskName.replace('-', '_');
    }
}
