package dev.baton.server.cli;

import dev.baton.core.error.BatonException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A workflow definition file as given on the command line.
 *
 * @param path   the file
 * @param name   its name as errors show it (the path as given)
 * @param source its text
 */
record WorkflowFile(Path path, String name, String source) {

    /**
     * Reads the file.
     *
     * @throws BatonException INVALID_INPUT when it does not exist or cannot be read as UTF-8
     */
    static WorkflowFile read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw BatonException.invalidInput("FILE", "workflow file '" + path + "' does not exist");
        }
        try {
            return new WorkflowFile(path, path.toString(), Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw BatonException.invalidInput("FILE", "cannot read workflow file '" + path + "': " + e.getMessage());
        }
    }
}
