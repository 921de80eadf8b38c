package dev.godwit.orchestrator.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged program, as users run it: {@code java -jar godwit.jar}. */
class GodwitJarIT {
    private static final Path JAR = Path.of("target", "godwit.jar");

    @Test
    void thePackagedJarRunsAndExplainsEveryCommand() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "mvn package builds " + JAR.toAbsolutePath());
        Result help = java("--help");
        assertEquals(0, help.code(), help::toString);
        assertTrue(help.out().contains("cutover"), help::toString);
        Result planHelp = java("plan", "--help");
        assertEquals(0, planHelp.code(), planHelp::toString);
        assertTrue(planHelp.out().contains("Usage: godwit plan"), planHelp::toString);
        Result version = java("--version");
        assertTrue(version.out().startsWith("godwit 0."), version::toString);
    }

    @Test
    void aMissingTaskFileExitsWith2AndNoStackTrace() throws Exception {
        Result r = java("plan", "/nonexistent/task.yaml");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r::toString);
        assertTrue(r.err().contains("/nonexistent/task.yaml"), r::toString);
        assertTrue(!r.err().contains("\tat "), r::toString);
    }

    @Test
    void logLinesCanBeJsonObjectsOnePerLine() throws Exception {
        Result r = java("-v", "--log-format", "json", "plan", "/nonexistent/task.yaml");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r::toString);
        List<String> json = r.err().lines().filter(l -> l.startsWith("{")).toList();
        assertTrue(!json.isEmpty(), r::toString);
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : json) {
            com.fasterxml.jackson.databind.JsonNode node = mapper.readTree(line);
            assertTrue(node.hasNonNull("level") && node.hasNonNull("message") && node.hasNonNull("timestamp"), line);
        }
        assertTrue(json.stream().anyMatch(l -> l.contains("details of the error above")), r::toString);
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("error: ")), "the user's error line stays readable");
    }

    private record Result(int code, String out, String err) {
    }

    private static Result java(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile("godwit-err", ".txt");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "godwit did not finish");
        String errText = Files.readString(err);
        Files.delete(err);
        return new Result(p.exitValue(), out, errText);
    }
}
