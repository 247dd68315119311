package dev.baton.server;

import dev.baton.core.error.BatonException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The example workflows bundled in the jar under {@code /templates} (copied from the repository's
 * {@code examples/} at build time), by name (the file name without {@code .yaml}/{@code .yml}/{@code .json}).
 * Loaded once at construction; immutable and thread-safe afterwards.
 */
public final class BundledTemplates {
    private static final String ROOT = "templates";
    private static final Pattern FILE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)\\.(yaml|yml|json)");
    private static final Pattern ID_LINE = Pattern.compile("(?m)^id:[ \\t]*[^\\n#]*");

    /**
     * One bundled workflow.
     *
     * @param name   the template name, e.g. {@code classify-documents}
     * @param source the workflow's YAML or JSON text
     */
    public record Template(String name, String source) {
        /**
         * The source with its top-level {@code id} replaced, so the template can be registered under another id.
         * Works on the text (keeping comments and line numbers) when the document has a top-level {@code id:} line.
         *
         * @throws BatonException INVALID_INPUT when the template has no top-level {@code id:} line to replace
         */
        public String withId(String newId) {
            var matcher = ID_LINE.matcher(source);
            if (!matcher.find()) {
                throw BatonException.invalidInput("id", "template '" + name + "' has no top-level id line to replace");
            }
            return source.substring(0, matcher.start()) + "id: " + newId + source.substring(matcher.end());
        }
    }

    private final Map<String, Template> byName;

    private BundledTemplates(Map<String, Template> byName) {
        this.byName = Collections.unmodifiableMap(new TreeMap<>(byName));
    }

    /** Loads every template found under {@code /templates} on the class path of {@code loader}. */
    public static BundledTemplates load(ClassLoader loader) {
        Map<String, Template> found = new TreeMap<>();
        try {
            Enumeration<URL> roots = loader.getResources(ROOT);
            while (roots.hasMoreElements()) {
                collect(roots.nextElement(), found);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list bundled templates", e);
        }
        return new BundledTemplates(found);
    }

    /** Templates from explicit values (tests, embedding applications). */
    public static BundledTemplates of(List<Template> templates) {
        Map<String, Template> map = new TreeMap<>();
        templates.forEach(t -> map.put(t.name(), t));
        return new BundledTemplates(map);
    }

    /** Every template, by name. */
    public List<Template> list() {
        return List.copyOf(byName.values());
    }

    public Optional<Template> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    private static void collect(URL root, Map<String, Template> found) throws IOException {
        URI uri;
        try {
            uri = root.toURI();
        } catch (URISyntaxException e) {
            throw new IOException("bad template location " + root, e);
        }
        if ("jar".equals(uri.getScheme())) {
            FileSystem fs;
            boolean owned = false;
            try {
                fs = FileSystems.newFileSystem(uri, Map.of());
                owned = true;
            } catch (FileSystemAlreadyExistsException e) {
                fs = FileSystems.getFileSystem(uri);
            }
            try {
                read(fs.provider().getPath(uri), found);
            } finally {
                if (owned) {
                    fs.close();
                }
            }
        } else if ("file".equals(uri.getScheme())) {
            read(Path.of(uri), found);
        }
    }

    private static void read(Path dir, Map<String, Template> found) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                var matcher = FILE.matcher(file.getFileName().toString());
                if (matcher.matches() && Files.isRegularFile(file)) {
                    try (InputStream in = Files.newInputStream(file)) {
                        found.putIfAbsent(matcher.group(1),
                                new Template(matcher.group(1), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                    }
                }
            }
        }
    }
}
