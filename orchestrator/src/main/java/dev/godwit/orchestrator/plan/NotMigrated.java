package dev.godwit.orchestrator.plan;

/** Something of the source that the run will not carry to the target, and why. */
public record NotMigrated(String object, String reason) {
    @Override
    public String toString() {
        return object + ": " + reason;
    }
}
