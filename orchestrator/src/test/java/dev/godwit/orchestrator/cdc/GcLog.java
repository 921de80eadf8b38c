package dev.godwit.orchestrator.cdc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a JVM unified GC log ({@code -Xlog:gc:file=…}): the largest heap left in use after a collection. */
final class GcLog {
    /** "Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(64M) 2.345ms": the figure after the arrow. */
    private static final Pattern AFTER = Pattern.compile("->(\\d+)M\\(");

    private GcLog() {
    }

    static String peakAfterGc(Path log) {
        try {
            Matcher m = AFTER.matcher(Files.readString(log));
            long peak = -1;
            while (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
            }
            return peak < 0 ? "unknown (no collection logged)" : peak + " MB";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
