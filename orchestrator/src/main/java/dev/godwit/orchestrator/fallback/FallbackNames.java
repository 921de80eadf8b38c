package dev.godwit.orchestrator.fallback;

import dev.godwit.mappings.task.Task;

/**
 * The names of what a fallback creates: a slot and a publication on the target (the new primary), and a replication
 * origin on the source, each derived from the task's slot name so that two tasks never share them.
 */
public record FallbackNames(String slot, String publication, String origin) {
    private static final String SUFFIX = "_fallback";
    private static final int MAX_NAME = 63;

    public static FallbackNames of(Task task) {
        return new FallbackNames(suffixed(task.settings().slotName()), suffixed(task.settings().publicationName()),
                suffixed(task.settings().slotName()));
    }

    private static String suffixed(String name) {
        String base = name.length() + SUFFIX.length() > MAX_NAME ? name.substring(0, MAX_NAME - SUFFIX.length()) : name;
        return base + SUFFIX;
    }
}
