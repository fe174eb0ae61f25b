package org.ferrymq.appserver;

import org.jboss.arquillian.container.spi.Container;
import org.jboss.arquillian.container.spi.ServerKillProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@code ContainerController.kill(name)} does to a server here: SIGKILL, as {@code kill -9}
 * would, so that a recovery test sees a crash, not a shutdown. Neither server's Arquillian
 * adapter can kill; this finds the server's process instead: WildFly's is the java process
 * started with its {@code jboss.home.dir}; Payara's domain writes its pid to a file.
 */
public class HardKill implements ServerKillProcessor {

    private static final Duration EXIT_WAIT = Duration.ofSeconds(30);

    @Override
    public void kill(Container container) throws Exception {
        ProcessHandle server = serverProcess(container.getContainerConfiguration().getContainerProperties());
        server.destroyForcibly();
        try {
            server.onExit().get(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException("Server process " + server.pid() + " of container '"
                    + container.getName() + "' still runs " + EXIT_WAIT.toSeconds() + " s after SIGKILL", e);
        }
    }

    /** The live process of the server a container configuration describes. */
    public static ProcessHandle serverProcess(Map<String, String> configuration) throws IOException {
        if (configuration.containsKey("jbossHome")) {
            return wildFlyProcess(Path.of(configuration.get("jbossHome")));
        }
        if (configuration.containsKey("payaraHome")) {
            String domain = configuration.getOrDefault("domain", "domain1");
            return payaraProcess(Path.of(configuration.get("payaraHome")), domain);
        }
        throw new IllegalArgumentException("Container configuration " + configuration.keySet()
                + " has neither jbossHome (WildFly) nor payaraHome (Payara); cannot tell which process to kill");
    }

    public static ProcessHandle wildFlyProcess(Path jbossHome) {
        String homeArgument = "-Djboss.home.dir=" + jbossHome.toAbsolutePath().normalize();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments()
                        .map(args -> java.util.Arrays.asList(args).contains(homeArgument))
                        .orElse(false))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No running WildFly started with " + homeArgument));
    }

    public static ProcessHandle payaraProcess(Path payaraHome, String domain) throws IOException {
        Path pidFile = payaraHome.resolve("glassfish/domains").resolve(domain).resolve("config/pid");
        if (!Files.exists(pidFile)) {
            throw new IllegalStateException("No pid file " + pidFile + ": Payara domain '" + domain + "' is not running");
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).orElseThrow(() ->
                new IllegalStateException("Payara domain '" + domain + "' pid " + pid + " (from " + pidFile + ") is not running"));
    }
}
