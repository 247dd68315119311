package dev.baton.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns a directory of text files into batch inputs, one run per file: {@code {text, path, name}} where
 * {@code text} is the file's content, {@code path} the file's path (the directory as given, joined with the
 * file's relative path) and {@code name} its file name.
 *
 * <p>Walks the directory recursively in path order, follows symbolic links to files (not to directories),
 * skips hidden files and directories (names starting with {@code .}), and skips files that are not text: not
 * valid UTF-8, containing a NUL byte, or larger than the size limit. Stateless and thread-safe.
 */
public final class InputDirectory {
    /** Files larger than this are skipped (bytes). Embedding models read only the first few hundred tokens. */
    public static final long DEFAULT_MAX_FILE_BYTES = 4L * 1024 * 1024;

    private final ObjectMapper json;
    private final long maxFileBytes;

    public InputDirectory(ObjectMapper json, long maxFileBytes) {
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("maxFileBytes must be >= 1, got " + maxFileBytes);
        }
        this.json = json;
        this.maxFileBytes = maxFileBytes;
    }

    /**
     * The directory's inputs and what was skipped.
     *
     * @param inputs  one input per text file, in path order
     * @param skipped the files left out, each with the reason
     */
    public record Listing(List<RunInput> inputs, List<String> skipped) {
        public Listing {
            inputs = List.copyOf(inputs);
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * Reads every text file under {@code dir}.
     *
     * @param constants fields added to every input (the file's own {@code text}, {@code path}, {@code name} win)
     * @throws BatonException INVALID_INPUT when {@code dir} is not a readable directory
     */
    public Listing read(Path dir, ObjectNode constants) {
        if (!Files.isDirectory(dir)) {
            throw BatonException.invalidInput("--input-dir", "'" + dir + "' is not a directory");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> !p.equals(dir))
                    .filter(p -> !isHidden(dir.relativize(p)))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw BatonException.invalidInput("--input-dir", "cannot list '" + dir + "': " + e.getMessage());
        }
        List<RunInput> inputs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path file : files) {
            String path = file.toString();
            String text;
            try {
                long size = Files.size(file);
                if (size > maxFileBytes) {
                    skipped.add(path + " (larger than " + maxFileBytes + " bytes)");
                    continue;
                }
                text = decodeText(Files.readAllBytes(file));
            } catch (IOException e) {
                skipped.add(path + " (unreadable: " + e.getMessage() + ")");
                continue;
            }
            if (text == null) {
                skipped.add(path + " (not UTF-8 text)");
                continue;
            }
            ObjectNode fields = json.createObjectNode();
            fields.put("text", text);
            fields.put("path", path);
            fields.put("name", file.getFileName().toString());
            inputs.add(new RunInput(inputs.size(), path, InputFile.withConstants(fields, constants)));
        }
        return new Listing(inputs, skipped);
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** The bytes as a string when they are UTF-8 text without NUL bytes, else {@code null}. */
    static String decodeText(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
