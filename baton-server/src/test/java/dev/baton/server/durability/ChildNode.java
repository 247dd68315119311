package dev.baton.server.durability;

import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.ConfigSource;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * The main class of the child process a crash test kills: a Baton server wired exactly as {@code baton server}
 * wires it ({@link ConfigSource} from the {@code BATON_*} environment, {@link BatonNode#open} — which resumes
 * unfinished runs — and {@link BatonServer#start}), then it serves until the process ends.
 *
 * <p>Argument: the file to write the bound port to once the API answers (written atomically, so the parent
 * never reads half a number). A graceful stop (SIGTERM) runs a shutdown hook that prints
 * {@link #SHUTDOWN_MARKER}; a SIGKILL never does, which the test checks to prove the kill was a crash.
 */
public final class ChildNode {
    /** Printed by the shutdown hook: only a graceful stop prints it. */
    static final String SHUTDOWN_MARKER = "baton-child: graceful shutdown";

    private ChildNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ChildNode PORT_FILE");
        }
        Path portFile = Path.of(args[0]);
        BatonConfig config = ConfigSource.load(null, System.getenv());
        BatonNode node = BatonNode.open(config);
        BatonServer server = BatonServer.start(node, config.server().host(), config.server().port());
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            System.out.println(SHUTDOWN_MARKER);
            System.out.flush();
            server.close();
            node.close();
        }));
        System.out.println("baton-child: listening on " + server.url() + " with " + config.store() + " after "
                + ManagementFactory.getRuntimeMXBean().getUptime() + " ms (process CPU "
                + ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L) + " ms)");
        System.out.flush();
        Path partial = portFile.resolveSibling(portFile.getFileName() + ".partial");
        Files.writeString(partial, Integer.toString(server.port()));
        Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE);
        server.awaitTermination();
    }
}
