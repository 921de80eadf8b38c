package dev.godwit.orchestrator.plan;

/** Counted nouns as people read them: "1 table", "2 tables". */
public final class Counts {
    private Counts() {
    }

    /** {@code noun} is a regular English noun in the singular. */
    public static String of(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
