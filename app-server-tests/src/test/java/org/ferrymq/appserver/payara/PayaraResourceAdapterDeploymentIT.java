package org.ferrymq.appserver.payara;

import jakarta.annotation.Resource;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.resource.AdministeredObjectDefinition;
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
 * application defines with {@code @AdministeredObjectDefinition}, naming the adapter by its
 * module name.
 */
@ExtendWith(ArquillianExtension.class)
@AdministeredObjectDefinition(name = "java:app/stub/orders", resourceAdapter = "stub-ra",
        className = "org.ferrymq.appserver.stubra.StubQueue", interfaceName = "jakarta.jms.Queue",
        properties = "queueName=orders")
class PayaraResourceAdapterDeploymentIT {

    @Deployment(name = "ra", order = 1, testable = false)
    static ResourceAdapterArchive resourceAdapter() {
        return StubResourceAdapterArchive.create();
    }

    @Deployment(name = "app", order = 2)
    static WebArchive application() {
        return ShrinkWrap.create(WebArchive.class, "mdb-binding.war")
                .addClass(StubDestinationListener.class);
    }

    @Resource(lookup = "java:app/stub/orders")
    private Queue orders;

    @Test
    @OperateOnDeployment("app")
    void messageDrivenBeanIsActivatedOnTheThirdPartyAdapter() {
        assertEquals("payara-smoke", System.getProperty(StubResourceAdapter.ACTIVATIONS_PROPERTY));
    }

    @Test
    @OperateOnDeployment("app")
    void applicationDefinesAnAdministeredObjectOfTheThirdPartyAdapter() throws JMSException {
        assertEquals("orders", orders.getQueueName());
    }
}
