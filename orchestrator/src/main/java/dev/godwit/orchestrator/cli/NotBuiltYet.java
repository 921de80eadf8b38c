package dev.godwit.orchestrator.cli;

/** The one honest line a verb prints while its capability does not exist yet. */
final class NotBuiltYet {
    private NotBuiltYet() {
    }

    static GodwitException because(String verb, String what) {
        return new GodwitException(ExitCodes.FAILED, "'godwit " + verb + "' is not available in this version of godwit: "
                + what + " is not built yet. 'godwit plan TASK' shows what a run would do.");
    }
}
