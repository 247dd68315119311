package dev.baton.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputDirectoryTest {
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void makes_one_input_per_text_file_recursively_in_path_order() throws Exception {
        Files.writeString(dir.resolve("b.txt"), "second");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/c.md"), "third é");
        Files.writeString(dir.resolve("a.txt"), "first");

        InputDirectory.Listing listing = new InputDirectory(json, 1024).read(dir, json.createObjectNode().put("k", "v"));

        assertThat(listing.inputs()).extracting(i -> i.inputs().get("name").asText())
                .containsExactly("a.txt", "b.txt", "c.md");
        RunInput third = listing.inputs().get(2);
        assertThat(third.inputs().get("text").asText()).isEqualTo("third é");
        assertThat(third.inputs().get("path").asText()).isEqualTo(dir.resolve("sub/c.md").toString());
        assertThat(third.source()).isEqualTo(dir.resolve("sub/c.md").toString());
        assertThat(third.inputs().get("k").asText()).isEqualTo("v");
        assertThat(listing.skipped()).isEmpty();
    }

    @Test
    void skips_binary_invalid_utf8_oversized_and_hidden_files() throws Exception {
        Files.writeString(dir.resolve("ok.txt"), "text");
        Files.write(dir.resolve("image.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13});
        Files.write(dir.resolve("latin1.txt"), new byte[]{'c', 'a', 'f', (byte) 0xE9});
        Files.writeString(dir.resolve("big.txt"), "x".repeat(2000));
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/config"), "hidden");

        InputDirectory.Listing listing = new InputDirectory(json, 1024).read(dir, json.createObjectNode());

        assertThat(listing.inputs()).extracting(i -> i.inputs().get("name").asText()).containsExactly("ok.txt");
        assertThat(listing.skipped()).hasSize(3)
                .anySatisfy(s -> assertThat(s).contains("image.png").contains("not UTF-8 text"))
                .anySatisfy(s -> assertThat(s).contains("latin1.txt"))
                .anySatisfy(s -> assertThat(s).contains("big.txt").contains("larger than 1024 bytes"));
    }

    @Test
    void rejects_a_path_that_is_not_a_directory() throws Exception {
        Path file = Files.writeString(dir.resolve("file.txt"), "x");

        assertThatThrownBy(() -> new InputDirectory(json, 1024).read(file, json.createObjectNode()))
                .hasMessageContaining("--input-dir").hasMessageContaining("is not a directory");
    }

    @Test
    void strips_a_utf8_byte_order_mark() {
        assertThat(InputDirectory.decodeText(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'h', 'i'})).isEqualTo("hi");
    }
}
