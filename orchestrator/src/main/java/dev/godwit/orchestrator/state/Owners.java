package dev.godwit.orchestrator.state;

import java.lang.management.ManagementFactory;

/**
 * Which process runs a task: {@code pid@host}, with a mark refreshed every 2 s. A fresh mark of a process on this
 * machine that no longer exists (killed with SIGKILL, crashed) does not count, so a resume right after a crash is not
 * refused; a process on another machine counts until its mark is 10 s old.
 */
public final class Owners {
    private Owners() {
    }

    /** This process, as the control schema records it. */
    public static String self() {
        return ManagementFactory.getRuntimeMXBean().getName();
    }

    /** Whether another live process runs the task. */
    public static boolean runsElsewhere(TaskStore.TaskRow row) {
        return row.ownerAlive() && row.owner() != null && !row.owner().equals(self()) && !deadOnThisHost(row.owner());
    }

    /**
     * Whether the task's last run ended without a word: no live process runs it, and its owner never released it
     * (killed with SIGKILL, crashed, its machine lost).
     */
    public static boolean endedUnreleased(TaskStore.TaskRow row) {
        return row.owner() != null && !row.released() && !runsElsewhere(row) && !row.owner().equals(self());
    }

    /** Whether {@code owner} names a process on this machine that no longer exists (killed, crashed). */
    public static boolean deadOnThisHost(String owner) {
        if (owner == null) {
            return false;
        }
        int at = owner.indexOf('@');
        String selfHost = self().substring(self().indexOf('@') + 1);
        if (at <= 0 || !owner.substring(at + 1).equals(selfHost)) {
            return false;
        }
        try {
            return !ProcessHandle.of(Long.parseLong(owner.substring(0, at))).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
