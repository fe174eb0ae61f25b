package org.ferrymq.appserver.wildfly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import java.io.File;
import java.net.URISyntaxException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.ferrymq.appserver.ResourceAdapterTests;
import org.ferrymq.examples.ee.OrderDesk;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example application (package {@code org.ferrymq.examples.ee}) in WildFly configured as the
 * README says: the rar deployed as it is built, no {@code ironjacamar.xml} in it and no server
 * descriptor in the application; the server's configuration (the README's CLI commands, run on
 * {@code standalone-ferrymq.xml} by the build) binds the connection factory and the queue and
 * makes FerryMQ the default adapter of message-driven beans.
 */
@ExtendWith(ArquillianExtension.class)
class WildFlyOrderDeskExampleIT {

    private static final Duration SHIPPING_WAIT = Duration.ofSeconds(20);

    @Deployment(name = "ra", order = 1, testable = false)
    static ResourceAdapterArchive adapter() {
        return ResourceAdapterTests.builtAdapter();
    }

    @Deployment(name = "app", order = 2)
    static WebArchive application() throws URISyntaxException {
        // the application brings its own H2 driver for the data source it defines
        File h2 = new File(org.h2.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return ShrinkWrap.create(WebArchive.class, "order-desk.war")
                .addPackage(OrderDesk.class.getPackage())
                .addAsLibraries(h2);
    }

    @EJB
    private OrderDesk desk;

    @Test
    @OperateOnDeployment("app")
    void aPlacedOrderIsShippedByTheMessageDrivenBean() throws Exception {
        long id = desk.place("kettle", 2);
        assertEquals(Optional.of("SHIPPED"), awaitShipped(id));
        assertEquals(1, desk.count("kettle"));
    }

    @Test
    @OperateOnDeployment("app")
    void anOrderThatFailsLeavesNoRowAndIsNeverShipped() throws Exception {
        assertThrows(EJBException.class, () -> desk.place("nothing at all", 0));
        assertEquals(0, desk.count("nothing at all"), "the row of the rolled-back order was inserted");

        long later = desk.place("teapot", 1);
        assertEquals(Optional.of("SHIPPED"), awaitShipped(later));
    }

    private Optional<String> awaitShipped(long id) throws SQLException, InterruptedException {
        Instant deadline = Instant.now().plus(SHIPPING_WAIT);
        Optional<String> status = desk.status(id);
        while (!status.equals(Optional.of("SHIPPED")) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            status = desk.status(id);
        }
        return status;
    }
}
