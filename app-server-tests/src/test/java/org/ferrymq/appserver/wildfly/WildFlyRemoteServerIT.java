package org.ferrymq.appserver.wildfly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ferrymq.appserver.ApplicationClient;
import org.ferrymq.appserver.ResourceAdapterTests;
import org.ferrymq.appserver.StandaloneServer;
import org.ferrymq.appserver.app.Names;
import org.ferrymq.appserver.app.OrderService;
import org.ferrymq.appserver.app.OrdersBean;
import org.ferrymq.appserver.app.OrdersTable;
import org.ferrymq.appserver.app.PausingOrderService;
import org.ferrymq.appserver.app.Received;
import org.ferrymq.appserver.app.RemoteServerEndpoint;
import org.ferrymq.appserver.app.Sender;
import org.ferrymq.appserver.app.TestEndpoint;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
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
 * The resource adapter pointed at a FerryMQ standalone server ({@code ConnectionUrl}), the
 * server run from the built distribution and killed with {@code kill -9} in the middle of the
 * test: a message-driven bean receives before the kill and again after the restart, with no
 * redeployment; a container-managed transaction over an XA data source and a send over TCP
 * commits both or neither, also when the server is killed between the send and the commit.
 * The test runs as a client and talks to the application over HTTP ({@link RemoteServerEndpoint}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@EnabledIfSystemProperty(named = "arquillian.launch", matches = "wildfly",
        disabledReason = "deploys its own ferrymq-ra.rar on the shared server: runs in the default failsafe execution")
class WildFlyRemoteServerIT {

    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(90);
    /** Chosen before the deployments are made: the adapter's ConnectionUrl names it. */
    private static final int PORT;

    static {
        try {
            PORT = StandaloneServer.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ArquillianResource
    private Deployer deployer;

    /** ferrymq-ra.rar as built, with an ironjacamar.xml whose ConnectionUrl is the standalone server's. */
    @Deployment(name = "ra", order = 1, managed = false, testable = false)
    static ResourceAdapterArchive adapter() throws IOException {
        String ironjacamar = Files.readString(Path.of("src/test/resources/wildfly/ironjacamar.xml"));
        String remote = ironjacamar.replace("  <transaction-support>",
                "  <config-property name=\"ConnectionUrl\">tcp://127.0.0.1:" + PORT + "</config-property>\n"
                        + "  <transaction-support>");
        if (remote.equals(ironjacamar)) {
            throw new IllegalStateException("wildfly/ironjacamar.xml has no <transaction-support> to put ConnectionUrl before");
        }
        return ResourceAdapterTests.builtAdapter().addAsManifestResource(new StringAsset(remote), "ironjacamar.xml");
    }

    @Deployment(name = "app", order = 2, managed = false, testable = false)
    static WebArchive application() {
        return ShrinkWrap.create(WebArchive.class, "ferrymq-remote.war")
                .addClasses(Names.class, Received.class, Sender.class, OrdersBean.class, OrderService.class,
                        OrdersTable.class, PausingOrderService.class, RemoteServerEndpoint.class, TestEndpoint.class)
                // the data source's H2 driver is WildFly's module
                .addAsManifestResource(new StringAsset("Dependencies: com.h2database.h2\n"), "MANIFEST.MF")
                .addAsWebInfResource(WildFlyRemoteServerIT.class.getResource("/wildfly/jboss-ejb3.xml"),
                        "jboss-ejb3.xml");
    }

    private final ApplicationClient application = ApplicationClient.onWildFly("/ferrymq-remote/remote/", Duration.ofSeconds(150));

    @Test
    void theBeanAndTheTransactionsOutliveTheServersKillWithoutARedeployment() throws Exception {
        try (StandaloneServer server = StandaloneServer.unpack(Path.of("target/ferrymq-remote-server"), PORT)) {
            server.start();
            boolean deployed = false;
            try {
                deployer.deploy("ra");
                deployer.deploy("app");
                deployed = true;
                application.post("table");
                String run = UUID.randomUUID().toString().substring(0, 8);
                List<String> expected = new ArrayList<>();
                List<String> received = new ArrayList<>();

                // a message-driven bean receives from the server
                application.post("send?text=before-" + run);
                expected.add("before-" + run);
                received.add(nextReceived());
                assertEquals(expected, received, "the bean's first message");

                // one transaction, a row and a message: both commit, or neither
                String committed = "order-committed-" + run;
                application.post("place?rollbackOnly=false&id=" + committed);
                expected.add(committed);
                assertEquals("1", application.get("rows?id=" + committed));
                received.add(nextReceived());
                assertEquals(expected, received, "what the bean received");
                String rolledBack = "order-rolled-back-" + run;
                application.post("place?rollbackOnly=true&id=" + rolledBack);
                assertEquals("0", application.get("rows?id=" + rolledBack), "the row of a rolled-back transaction");

                // the server killed between the send and the commit: neither
                String killed = "order-killed-" + run;
                CompletableFuture<HttpResponse<String>> placing = application.postAsync("place-and-wait?id=" + killed);
                awaitWaiting(killed);
                server.kill();
                application.post("release?id=" + killed);
                HttpResponse<String> outcome = placing.get(120, TimeUnit.SECONDS);
                assertEquals(500, outcome.statusCode(), "the transaction whose server was killed before its commit "
                        + "committed: " + outcome.body());
                assertEquals("0", application.get("rows?id=" + killed), "the row of the transaction whose FerryMQ branch died "
                        + "with the server");

                // restarted on the same port and journal: the same bean receives again, no redeployment
                server.start();
                application.post("send?text=after-" + run);
                expected.add("after-" + run);
                String committedAfter = "order-after-" + run;
                application.post("place?rollbackOnly=false&id=" + committedAfter);
                expected.add(committedAfter);
                assertEquals("1", application.get("rows?id=" + committedAfter));

                received.add(nextReceived());
                received.add(nextReceived());
                assertEquals(expected, received, "what the bean received, in order, after the restart");
                assertNull(application.get("received?seconds=3"), "the bean received more: a message of a transaction that "
                        + "did not commit, or one twice");
            } finally {
                if (deployed) {
                    deployer.undeploy("app");
                }
                deployer.undeploy("ra");
            }
        }
    }

    private String nextReceived() throws Exception {
        String next = application.get("received?seconds=" + DELIVERY_WAIT.toSeconds());
        assertTrue(next != null, "the bean received nothing within " + DELIVERY_WAIT.toSeconds() + " s");
        return next;
    }

    private void awaitWaiting(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!"true".equals(application.get("waiting?id=" + id))) {
            assertTrue(System.nanoTime() < deadline, "order " + id + " did not reach its wait before the commit");
            Thread.sleep(100);
        }
    }



}
