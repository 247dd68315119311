package dev.baton.bench.gateway;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a child JVM's CPU went, from a JFR recording ({@code -XX:StartFlightRecording=...,settings=profile}):
 * the execution samples ({@code jdk.ExecutionSample}, Java code only) attributed
 * <ol>
 *   <li>by <b>layer</b>: the frame nearest the top of the stack whose class belongs to a known layer (Jetty and
 *   Javalin = serving the client; the JDK HTTP client = calling the upstream; Jackson; H2 and Hikari = the usage
 *   store; logging; Baton's own packages by name), "other" when none: self time per layer;</li>
 *   <li>by <b>Baton method, inclusive</b>: the share of samples with a {@code dev.baton} method anywhere on the
 *   stack (each method counted once per sample).</li>
 * </ol>
 * Sampling stacks are truncated by JFR (64 frames by default), so deep stacks may lose their bottom frames.
 */
final class JfrProfile {
    private static final Map<String, String> LAYERS = layers();

    private JfrProfile() {
    }

    private static Map<String, String> layers() {
        Map<String, String> layers = new LinkedHashMap<>();
        layers.put("dev.baton.server.openai.", "baton /v1 wire mapping (server.openai)");
        layers.put("dev.baton.server.", "baton server (other)");
        layers.put("dev.baton.gateway.provider.", "baton provider (gateway.provider)");
        layers.put("dev.baton.gateway.routing.", "baton router (gateway.routing)");
        layers.put("dev.baton.gateway.cache.", "baton cache (gateway.cache)");
        layers.put("dev.baton.gateway.usage.", "baton accounting (gateway.usage)");
        layers.put("dev.baton.gateway.", "baton gateway (other)");
        layers.put("dev.baton.store.", "baton JDBC store");
        layers.put("dev.baton.", "baton (other)");
        layers.put("org.h2.", "H2 database");
        layers.put("com.zaxxer.hikari.", "Hikari pool");
        layers.put("com.fasterxml.jackson.", "Jackson");
        layers.put("io.github.resilience4j.", "Resilience4j");
        layers.put("io.github.bucket4j.", "Bucket4j");
        layers.put("com.github.benmanes.caffeine.", "Caffeine");
        layers.put("ch.qos.logback.", "logging");
        layers.put("org.slf4j.", "logging");
        layers.put("io.javalin.", "Javalin");
        layers.put("org.eclipse.jetty.", "Jetty");
        layers.put("jdk.internal.net.http.", "JDK HttpClient (upstream calls)");
        layers.put("java.net.http.", "JDK HttpClient (upstream calls)");
        layers.put("sun.nio.", "JDK NIO");
        layers.put("java.util.concurrent.", "java.util.concurrent");
        return layers;
    }

    /** Prints both tables for {@code recording}, the top {@code methods} Baton methods. */
    static void print(Path recording, int methods) throws IOException {
        if (!Files.isRegularFile(recording)) {
            System.out.println("no JFR recording at " + recording);
            return;
        }
        Map<String, Integer> byLayer = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                String layer = "other (JDK, JIT'd glue)";
                for (RecordedFrame frame : frames) {
                    String found = layer(frame.getMethod().getType().getName());
                    if (found != null) {
                        layer = found;
                        break;
                    }
                }
                byLayer.merge(layer, 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String type = frame.getMethod().getType().getName();
                    if (type.startsWith("dev.baton.")) {
                        String name = type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
                        if (seen.add(name)) {
                            inclusive.merge(name, 1, Integer::sum);
                        }
                    }
                }
            }
        }
        int total = Math.max(1, samples);
        System.out.printf(Locale.ROOT, "%nJFR %s: %d execution samples (Java code only)%n", recording, samples);
        System.out.println("self time by layer (nearest known frame to the top of the stack):");
        byLayer.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / total,
                        e.getKey()));
        System.out.println("Baton methods, inclusive (share of samples with the method on the stack):");
        inclusive.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(methods)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / total,
                        e.getKey()));
    }

    private static String layer(String type) {
        for (Map.Entry<String, String> entry : LAYERS.entrySet()) {
            if (type.startsWith(entry.getKey())) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** {@code JfrProfile recording.jfr [methods]}: the tables for an existing recording. */
    public static void main(String[] args) throws IOException {
        print(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 30);
    }
}
