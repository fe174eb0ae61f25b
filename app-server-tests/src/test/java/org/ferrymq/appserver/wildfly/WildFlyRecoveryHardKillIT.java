package org.ferrymq.appserver.wildfly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.XAConnection;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.transaction.xa.XAResource;
import org.ferrymq.appserver.ApplicationClient;
import org.ferrymq.appserver.app.Names;
import org.ferrymq.appserver.app.OrdersBean;
import org.ferrymq.appserver.app.OrdersTable;
import org.ferrymq.appserver.app.Received;
import org.ferrymq.appserver.app.RecoveryEndpoint;
import org.ferrymq.appserver.app.StalledBranchRecovery;
import org.ferrymq.appserver.app.StallingOrderService;
import org.ferrymq.appserver.app.StallingResource;
import org.ferrymq.appserver.app.TestEndpoint;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * XA recovery in WildFly, proven by crashing: in one container-managed transaction an
 * application enlists a resource that stalls in commit, inserts an order row (an XA data source)
 * and sends the order's message through FerryMQ's adapter. Once the transaction manager has
 * logged its decision to commit and stalls, the test kills WildFly with SIGKILL: FerryMQ holds a
 * prepared branch, in doubt. After the restart the server's transaction recovery must find that
 * branch through the adapter and commit it: the message is delivered once, the row is there, and
 * no branch is left in doubt.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@EnabledIfSystemProperty(named = "arquillian.launch", matches = ".*-manual",
        disabledReason = "controls a server of its own: runs in the hard-kill failsafe execution")
class WildFlyRecoveryHardKillIT {

    private static final String SERVER = "wildfly-manual";
    private static final Duration RECOVERY_WAIT = Duration.ofSeconds(90);

    @ArquillianResource
    private ContainerController servers;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "ra", order = 1, managed = false, testable = false)
    @TargetsContainer(SERVER)
    static ResourceAdapterArchive adapter() {
        return WildFlyResourceAdapterIT.adapter();
    }

    @Deployment(name = "app", order = 2, managed = false, testable = false)
    @TargetsContainer(SERVER)
    static WebArchive application() {
        return ShrinkWrap.create(WebArchive.class, "ferrymq-recovery.war")
                .addClasses(Names.class, Received.class, OrdersBean.class, StallingResource.class,
                        StalledBranchRecovery.class, StallingOrderService.class, OrdersTable.class,
                        RecoveryEndpoint.class, TestEndpoint.class)
                // the recovery helper's Narayana is WildFly's module
                .addAsManifestResource(new StringAsset("Dependencies: org.jboss.jts\n"), "MANIFEST.MF")
                .addAsWebInfResource(WildFlyRecoveryHardKillIT.class.getResource("/wildfly/recovery-orders-ds.xml"),
                        "recovery-orders-ds.xml")
                .addAsWebInfResource(WildFlyRecoveryHardKillIT.class.getResource("/wildfly/jboss-ejb3.xml"),
                        "jboss-ejb3.xml");
    }

    private final Path home = Path.of(System.getProperty("wildfly.home"));
    private final Path dataDirectory = home.resolve("standalone/data");
    /** Where {@link StallingResource} keeps its prepared branches (its {@code BRANCHES}). */
    private final Path stalledBranches = dataDirectory.resolve("stalled-branches");
    /** The transactions in Narayana's log (WildFly's default object store). */
    private final Path loggedTransactions = dataDirectory.resolve("tx-object-store/ShadowNoFileLockStore/defaultStore/"
            + "StateManager/BasicAction/TwoPhaseCoordinator/AtomicAction");
    private final ApplicationClient application = ApplicationClient.onWildFly("/ferrymq-recovery/recovery/", Duration.ofSeconds(60));

    @Test
    void aCommitLoggedBeforeTheServerWasKilledIsCompletedByRecoveryAfterTheRestart() throws Exception {
        String order = "order-" + System.currentTimeMillis();
        Path marker = stalledBranches.resolve(order + ".committing");
        List<String> loggedBefore = files(loggedTransactions);
        servers.start(SERVER);
        boolean deployed = false;
        try {
            deployer.deploy("ra");
            deployer.deploy("app");
            deployed = true;
            application.post("table");
            application.postAsync("place?id=" + order);
            awaitFile(marker, Duration.ofSeconds(60));

            servers.kill(SERVER);
            assertEquals(1, ferryMqBranchesInDoubt(), "FerryMQ's prepared branch after the kill");
            assertEquals(loggedBefore.size() + 1, files(loggedTransactions).size(),
                    "transactions in the log after the kill: " + files(loggedTransactions));

            long restart = System.nanoTime();
            servers.start(SERVER); // the adapter and the application are deployed again at boot
            List<String> received = receivedUntilQuiet(order);
            System.out.printf("%s: recovery delivered %s %.1f s after the restart began%n",
                    getClass().getSimpleName(), order, (System.nanoTime() - restart) / 1e9);
            assertEquals(1, received.stream().filter(order::equals).count(),
                    "deliveries of the message sent in the recovered transaction: " + received);
            assertEquals("1", application.get("rows?id=" + order), "rows of the recovered transaction");
            awaitNoBranchFiles(Duration.ofSeconds(30));
            Files.delete(marker);
        } finally {
            try {
                if (deployed) {
                    // the server keeps them in its configuration: undeployed, they leave it as it was
                    if (!servers.isStarted(SERVER)) {
                        servers.start(SERVER);
                    }
                    deployer.undeploy("app");
                    deployer.undeploy("ra");
                }
            } finally {
                servers.stop(SERVER);
            }
        }
        assertEquals(0, ferryMqBranchesInDoubt(), "FerryMQ branches in doubt after recovery");
        assertEquals(loggedBefore, files(loggedTransactions), "transactions in the log after recovery");
    }

    /**
     * What the orders bean received, waiting up to {@link #RECOVERY_WAIT} for {@code expected} and
     * then a few seconds more for a second delivery. It may also receive what earlier tests left.
     */
    private List<String> receivedUntilQuiet(String expected) throws Exception {
        List<String> received = new ArrayList<>();
        long deadline = System.nanoTime() + RECOVERY_WAIT.toNanos();
        while (!received.contains(expected) && System.nanoTime() < deadline) {
            String next = application.get("received?seconds=5");
            if (next != null) {
                received.add(next);
            }
        }
        for (String next = application.get("received?seconds=3"); next != null;
                next = application.get("received?seconds=3")) {
            received.add(next);
        }
        return received;
    }

    /** Opens the stopped server's broker journal in this JVM and asks it for its prepared branches. */
    private int ferryMqBranchesInDoubt() throws Exception {
        String url = "vm://ferrymq?dataDirectory="
                + encode(dataDirectory.resolve("ferrymq").toAbsolutePath().toString());
        try (XAConnection connection = new FerryXAConnectionFactory(url).createXAConnection()) {
            return connection.createXASession().getXAResource().recover(XAResource.TMSTARTRSCAN).length;
        } finally {
            EmbeddedBroker.stop("ferrymq");
        }
    }




    /** Until recovery has completed the stalling resource's branch too, the last one it completes. */
    private void awaitNoBranchFiles(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (files(stalledBranches).stream().anyMatch(f -> f.endsWith(".xid"))) {
            assertTrue(System.nanoTime() < deadline, "recovery did not complete the stalled branch within "
                    + timeout.toSeconds() + " s: " + files(stalledBranches));
            Thread.sleep(500);
        }
    }

    private static List<String> files(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static void awaitFile(Path file, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            assertTrue(System.nanoTime() < deadline, "the transaction did not reach its commit phase within "
                    + timeout.toSeconds() + " s (no " + file + "); see the server log");
            Thread.sleep(100);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
