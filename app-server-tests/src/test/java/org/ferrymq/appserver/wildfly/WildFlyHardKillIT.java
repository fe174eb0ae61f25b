package org.ferrymq.appserver.wildfly;

import org.ferrymq.appserver.HardKill;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves what a crash-recovery test needs: the test kills WildFly with SIGKILL and starts it
 * again on the same installation (so on the same data directory). Runs against the manually
 * controlled container "wildfly-manual" in its own failsafe execution.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@EnabledIfSystemProperty(named = "arquillian.launch", matches = ".*-manual",
        disabledReason = "controls a server of its own: runs in the hard-kill failsafe execution")
class WildFlyHardKillIT {

    private static final String SERVER = "wildfly-manual";

    @ArquillianResource
    private ContainerController servers;

    @Test
    void serverKilledWithSigkillStartsAgain() {
        Path home = Path.of(System.getProperty("wildfly.home"));
        servers.start(SERVER);
        ProcessHandle first = HardKill.wildFlyProcess(home);

        servers.kill(SERVER);

        assertFalse(first.isAlive(), "the first server process is gone");
        assertFalse(servers.isStarted(SERVER));
        servers.start(SERVER);
        try {
            ProcessHandle second = HardKill.wildFlyProcess(home);
            assertTrue(second.isAlive());
            assertNotEquals(first.pid(), second.pid());
        } finally {
            servers.stop(SERVER);
        }
    }
}
