package dev.baton.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;

import java.util.List;

/**
 * Parses {@code --input} arguments into an input object: {@code KEY=VALUE} sets a string, {@code KEY:=JSON} a
 * typed JSON value ({@code n:=3}, {@code tags:='["a","b"]'}). A later argument for the same key wins.
 */
final class InputArguments {
    private InputArguments() {
    }

    /**
     * @throws BatonException INVALID_INPUT naming the argument when it has no {@code =}, an empty key, or
     *                        malformed JSON after {@code :=}
     */
    static ObjectNode parse(List<String> arguments, ObjectMapper json) {
        ObjectNode inputs = json.createObjectNode();
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            if (eq < 0) {
                throw BatonException.invalidInput("--input", "expected KEY=VALUE or KEY:=JSON, got '" + argument + "'");
            }
            boolean typed = eq > 0 && argument.charAt(eq - 1) == ':';
            String key = argument.substring(0, typed ? eq - 1 : eq).strip();
            String value = argument.substring(eq + 1);
            if (key.isEmpty()) {
                throw BatonException.invalidInput("--input", "empty field name in '" + argument + "'");
            }
            if (typed) {
                if (value.isBlank()) {
                    throw BatonException.invalidInput("--input", "'" + key + "' needs a JSON value after ':='");
                }
                try {
                    inputs.set(key, json.readTree(value));
                } catch (JsonProcessingException e) {
                    throw BatonException.invalidInput("--input", "'" + key + "' is not valid JSON after ':=': "
                            + e.getOriginalMessage());
                }
            } else {
                inputs.put(key, value);
            }
        }
        return inputs;
    }
}
