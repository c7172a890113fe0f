package dev.procpool.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.procpool.task.Task;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.ObjectMapper;

/**
 * The class path of a worker JVM: procpool's engine classes (not the Spring edge) and Jackson,
 * wherever the manager found them, and the plugin JARs. It works the same in the three ways the
 * service runs: classes in a directory ({@code ./mvnw spring-boot:run}), nested inside a Spring
 * Boot executable JAR ({@code java -jar}), or a plain JAR beside a {@code lib/} folder (the Docker
 * image's extracted layout). Whatever is not a plain file already is written once to a private
 * cache directory as a JAR with fixed timestamps, so the same bytes give the same path and the
 * JDK's AOT cache stays valid between runs.
 */
public final class WorkerClasspath {

    /** Where procpool's own classes live in each layout, and the prefixes the worker needs. */
    private static final List<String> WORKER_PACKAGES = List.of("dev/procpool/ipc/", "dev/procpool/task/",
            "dev/procpool/worker/", "dev/procpool/shared/");
    private static final String BOOT_CLASSES = "BOOT-INF/classes/";
    private static final FileTime EPOCH = FileTime.fromMillis(315532800000L); // 1980-01-01, the zip epoch

    private final List<Path> entries;

    private WorkerClasspath(List<Path> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Resolves the class path, materialising what it must under {@code cacheDir}, and appends {@code extra} JARs. */
    public static WorkerClasspath resolve(Path cacheDir, List<Path> extra) {
        try {
            Path cache = privateDirectory(cacheDir);
            var paths = new LinkedHashSet<Path>();
            paths.add(engineJar(location(Task.class), cache));
            for (Class<?> anchor : List.of(ObjectMapper.class, JsonParser.class, JsonTypeInfo.class)) {
                paths.add(libraryJar(location(anchor), cache));
            }
            paths.addAll(extra);
            return new WorkerClasspath(new ArrayList<>(paths));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the worker class path in " + cacheDir, e);
        }
    }

    public List<Path> entries() {
        return entries;
    }

    /** The {@code -cp} argument. */
    public String asArgument() {
        return String.join(java.io.File.pathSeparator, entries.stream().map(Path::toString).toList());
    }

    /** Creates {@code dir} with mode 0700 if needed and refuses one that others can write to. */
    static Path privateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        var perms = Files.getPosixFilePermissions(dir);
        if (!perms.equals(PosixFilePermissions.fromString("rwx------"))) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        return dir;
    }

    /** Where a class was loaded from: a directory, a JAR file, or an entry nested in a JAR. */
    sealed interface Location {
        record Directory(Path dir) implements Location {
        }

        record Jar(Path jar) implements Location {
        }

        /** {@code entry} is a JAR ({@code BOOT-INF/lib/x.jar}) or a folder ({@code BOOT-INF/classes/}) inside {@code outer}. */
        record Nested(Path outer, String entry) implements Location {
        }
    }

    static Location location(Class<?> type) {
        URL url = type.getProtectionDomain().getCodeSource().getLocation();
        return parse(url.toString());
    }

    /** Parses a code-source URL: {@code file:...}, or Spring Boot's {@code jar:nested:/outer.jar/!inner!/}. */
    static Location parse(String url) {
        try {
            if (url.startsWith("jar:nested:")) {
                String rest = url.substring("jar:nested:".length());
                int sep = rest.indexOf("/!");
                Path outer = Path.of(new URI("file", null, rest.substring(0, sep), null));
                String entry = rest.substring(sep + 2);
                if (entry.endsWith("!/")) {
                    entry = entry.substring(0, entry.length() - 2);
                }
                return new Location.Nested(outer, entry);
            }
            String plain = url.startsWith("jar:file:") ? url.substring(4, url.indexOf("!/")) : url;
            Path p = Path.of(new URI(plain));
            return Files.isDirectory(p) ? new Location.Directory(p) : new Location.Jar(p);
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot tell where classes come from: " + url, e);
        }
    }

    private static Path libraryJar(Location where, Path cache) throws IOException {
        return switch (where) {
            case Location.Jar(Path jar) -> jar;
            case Location.Directory(Path dir) -> writeJar(cache, "lib", readTree(dir, ""));
            case Location.Nested(Path outer, String entry) -> extractNested(outer, entry, cache);
        };
    }

    private static Path engineJar(Location where, Path cache) throws IOException {
        Map<String, byte[]> classes = switch (where) {
            case Location.Directory(Path dir) -> readTree(dir, "");
            case Location.Jar(Path jar) -> readJar(jar, "");
            case Location.Nested(Path outer, String entry) -> readJar(outer, entry.endsWith("/") ? entry : BOOT_CLASSES);
        };
        classes.keySet().removeIf(name -> WORKER_PACKAGES.stream().noneMatch(name::startsWith));
        if (classes.isEmpty()) {
            throw new IOException("no procpool classes found in " + where);
        }
        return writeJar(cache, "procpool-worker", classes);
    }

    private static Map<String, byte[]> readTree(Path dir, String prefix) throws IOException {
        var out = new TreeMap<String, byte[]>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(prefix + dir.relativize(f).toString().replace(java.io.File.separatorChar, '/'), Files.readAllBytes(f));
            }
        }
        return out;
    }

    /** Entries of {@code jar} under {@code folder} (empty for all), with the folder stripped. */
    private static Map<String, byte[]> readJar(Path jar, String folder) throws IOException {
        var out = new TreeMap<String, byte[]>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry e : file.stream().toList()) {
                if (!e.isDirectory() && e.getName().startsWith(folder)) {
                    try (InputStream in = file.getInputStream(e)) {
                        out.put(e.getName().substring(folder.length()), in.readAllBytes());
                    }
                }
            }
        }
        return out;
    }

    private static Path extractNested(Path outer, String entry, Path cache) throws IOException {
        if (entry.endsWith("/")) {
            return writeJar(cache, "lib", readJar(outer, entry));
        }
        try (JarFile file = new JarFile(outer.toFile())) {
            JarEntry e = file.getJarEntry(entry);
            if (e == null) {
                throw new IOException(entry + " is not in " + outer);
            }
            byte[] bytes;
            try (InputStream in = file.getInputStream(e)) {
                bytes = in.readAllBytes();
            }
            String name = entry.substring(entry.lastIndexOf('/') + 1);
            return writeOnce(cache.resolve(hash(bytes) + "-" + name), out -> out.write(bytes));
        }
    }

    /** Writes a JAR with sorted entries and fixed timestamps, named by a hash of its content. */
    private static Path writeJar(Path cache, String stem, Map<String, byte[]> entries) throws IOException {
        MessageDigest md = sha256();
        entries.forEach((name, bytes) -> {
            md.update(name.getBytes(StandardCharsets.UTF_8));
            md.update(bytes);
        });
        String id = HexFormat.of().formatHex(md.digest()).substring(0, 16);
        return writeOnce(cache.resolve(stem + "-" + id + ".jar"), out -> {
            try (JarOutputStream jar = new JarOutputStream(out)) {
                for (var e : entries.entrySet()) {
                    JarEntry je = new JarEntry(e.getKey());
                    je.setLastModifiedTime(EPOCH);
                    jar.putNextEntry(je);
                    jar.write(e.getValue());
                    jar.closeEntry();
                }
            }
        });
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static Path writeOnce(Path target, Writer writer) throws IOException {
        if (Files.isRegularFile(target)) {
            return target;
        }
        Path tmp = Files.createTempFile(target.getParent(), ".part-", ".jar");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            Files.setLastModifiedTime(tmp, EPOCH);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    private static String hash(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes)).substring(0, 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
