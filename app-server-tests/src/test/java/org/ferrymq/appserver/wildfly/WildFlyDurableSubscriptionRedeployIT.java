package org.ferrymq.appserver.wildfly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.ejb.EJB;
import java.io.File;
import org.ferrymq.appserver.app.BulletinArchive;
import org.ferrymq.appserver.app.Bulletins;
import org.ferrymq.appserver.app.Names;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A message-driven bean's durable subscription outlives its application: what is published
 * while the application is undeployed is delivered once it is deployed again.
 */
@ExtendWith(ArquillianExtension.class)
class WildFlyDurableSubscriptionRedeployIT {

    @Deployment(name = "ra", order = 1, testable = false)
    static ResourceAdapterArchive adapter() {
        return WildFlyResourceAdapterIT.adapter();
    }

    @Deployment(name = "app", order = 2)
    static WebArchive publisher() {
        return ShrinkWrap.create(WebArchive.class, "bulletins.war").addClasses(Names.class, Bulletins.class);
    }

    /** The subscriber, deployed and undeployed by the test. */
    @Deployment(name = "archive", managed = false)
    static WebArchive archive() {
        return ShrinkWrap.create(WebArchive.class, "bulletin-archive.war")
                .addClasses(Names.class, Bulletins.class, BulletinArchive.class)
                .addAsWebInfResource(WildFlyDurableSubscriptionRedeployIT.class.getResource("/wildfly/jboss-ejb3.xml"),
                        "jboss-ejb3.xml");
    }

    @ArquillianResource
    private Deployer deployer;

    @EJB
    private Bulletins bulletins;

    @Test
    @OperateOnDeployment("app")
    void whatIsPublishedWhileTheSubscriberIsUndeployedArrivesAfterItsRedeployment() throws Exception {
        deployer.deploy("archive");
        try {
            bulletins.publish("before");
            assertEquals("before", bulletins.takeArchived(20));

            deployer.undeploy("archive");
            bulletins.publish("while away");
            assertNull(bulletins.takeArchived(2), "delivered while the subscriber was undeployed");

            deployer.deploy("archive");
            assertEquals("while away", bulletins.takeArchived(20),
                    "the durable subscription lost what was published while its application was undeployed");
        } finally {
            deployer.undeploy("archive");
        }
    }
}
