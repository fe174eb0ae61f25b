package org.ferrymq.appserver.wildfly;

import jakarta.annotation.Resource;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import org.ferrymq.appserver.stubra.StubResourceAdapter;
import org.ferrymq.appserver.stubra.StubResourceAdapterArchive;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Proves the layout the resource adapter's tests will use: the rar as its own deployment,
 * deployed first; an application whose MDB binds to it; and an administered object that the
 * rar's own ironjacamar.xml defines (WildFly activates a rar with admin objects only with such
 * a file or a resource-adapters subsystem entry).
 */
@ExtendWith(ArquillianExtension.class)
class WildFlyResourceAdapterDeploymentIT {

    @Deployment(name = "ra", order = 1, testable = false)
    static ResourceAdapterArchive resourceAdapter() {
        return StubResourceAdapterArchive.create();
    }

    @Deployment(name = "app", order = 2)
    static WebArchive application() {
        return ShrinkWrap.create(WebArchive.class, "mdb-binding.war")
                .addClass(StubDestinationListener.class);
    }

    @Resource(lookup = "java:/jms/stub/orders")
    private Queue orders;

    @Test
    @OperateOnDeployment("app")
    void messageDrivenBeanIsActivatedOnTheThirdPartyAdapter() {
        assertEquals("wildfly-smoke", System.getProperty(StubResourceAdapter.ACTIVATIONS_PROPERTY));
    }

    @Test
    @OperateOnDeployment("app")
    void administeredObjectOfTheAdaptersIronJacamarXmlIsBound() throws JMSException {
        assertEquals("orders", orders.getQueueName());
    }
}
