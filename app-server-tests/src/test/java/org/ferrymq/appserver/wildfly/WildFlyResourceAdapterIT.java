package org.ferrymq.appserver.wildfly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.ejb.EJB;
import java.io.File;
import org.ferrymq.appserver.app.ContextSender;
import org.ferrymq.appserver.app.FlakyBean;
import org.ferrymq.appserver.app.Names;
import org.ferrymq.appserver.app.NewsBean;
import org.ferrymq.appserver.app.OrderService;
import org.ferrymq.appserver.app.OrdersBean;
import org.ferrymq.appserver.app.Received;
import org.ferrymq.appserver.app.Sender;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * FerryMQ's resource adapter in WildFly: an EJB sends through the adapter's connection factory
 * in container-managed JTA transactions (with a Connection and Session, with an injected
 * JMSContext, and with one made by {@code createContext()}), and message-driven beans bound to
 * the adapter consume a queue and a durable topic subscription, in transactions of their own.
 */
@ExtendWith(ArquillianExtension.class)
class WildFlyResourceAdapterIT {

    /** The adapter as built by the ra module, with the test's connection factory and destinations. */
    @Deployment(name = "ra", order = 1, testable = false)
    static ResourceAdapterArchive adapter() {
        File rar = new File(System.getProperty("ferrymq.rar", "../ra/target/ferrymq-ra.rar"));
        return ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, rar)
                .addAsManifestResource(WildFlyResourceAdapterIT.class.getResource("/wildfly/ironjacamar.xml"),
                        "ironjacamar.xml");
    }

    @Deployment(name = "app", order = 2)
    static WebArchive application() {
        return ShrinkWrap.create(WebArchive.class, "ferrymq-app.war")
                .addClasses(Names.class, Received.class, Sender.class, ContextSender.class, OrdersBean.class,
                        FlakyBean.class, NewsBean.class, OrderService.class)
                // the data source's H2 driver is WildFly's module
                .addAsManifestResource(new StringAsset("Dependencies: com.h2database.h2\n"), "MANIFEST.MF")
                .addAsWebInfResource(WildFlyResourceAdapterIT.class.getResource("/wildfly/jboss-ejb3.xml"),
                        "jboss-ejb3.xml");
    }

    @EJB
    private Sender sender;

    @EJB
    private OrderService orderService;

    @EJB
    private ContextSender contextSender;

    @Test
    @OperateOnDeployment("app")
    void aMessageSentInACommittedTransactionReachesTheMessageDrivenBean() throws Exception {
        sender.toOrders("committed-1", false);
        assertEquals("committed-1", Received.next("orders", 20));
    }

    @Test
    @OperateOnDeployment("app")
    void aMessageSentInARolledBackTransactionIsNeverDelivered() throws Exception {
        sender.toOrders("rolled-back", true);
        sender.toOrders("committed-after", false);
        assertEquals("committed-after", Received.next("orders", 20),
                "the message of the rolled-back transaction was delivered");
        assertNull(Received.next("orders", 2));
    }

    @Test
    @OperateOnDeployment("app")
    void aRowAndAMessageInOneTransactionAreBothThereExactlyOnceOrNeither() throws Exception {
        orderService.createTable();
        orderService.place("order-7", false);
        assertEquals(1, orderService.count("order-7"));
        assertEquals("order-7", Received.next("orders", 20));

        orderService.place("order-8", true);
        assertEquals(0, orderService.count("order-8"), "the row of the rolled-back transaction was inserted");
        sender.toOrders("after-order-8", false);
        assertEquals("after-order-8", Received.next("orders", 20),
                "the message of the rolled-back transaction was delivered");
        assertNull(Received.next("orders", 2), "a message was delivered twice");
    }

    @Test
    @OperateOnDeployment("app")
    void aMessageWhoseBeanThrowsIsRedeliveredFlagged() throws Exception {
        sender.toFlaky("flaky-1");
        assertEquals("flaky-1", Received.next("flaky", 20));
        assertEquals("flaky-1 (redelivered)", Received.next("flaky", 20));
        assertNull(Received.next("flaky", 2), "delivered again after a successful delivery");
    }

    @Test
    @OperateOnDeployment("app")
    void aDurableTopicSubscriptionDeliversToItsBean() throws Exception {
        sender.toNews("headline-1");
        assertEquals("headline-1", Received.next("news", 20));
    }

    @Test
    @OperateOnDeployment("app")
    void anInjectedJMSContextSendsInTheCommittedTransaction() throws Exception {
        contextSender.withInjectedContext("injected-committed", false);
        assertEquals("injected-committed", Received.next("orders", 20));
    }

    @Test
    @OperateOnDeployment("app")
    void anInjectedJMSContextsMessageOfARolledBackTransactionIsNeverDelivered() throws Exception {
        contextSender.withInjectedContext("injected-rolled-back", true);
        contextSender.withInjectedContext("injected-after", false);
        assertEquals("injected-after", Received.next("orders", 20),
                "the message of the rolled-back transaction was delivered");
        assertNull(Received.next("orders", 2));
    }

    @Test
    @OperateOnDeployment("app")
    void aContextFromCreateContextSendsInTheTransaction() throws Exception {
        contextSender.withCreatedContext("created-rolled-back", true);
        contextSender.withCreatedContext("created-committed", false);
        assertEquals("created-committed", Received.next("orders", 20),
                "the message of the rolled-back transaction was delivered");
        assertNull(Received.next("orders", 2));
    }

    @Test
    @OperateOnDeployment("app")
    void aContextInATransactionIgnoresItsSessionModeAndRefusesALocalCommit() {
        assertEquals("SESSION_TRANSACTED, TransactionInProgressRuntimeException",
                contextSender.createdContextInTransaction());
    }
}
