package org.ferrymq.appserver.payara;

import org.ferrymq.appserver.TransactionSmokeTests;

/** The harness smoke tests ({@link TransactionSmokeTests}) in Payara. */
class PayaraTransactionSmokeIT extends TransactionSmokeTests {
}
