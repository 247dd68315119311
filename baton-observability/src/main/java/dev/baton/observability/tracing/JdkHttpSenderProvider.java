package dev.baton.observability.tracing;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

import java.util.List;

/**
 * Gives the OTLP/HTTP exporter the JDK's {@link java.net.http.HttpClient} as its transport
 * ({@link JdkHttpSender}) instead of OkHttp, which is left off the class path. (OpenTelemetry's own
 * {@code opentelemetry-exporter-sender-jdk} is not published for the 1.67 line.) Handed to the exporter through
 * {@link #loader}, not the service loader, so a shaded jar needs no service file. Stateless.
 */
public final class JdkHttpSenderProvider implements HttpSenderProvider {

    @Override
    public HttpSender createSender(HttpSenderConfig config) {
        return new JdkHttpSender(config);
    }

    /**
     * A component loader that answers this provider for {@link HttpSenderProvider} and defers everything else to
     * {@code classLoader}.
     */
    public static ComponentLoader loader(ClassLoader classLoader) {
        ComponentLoader fallback = ComponentLoader.forClassLoader(classLoader);
        return new ComponentLoader() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> Iterable<T> load(Class<T> type) {
                if (type == HttpSenderProvider.class) {
                    return (List<T>) List.of(new JdkHttpSenderProvider());
                }
                return fallback.load(type);
            }
        };
    }
}
