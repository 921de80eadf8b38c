package dev.godwit.orchestrator.preflight;

/** How bad a preflight finding is. */
public enum Severity {
    /** The run would fail or lose data: nothing is created until it is fixed (exit code 3). */
    BLOCKER,
    /** The run works, but something deserves a look: data not carried, a risk under load, an object replaced. */
    WARNING
}
