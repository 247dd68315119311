package dev.baton.server;

import dev.baton.core.error.BatonException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The example workflows bundled in the jar under {@code /templates} (copied from the repository's
 * {@code examples/} at build time, with an index of their file names in {@code /templates/index.txt}), by name
 * (the file name without {@code .yaml}/{@code .yml}/{@code .json}).
 * Loaded once at construction; immutable and thread-safe afterwards.
 */
public final class BundledTemplates {
    private static final String ROOT = "templates";
    private static final String INDEX = ROOT + "/index.txt";
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

    /**
     * Loads every template named in a {@code /templates/index.txt} (one file name per line; the build writes the
     * jar's from the repository's {@code examples/}) on the class path of {@code loader}, every such index counted. Reads each one with
     * {@link ClassLoader#getResourceAsStream}: no zip file system over the (large) jar, no directory listing.
     *
     * @throws UncheckedIOException when the index names a file that cannot be read
     */
    public static BundledTemplates load(ClassLoader loader) {
        Map<String, Template> found = new TreeMap<>();
        try {
            Set<String> files = new TreeSet<>();
            Enumeration<URL> indexes = loader.getResources(INDEX);
            while (indexes.hasMoreElements()) {
                try (InputStream index = indexes.nextElement().openStream()) {
                    for (String line : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                        files.add(line.strip());
                    }
                }
            }
            for (String file : files) {
                var matcher = FILE.matcher(file);
                if (!matcher.matches()) {
                    continue;
                }
                try (InputStream in = loader.getResourceAsStream(ROOT + "/" + file)) {
                    if (in == null) {
                        throw new IOException(INDEX + " names '" + file + "', which is not on the class path");
                    }
                    found.putIfAbsent(matcher.group(1),
                            new Template(matcher.group(1), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled templates", e);
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
}
