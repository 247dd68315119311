package dev.baton.gateway.provider.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServerSentEventReaderTest {

    private static List<ServerSentEvent> read(String text) throws IOException {
        List<ServerSentEvent> events = new ArrayList<>();
        try (var reader = new ServerSentEventReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
            ServerSentEvent event;
            while ((event = reader.next()) != null) {
                events.add(event);
            }
        }
        return events;
    }

    @Test
    void a_line_or_an_event_longer_than_the_bound_fails_instead_of_growing_without_end() throws IOException {
        var endless = new ServerSentEventReader(new java.io.ByteArrayInputStream(
                ("data: " + "x".repeat(100)).getBytes(java.nio.charset.StandardCharsets.UTF_8)), 64);
        org.assertj.core.api.Assertions.assertThatThrownBy(endless::next)
                .isInstanceOf(IOException.class).hasMessageContaining("line longer than 64");
        var manyLines = new ServerSentEventReader(new java.io.ByteArrayInputStream(
                "data: 0123456789\n".repeat(10).getBytes(java.nio.charset.StandardCharsets.UTF_8)), 64);
        org.assertj.core.api.Assertions.assertThatThrownBy(manyLines::next)
                .isInstanceOf(IOException.class).hasMessageContaining("event data longer than 64");
        var fits = new ServerSentEventReader(new java.io.ByteArrayInputStream(
                "data: 0123456789\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 64);
        assertThat(fits.next()).isEqualTo(new ServerSentEvent("message", "0123456789", null));
    }

    @Test
    void reads_named_events_and_default_message_events() throws IOException {
        assertThat(read("event: ping\ndata: {}\n\ndata: [DONE]\n\n")).containsExactly(
                new ServerSentEvent("ping", "{}", null), new ServerSentEvent("message", "[DONE]", null));
    }

    @Test
    void joins_multi_line_data_and_skips_comments_and_unknown_fields() throws IOException {
        assertThat(read(": keep-alive\nretry: 10\ndata: one\ndata:two\nid: 7\n\n")).containsExactly(
                new ServerSentEvent("message", "one\ntwo", "7"));
    }

    @Test
    void accepts_crlf_and_cr_line_endings() throws IOException {
        assertThat(read("data: a\r\n\r\ndata: b\r\rdata: é\n\n")).extracting(ServerSentEvent::data)
                .containsExactly("a", "b", "é");
    }

    @Test
    void does_not_dispatch_events_without_data_or_an_unterminated_last_event() throws IOException {
        assertThat(read("event: empty\n\ndata: cut")).isEmpty();
    }

    @Test
    void keeps_data_after_the_first_space_verbatim() throws IOException {
        assertThat(read("data:  two spaces\ndata\n\n")).extracting(ServerSentEvent::data)
                .containsExactly(" two spaces\n");
    }
}
