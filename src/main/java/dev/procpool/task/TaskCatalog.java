package dev.procpool.task;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Every target a worker can run: the built-in tasks and the {@link Task} methods found in
 * plugin JARs. Built-in names win; a plugin task that repeats a taken name is skipped with
 * a warning.
 */
public final class TaskCatalog {

    private static final System.Logger LOG = System.getLogger(TaskCatalog.class.getName());

    private final Map<String, TaskMethod> byName;
    private final List<Path> pluginJars;

    private TaskCatalog(Map<String, TaskMethod> byName, List<Path> pluginJars) {
        this.byName = Collections.unmodifiableMap(byName);
        this.pluginJars = List.copyOf(pluginJars);
    }

    /** The built-in tasks only. */
    public static TaskCatalog builtins() {
        return load(null);
    }

    /**
     * The built-in tasks plus those in every {@code *.jar} directly inside {@code pluginsDir}
     * (none when it is null or does not exist).
     */
    public static TaskCatalog load(Path pluginsDir) {
        var byName = new LinkedHashMap<String, TaskMethod>();
        addAll(byName, BuiltinTasks.class, "built-in");
        addAll(byName, SharedTasks.class, "built-in");
        addAll(byName, QueueTasks.class, "built-in");
        List<Path> jars = listJars(pluginsDir);
        if (!jars.isEmpty()) {
            URLClassLoader loader = new URLClassLoader("procpool-plugins", urls(jars), TaskCatalog.class.getClassLoader());
            for (Path jar : jars) {
                for (Class<?> type : classesIn(jar, loader)) {
                    addAll(byName, type, jar.getFileName().toString());
                }
            }
        }
        return new TaskCatalog(byName, jars);
    }

    private static void addAll(Map<String, TaskMethod> byName, Class<?> type, String origin) {
        Method[] methods;
        try {
            methods = type.getMethods();
        } catch (LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "skipped {0} from {1}: {2}", type.getName(), origin, e.toString());
            return;
        }
        for (Method m : methods) {
            if (!m.isAnnotationPresent(Task.class)) {
                continue;
            }
            TaskMethod t;
            try {
                t = TaskMethod.of(m);
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "skipped a task in {0}: {1}", origin, e.getMessage());
                continue;
            }
            TaskMethod taken = byName.putIfAbsent(t.name(), t);
            if (taken != null) {
                LOG.log(System.Logger.Level.WARNING, "skipped task {0} in {1}: the name is taken by {2}",
                        t.name(), origin, taken.className());
            } else if (!"built-in".equals(origin)) {
                LOG.log(System.Logger.Level.INFO, "task {0} from plugin {1}", t.name(), origin);
            }
        }
    }

    private static List<Path> listJars(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                    .map(Path::toAbsolutePath).sorted().toList();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list plugins in " + dir, e);
            return List.of();
        }
    }

    private static URL[] urls(List<Path> jars) {
        try {
            URL[] urls = new URL[jars.size()];
            for (int i = 0; i < urls.length; i++) {
                urls[i] = jars.get(i).toUri().toURL();
            }
            return urls;
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Class<?>> classesIn(Path jar, ClassLoader loader) {
        var classes = new ArrayList<Class<?>>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                String entry = e.nextElement().getName();
                if (!entry.endsWith(".class") || entry.startsWith("META-INF/") || entry.endsWith("module-info.class")) {
                    continue;
                }
                String className = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
                try {
                    classes.add(Class.forName(className, false, loader));
                } catch (ClassNotFoundException | LinkageError ex) {
                    LOG.log(System.Logger.Level.WARNING, "skipped {0} in {1}: {2}", className, jar, ex.toString());
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read plugin " + jar, e);
        }
        return classes;
    }

    public Optional<TaskMethod> find(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    /** @throws UnknownTargetException listing the available names */
    public TaskMethod require(String name) {
        return find(name).orElseThrow(() -> new UnknownTargetException(name, names()));
    }

    public List<String> names() {
        return byName.keySet().stream().sorted().toList();
    }

    public List<TaskMethod> all() {
        return byName.values().stream().sorted(Comparator.comparing(TaskMethod::name)).toList();
    }

    /** Plugin JARs, to be put on every worker's class path. */
    public List<Path> pluginJars() {
        return pluginJars;
    }
}
