package org.ferrymq.appserver.wildfly;

import org.ferrymq.appserver.TransactionSmokeTests;

/** The harness smoke tests ({@link TransactionSmokeTests}) in WildFly. */
class WildFlyTransactionSmokeIT extends TransactionSmokeTests {
}
