package org.ferrymq.xa;

import com.arjuna.ats.arjuna.common.CoreEnvironmentBeanException;
import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.ats.arjuna.common.recoveryPropertyManager;
import com.arjuna.ats.arjuna.recovery.RecoveryManager;
import com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule;
import com.arjuna.ats.jta.common.jtaPropertyManager;
import com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.util.List;

/**
 * Narayana, the JTA transaction manager of the XA tests, set up for one JVM. Its settings are
 * read once, on first use, so {@link #configure} must come before anything else touches it,
 * and a JVM has one object store for its life.
 */
final class Narayana {

    private Narayana() {
    }

    /**
     * Puts the object store (the log of commit decisions) in {@code objectStore} and names this
     * node {@code node}; recovery rolls back orphan branches only of the nodes it is told are its
     * own, so the same name is given as the one node to recover.
     */
    static void configure(Path objectStore, String node) {
        String dir = objectStore.toAbsolutePath().toString();
        BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class).setObjectStoreDir(dir);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "communicationStore").setObjectStoreDir(dir);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "stateStore").setObjectStoreDir(dir);
        try {
            arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier(node);
        } catch (CoreEnvironmentBeanException e) {
            throw new IllegalArgumentException("Narayana refuses node identifier '" + node + "'", e);
        }
        jtaPropertyManager.getJTAEnvironmentBean().setXaRecoveryNodes(List.of(node));
        // the tests recover at once after a crash, not after the default 20 s of grace
        jtaPropertyManager.getJTAEnvironmentBean().setOrphanSafetyInterval(0);
        // scan() waits this many seconds between its two passes (default 10)
        recoveryPropertyManager.getRecoveryEnvironmentBean().setRecoveryBackoffPeriod(1);
        // no status socket: a killed JVM's transactions are judged by the object store alone
        arjPropertyManager.getCoordinatorEnvironmentBean().setTransactionStatusManagerEnable(false);
    }

    static TransactionManager transactionManager() {
        return com.arjuna.ats.jta.TransactionManager.transactionManager();
    }

    /**
     * A recovery manager driven by {@link RecoveryManager#scan()}, whose XA module asks
     * {@code helpers} for the resources to recover.
     */
    static RecoveryManager recoveryManager(XAResourceRecoveryHelper... helpers) {
        RecoveryManager manager = RecoveryManager.manager(RecoveryManager.DIRECT_MANAGEMENT);
        XARecoveryModule xa = manager.getModules().stream()
                .filter(XARecoveryModule.class::isInstance).map(XARecoveryModule.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("Narayana's recovery manager has no XARecoveryModule"));
        for (XAResourceRecoveryHelper helper : helpers) {
            xa.addXAResourceRecoveryHelper(helper);
        }
        return manager;
    }
}
