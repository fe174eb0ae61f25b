package org.ferrymq.appserver;

import org.jboss.arquillian.container.spi.ServerKillProcessor;
import org.jboss.arquillian.core.spi.LoadableExtension;

/** Registers {@link HardKill} with Arquillian on the test's side. */
public class HardKillExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        builder.service(ServerKillProcessor.class, HardKill.class);
    }
}
