package org.ferrymq.appserver.payara;

import org.ferrymq.appserver.ResourceAdapterTests;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The resource adapter's tests ({@link ResourceAdapterTests}) in Payara, configured as an
 * administrator would: the rar is deployed as it was built, then {@code asadmin} creates the
 * connection pool, the connection factory and the destinations
 * ({@code payara/ferrymq-resources.asadmin}), then the application is deployed: its
 * {@code web.xml} gives those resources the application's names ({@code java:global/...}, which
 * Payara does not allow for a server resource), and {@code glassfish-ejb-jar.xml} binds its
 * message-driven beans to the adapter.
 */
@AsadminScripts(deployment = "ra", setup = "/payara/ferrymq-resources.asadmin",
        teardown = "/payara/ferrymq-resources-delete.asadmin")
class PayaraResourceAdapterIT extends ResourceAdapterTests {

    @Deployment(name = "ra", order = 1, testable = false)
    static ResourceAdapterArchive adapter() {
        return builtAdapter();
    }

    @Deployment(name = "app", order = 2)
    static WebArchive app() {
        return application()
                .setWebXML(PayaraResourceAdapterIT.class.getResource("/payara/web.xml"))
                .addAsWebInfResource(PayaraResourceAdapterIT.class.getResource("/payara/glassfish-ejb-jar.xml"),
                        "glassfish-ejb-jar.xml");
    }
}
