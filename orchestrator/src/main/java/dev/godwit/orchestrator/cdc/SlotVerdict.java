package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.task.SlotSettings;
import dev.godwit.orchestrator.plan.Sizes;
import dev.godwit.workers.cdc.stream.SlotInspector.SlotState;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one reading of the task's slot means, decided without a server so each threshold can be tested alone: the
 * slot is healthy, close to a limit (a warning), over the task's budget, or lost (invalidated by the server, or gone).
 *
 * @param level how bad it is
 * @param why   the sentence an event and the log say, with the figures that led to it
 */
public record SlotVerdict(Level level, String why) {
    /** A warning once the slot retains this share of the task's budget. */
    static final double BUDGET_WARNING_SHARE = 0.8;
    /** A warning once safe_wal_size falls under this share of max_slot_wal_keep_size. */
    static final double SAFE_WARNING_SHARE = 0.2;

    /** In order of gravity. */
    public enum Level { HEALTHY, WARNING, OVER_BUDGET, LOST }

    /**
     * @param slotName   the task's slot
     * @param slot       the reading; empty when the slot does not exist
     * @param maxKeep    the server's max_slot_wal_keep_size in bytes; empty when unlimited
     * @param settings   the task's budget and policy
     */
    public static SlotVerdict of(String slotName, Optional<SlotState> slot, OptionalLong maxKeep, SlotSettings settings) {
        if (slot.isEmpty() || !slot.get().exists()) {
            return new SlotVerdict(Level.LOST, "replication slot " + slotName + " no longer exists on the source (it was"
                    + " dropped while the task ran)");
        }
        SlotState s = slot.get();
        if (s.isLost() && !"lost".equals(s.walStatus())) {
            String reason = s.invalidationReason().orElse("?");
            return new SlotVerdict(Level.LOST, "replication slot " + slotName + " was invalidated by the source"
                    + " (invalidation_reason " + reason + ("idle_timeout".equals(reason)
                    ? ": unused for longer than idle_replication_slot_timeout" : "") + ")");
        }
        if (s.isLost()) {
            return new SlotVerdict(Level.LOST, "replication slot " + slotName + " was invalidated by the source"
                    + " (wal_status lost: it retained more WAL than max_slot_wal_keep_size"
                    + (maxKeep.isPresent() ? " = " + Sizes.human(maxKeep.getAsLong()) : "") + " allows)");
        }
        String retains = "replication slot " + slotName + " retains " + Sizes.human(s.retainedBytes()) + " of WAL";
        if (settings.maxRetainedWal().isPresent()) {
            long budget = settings.maxRetainedWal().getAsLong();
            if (s.retainedBytes() > budget) {
                return new SlotVerdict(Level.OVER_BUDGET, retains + ", more than the task's budget of "
                        + Sizes.human(budget) + " (settings.slot.maxRetainedWal, onBudget: "
                        + settings.onBudget().spelling() + ")");
            }
            if (s.retainedBytes() >= budget * BUDGET_WARNING_SHARE) {
                return new SlotVerdict(Level.WARNING, retains + ", " + percent(s.retainedBytes(), budget)
                        + " of the task's budget of " + Sizes.human(budget) + " (settings.slot.maxRetainedWal, onBudget: "
                        + settings.onBudget().spelling() + ")");
            }
        }
        if ("unreserved".equals(s.walStatus())) {
            return new SlotVerdict(Level.WARNING, retains + ", past max_slot_wal_keep_size (wal_status unreserved):"
                    + " the source invalidates the slot at its next checkpoint unless godwit catches up first");
        }
        if (s.safeWalSize().isPresent() && maxKeep.isPresent()
                && s.safeWalSize().getAsLong() < maxKeep.getAsLong() * SAFE_WARNING_SHARE) {
            return new SlotVerdict(Level.WARNING, retains + "; the source invalidates it after "
                    + Sizes.human(Math.max(0, s.safeWalSize().getAsLong())) + " more (safe_wal_size, under "
                    + percent((long) (maxKeep.getAsLong() * SAFE_WARNING_SHARE), maxKeep.getAsLong())
                    + " of max_slot_wal_keep_size = " + Sizes.human(maxKeep.getAsLong()) + ")");
        }
        return new SlotVerdict(Level.HEALTHY, retains);
    }

    private static String percent(long part, long whole) {
        return Math.round(100.0 * part / whole) + "%";
    }
}
