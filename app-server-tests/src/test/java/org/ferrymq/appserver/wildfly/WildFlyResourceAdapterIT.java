package org.ferrymq.appserver.wildfly;

import org.ferrymq.appserver.ResourceAdapterTests;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The resource adapter's tests ({@link ResourceAdapterTests}) in WildFly: the rar carries an
 * {@code ironjacamar.xml} that activates it and binds the connection factory and destinations;
 * {@code jboss-ejb3.xml} binds the message-driven beans to it.
 */
class WildFlyResourceAdapterIT extends ResourceAdapterTests {

    @Deployment(name = "ra", order = 1, testable = false)
    static ResourceAdapterArchive adapter() {
        return builtAdapter().addAsManifestResource(WildFlyResourceAdapterIT.class.getResource("/wildfly/ironjacamar.xml"),
                "ironjacamar.xml");
    }

    @Deployment(name = "app", order = 2)
    static WebArchive app() {
        return application()
                // the data source's H2 driver is WildFly's module
                .addAsManifestResource(new StringAsset("Dependencies: com.h2database.h2\n"), "MANIFEST.MF")
                .addAsWebInfResource(WildFlyResourceAdapterIT.class.getResource("/wildfly/jboss-ejb3.xml"),
                        "jboss-ejb3.xml");
    }
}
