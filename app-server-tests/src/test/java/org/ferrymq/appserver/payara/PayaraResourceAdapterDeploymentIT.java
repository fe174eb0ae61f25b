package org.ferrymq.appserver.payara;

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
 * deployed first, and an application whose MDB binds to it.
 */
@ExtendWith(ArquillianExtension.class)
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

    @Test
    @OperateOnDeployment("app")
    void messageDrivenBeanIsActivatedOnTheThirdPartyAdapter() {
        assertEquals("payara-smoke", System.getProperty("ferrymq.stub-ra.activations"));
    }
}
