package org.ferrymq.appserver.app;

import com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule;
import com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import javax.transaction.xa.XAResource;

/**
 * Registers the {@link StallingResource}'s branches with WildFly's transaction recovery
 * (Narayana's XA recovery module) while the application is deployed, so that recovery
 * completes a stalled transaction entirely instead of retrying its stalled branch forever.
 * Needs the application's {@code Dependencies: org.jboss.jts}.
 */
@Singleton
@Startup
public class StalledBranchRecovery {

    private final XAResourceRecoveryHelper helper = new XAResourceRecoveryHelper() {
        @Override
        public boolean initialise(String parameter) {
            return true;
        }

        @Override
        public XAResource[] getXAResources() {
            return new XAResource[] {StallingResource.recovering()};
        }
    };

    @PostConstruct
    void register() {
        XARecoveryModule.getRegisteredXARecoveryModule().addXAResourceRecoveryHelper(helper);
    }

    @PreDestroy
    void unregister() {
        XARecoveryModule.getRegisteredXARecoveryModule().removeXAResourceRecoveryHelper(helper);
    }
}
