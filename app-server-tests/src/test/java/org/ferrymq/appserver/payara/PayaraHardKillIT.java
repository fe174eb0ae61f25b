package org.ferrymq.appserver.payara;

import org.ferrymq.appserver.HardKill;
import org.ferrymq.appserver.TransactionProbe;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves what a crash-recovery test needs: the test kills Payara with SIGKILL and starts it
 * again on the same domain (so on the same data directory). Runs against the manually
 * controlled container "payara-manual" in its own failsafe execution.
 *
 * <p>The Payara connector starts the domain on the first deployment, not on
 * {@code ContainerController.start}: so each start here is followed by a deployment. The
 * domain keeps the first application across the crash and deploys it again itself, so the
 * second start deploys another one.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@EnabledIfSystemProperty(named = "arquillian.launch", matches = ".*-manual",
        disabledReason = "controls a server of its own: runs in the hard-kill failsafe execution")
class PayaraHardKillIT {

    private static final String SERVER = "payara-manual";

    @ArquillianResource
    private ContainerController servers;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "before-crash", managed = false)
    static WebArchive beforeCrash() {
        return ShrinkWrap.create(WebArchive.class, "before-crash.war").addClass(TransactionProbe.class);
    }

    @Deployment(name = "after-crash", managed = false)
    static WebArchive afterCrash() {
        return ShrinkWrap.create(WebArchive.class, "after-crash.war").addClass(TransactionProbe.class);
    }

    @Test
    void serverKilledWithSigkillStartsAgain() throws IOException {
        Path home = Path.of(System.getProperty("payara.home"));
        servers.start(SERVER);
        deployer.deploy("before-crash");
        ProcessHandle first = HardKill.payaraProcess(home, "domain1");

        servers.kill(SERVER);

        assertFalse(first.isAlive(), "the first server process is gone");
        assertFalse(servers.isStarted(SERVER));
        servers.start(SERVER);
        deployer.deploy("after-crash");
        try {
            ProcessHandle second = HardKill.payaraProcess(home, "domain1");
            assertTrue(second.isAlive());
            assertNotEquals(first.pid(), second.pid());
        } finally {
            deployer.undeploy("after-crash");
            deployer.undeploy("before-crash");
            servers.stop(SERVER);
        }
    }
}
