package org.ferrymq.appserver.stubra;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;

/**
 * The stub adapter packed as a rar with no ra.xml (its annotations describe it). FerryMQ's
 * adapter takes its place with
 * {@code ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, new File(".../ferrymq-ra.rar"))}.
 */
public final class StubResourceAdapterArchive {

    /** The archive's name; WildFly names the adapter after it, Payara after it less ".rar". */
    public static final String NAME = "stub-ra.rar";

    private StubResourceAdapterArchive() {
    }

    public static ResourceAdapterArchive create() {
        return ShrinkWrap.create(ResourceAdapterArchive.class, NAME)
                .addAsLibrary(ShrinkWrap.create(JavaArchive.class, "stub-ra.jar")
                        .addClasses(StubResourceAdapter.class, StubActivationSpec.class, StubQueue.class))
                .addAsManifestResource("stub-ra/ironjacamar.xml", "ironjacamar.xml");
    }
}
