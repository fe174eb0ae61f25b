package org.ferrymq.appserver;

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
import org.ferrymq.appserver.app.OrdersTable;
import org.ferrymq.appserver.app.Received;
import org.ferrymq.appserver.app.Sender;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * FerryMQ's resource adapter in an application server: an EJB sends through the adapter's
 * connection factory in container-managed JTA transactions (with a Connection and Session, with
 * an injected JMSContext, and with one made by {@code createContext()}), and message-driven
 * beans bound to the adapter consume a queue and a durable topic subscription, in transactions
 * of their own.
 *
 * <p>Written once; each server's subclass deploys the rar as built by the ra module (deployment
 * "ra") and the test application (deployment "app", from {@link #application}) with what that
 * server needs to bind the adapter's resources under {@link Names} and its beans to the adapter.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class ResourceAdapterTests {

    /** ferrymq-ra.rar as the ra module built it (every server test deploys this one). */
    public static ResourceAdapterArchive builtAdapter() {
        File rar = new File(System.getProperty("ferrymq.rar", "../ra/target/ferrymq-ra.rar"));
        return ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, rar);
    }

    /** The test application: its beans, these tests, and nothing server-specific yet. */
    protected static WebArchive application() {
        return ShrinkWrap.create(WebArchive.class, "ferrymq-app.war")
                .addClasses(Names.class, Received.class, Sender.class, ContextSender.class, OrdersBean.class,
                        FlakyBean.class, NewsBean.class, OrderService.class, OrdersTable.class,
                        ResourceAdapterTests.class);
    }

    @EJB
    private Sender sender;

    @EJB
    private OrderService orderService;

    @EJB
    private ContextSender contextSender;

    @Test
    @OperateOnDeployment("app")
    public void aMessageSentInACommittedTransactionReachesTheMessageDrivenBean() throws Exception {
        sender.toOrders("committed-1", false);
        assertEquals("committed-1", Received.next("orders", 20));
    }

    @Test
    @OperateOnDeployment("app")
    public void aMessageSentInARolledBackTransactionIsNeverDelivered() throws Exception {
        sender.toOrders("rolled-back", true);
        sender.toOrders("committed-after", false);
        assertEquals("committed-after", Received.next("orders", 20),
                "the message of the rolled-back transaction was delivered");
        assertNull(Received.next("orders", 2));
    }

    @Test
    @OperateOnDeployment("app")
    public void aRowAndAMessageInOneTransactionAreBothThereExactlyOnceOrNeither() throws Exception {
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
    public void aMessageWhoseBeanThrowsIsRedeliveredFlagged() throws Exception {
        sender.toFlaky("flaky-1");
        assertEquals("flaky-1", Received.next("flaky", 20));
        assertEquals("flaky-1 (redelivered)", Received.next("flaky", 20));
        assertNull(Received.next("flaky", 2), "delivered again after a successful delivery");
    }

    @Test
    @OperateOnDeployment("app")
    public void aDurableTopicSubscriptionDeliversToItsBean() throws Exception {
        sender.toNews("headline-1");
        assertEquals("headline-1", Received.next("news", 20));
    }

    @Test
    @OperateOnDeployment("app")
    public void anInjectedJMSContextSendsInTheCommittedTransaction() throws Exception {
        contextSender.withInjectedContext("injected-committed", false);
        assertEquals("injected-committed", Received.next("orders", 20));
    }

    @Test
    @OperateOnDeployment("app")
    public void anInjectedJMSContextsMessageOfARolledBackTransactionIsNeverDelivered() throws Exception {
        contextSender.withInjectedContext("injected-rolled-back", true);
        contextSender.withInjectedContext("injected-after", false);
        assertEquals("injected-after", Received.next("orders", 20),
                "the message of the rolled-back transaction was delivered");
        assertNull(Received.next("orders", 2));
    }

    @Test
    @OperateOnDeployment("app")
    public void aContextFromCreateContextSendsInTheTransaction() throws Exception {
        contextSender.withCreatedContext("created-rolled-back", true);
        contextSender.withCreatedContext("created-committed", false);
        assertEquals("created-committed", Received.next("orders", 20),
                "the message of the rolled-back transaction was delivered");
        assertNull(Received.next("orders", 2));
    }

    @Test
    @OperateOnDeployment("app")
    public void aContextInATransactionIgnoresItsSessionModeAndRefusesALocalCommit() {
        assertEquals("SESSION_TRANSACTED, TransactionInProgressRuntimeException",
                contextSender.createdContextInTransaction());
    }
}
