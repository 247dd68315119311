package dev.baton.gateway.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ResponseFormat;
import dev.baton.gateway.api.Role;
import dev.baton.gateway.api.ToolCall;
import dev.baton.gateway.api.ToolChoice;
import dev.baton.gateway.api.ToolDefinition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestKeysTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<ChatMessage> MESSAGES = List.of(ChatMessage.user("weather in Paris?"));

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ChatRequest withTools(List<ToolDefinition> tools, ToolChoice choice, ResponseFormat format) {
        return new ChatRequest("gpt", MESSAGES, tools, choice, format, null, null, null, List.of(), null, null);
    }

    @Test
    void tools_tool_choice_and_response_format_are_part_of_the_key() {
        var weather = new ToolDefinition("weather", "looks it up", json("{\"type\":\"object\"}"), false);
        var strictWeather = new ToolDefinition("weather", "looks it up", json("{\"type\":\"object\"}"), true);
        var schema = new ResponseFormat.JsonSchema("answer", json("{\"type\":\"object\"}"), true);
        List<ChatRequest> requests = List.of(
                withTools(List.of(), null, null),
                withTools(List.of(weather), null, null),
                withTools(List.of(strictWeather), null, null),
                withTools(List.of(weather), new ToolChoice.Auto(), null),
                withTools(List.of(weather), new ToolChoice.Required(), null),
                withTools(List.of(weather), new ToolChoice.None(), null),
                withTools(List.of(weather), new ToolChoice.Function("weather"), null),
                withTools(List.of(), null, new ResponseFormat.JsonObject()),
                withTools(List.of(), null, schema));

        assertThat(requests.stream().map(r -> RequestKeys.chat("default", r)).distinct()).hasSize(requests.size());
    }

    @Test
    void no_response_format_is_the_same_as_text() {
        assertThat(RequestKeys.chat("default", withTools(List.of(), null, null)))
                .isEqualTo(RequestKeys.chat("default", withTools(List.of(), null, new ResponseFormat.Text())));
    }

    @Test
    void schema_property_order_matters_because_structured_output_follows_it() {
        var ab = new ResponseFormat.JsonSchema("answer", json("{\"properties\":{\"a\":{},\"b\":{}}}"), true);
        var ba = new ResponseFormat.JsonSchema("answer", json("{\"properties\":{\"b\":{},\"a\":{}}}"), true);

        assertThat(RequestKeys.chat("default", withTools(List.of(), null, ab)))
                .isNotEqualTo(RequestKeys.chat("default", withTools(List.of(), null, ba)));
    }

    @Test
    void tool_calls_and_tool_results_in_the_conversation_are_part_of_the_key() {
        var call = new ChatMessage(Role.ASSISTANT, null, null, List.of(new ToolCall("c1", "weather",
                "{\"city\":\"Paris\"}")), null);
        var otherCall = new ChatMessage(Role.ASSISTANT, null, null, List.of(new ToolCall("c1", "weather",
                "{\"city\":\"Lyon\"}")), null);
        var first = ChatRequest.of("gpt", List.of(ChatMessage.user("weather?"), call, ChatMessage.tool("c1", "sunny")));
        var second = ChatRequest.of("gpt", List.of(ChatMessage.user("weather?"), otherCall,
                ChatMessage.tool("c1", "sunny")));
        var third = ChatRequest.of("gpt", List.of(ChatMessage.user("weather?"), call, ChatMessage.tool("c1", "rain")));

        assertThat(List.of(RequestKeys.chat("default", first), RequestKeys.chat("default", second),
                RequestKeys.chat("default", third)))
                .doesNotHaveDuplicates();
    }

    @Test
    void message_boundaries_cannot_be_confused() {
        var split = ChatRequest.of("gpt", List.of(ChatMessage.user("ab"), ChatMessage.user("c")));
        var joined = ChatRequest.of("gpt", List.of(ChatMessage.user("a"), ChatMessage.user("bc")));

        assertThat(RequestKeys.chat("default", split)).isNotEqualTo(RequestKeys.chat("default", joined));
    }
}
