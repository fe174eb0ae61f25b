package org.ferrymq.journal.crash;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import org.ferrymq.client.FerryConnectionFactory;

/**
 * The client JVM of {@link BadClientTest}: connects over {@code tcp://}, receives messages in
 * CLIENT_ACKNOWLEDGE without acknowledging them, opens a transaction that receives and sends
 * without committing, prints {@code HOLDING client=a,b,... received=x,y,... sent=p,q,...} (the
 * {@code cid} properties) and then waits to be killed.
 *
 * <p>Arguments: server URL, how many to hold in CLIENT_ACKNOWLEDGE (from queue
 * {@value #HELD}), how many to receive (from {@value #TX_IN}) and send (to {@value #TX_OUT})
 * in the open transaction.
 */
public final class BadClient {

    static final String HELD = "bad-held";
    static final String TX_IN = "bad-tx-in";
    static final String TX_OUT = "bad-tx-out";

    private BadClient() {
    }

    public static void main(String[] args) throws Exception {
        FerryConnectionFactory factory = new FerryConnectionFactory(args[0]);
        int hold = Integer.parseInt(args[1]);
        int transacted = Integer.parseInt(args[2]);
        Connection connection = factory.createConnection();
        connection.start();

        Session clientAck = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer held = clientAck.createConsumer(clientAck.createQueue(HELD));
        List<String> heldCids = receive(held, hold);

        Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer in = tx.createConsumer(tx.createQueue(TX_IN));
        List<String> receivedCids = receive(in, transacted);
        MessageProducer out = tx.createProducer(tx.createQueue(TX_OUT));
        List<String> sentCids = new ArrayList<>();
        for (int i = 0; i < transacted; i++) {
            Message m = tx.createTextMessage("uncommitted " + i);
            String cid = "tx-out-" + i;
            m.setStringProperty("cid", cid);
            out.send(m);
            sentCids.add(cid);
        }
        System.out.println("HOLDING client=" + String.join(",", heldCids) + " received="
                + String.join(",", receivedCids) + " sent=" + String.join(",", sentCids));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // neither acknowledges nor commits: the test kills this JVM
    }

    private static List<String> receive(MessageConsumer consumer, int count) throws Exception {
        List<String> cids = new ArrayList<>();
        while (cids.size() < count) {
            Message m = consumer.receive(30_000);
            if (m == null) {
                throw new IllegalStateException("received " + cids.size() + " of " + count + " messages in 30 s");
            }
            cids.add(m.getStringProperty("cid"));
        }
        return cids;
    }
}
