package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.XAConnection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.api.journal.SqlDialect;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.journal.dialect.Dialects;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A journal written by a version-2 FerryMQ (queues named in FMQ_QUEUE_REF, durable
 * subscriptions as {@code sub:<client id>:<name>}) is migrated in place when a newer broker
 * starts on it, and the broker delivers everything it held: queue messages with their delivery
 * counts, subscription messages, a prepared XA branch. The version-2 database is made here
 * with version 2's own DDL and rows written with plain SQL, not by FerryMQ.
 */
class SchemaMigrationTest {

    private static final String GLOBAL_ID = "0a0b0c";
    private static final String BRANCH_ID = "01";

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("migration-test");

    private JournalDatabase db;

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aVersion2JournalIsMigratedAndEveryMessageIsDelivered(JournalDatabase database) throws Exception {
        db = broker.start(database);
        writeVersion2Journal(Dialects.select(null, db.jdbcUrl()));
        deliversEverythingVersion2Held();
    }

    /**
     * Where DDL commits by itself (H2, MariaDB), a broker stopped in the middle of the migration
     * leaves some tables renamed and new ones half made; the next start begins again from the
     * version-2 rows.
     */
    @ParameterizedTest
    @MethodSource("databases")
    void aMigrationStoppedPartWayStartsOverFromTheVersion2Rows(JournalDatabase database) throws Exception {
        db = broker.start(database);
        writeVersion2Journal(Dialects.select(null, db.jdbcUrl()));
        db.execute("ALTER TABLE FMQ_DESTINATION RENAME TO FMQ_DESTINATION_V2");
        db.execute("ALTER TABLE FMQ_SUBSCRIPTION RENAME TO FMQ_SUBSCRIPTION_V2");
        db.execute("CREATE TABLE FMQ_DESTINATION (QUEUE_ID BIGINT, DEST_TYPE VARCHAR(10) NOT NULL, "
                + "DEST_NAME VARCHAR(255) NOT NULL, CREATED_AT BIGINT NOT NULL)");
        db.execute("INSERT INTO FMQ_DESTINATION VALUES (99, 'queue', 'half-copied', 0)");
        deliversEverythingVersion2Held();
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_DESTINATION WHERE DEST_NAME = 'half-copied'"));
    }

    private void deliversEverythingVersion2Held() throws Exception {
        String url = broker.url();
        FerryConnectionFactory factory = new FerryConnectionFactory(url);

        try (Connection plain = factory.createConnection(); Connection app1 = factory.createConnection()) {
            app1.setClientID("app1");
            plain.start();
            app1.start();
            Session s = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session a = app1.createSession(false, Session.AUTO_ACKNOWLEDGE);
            // before anything is consumed: new messages and ids must not reuse a stored number
            s.createProducer(s.createQueue("orders")).send(s.createTextMessage("order 3"));
            Topic prices = s.createTopic("prices");
            Message cheap = s.createTextMessage("price 7");
            cheap.setIntProperty("price", 7);
            s.createProducer(prices).send(cheap);

            MessageConsumer orders = s.createConsumer(s.createQueue("orders"));
            TextMessage first = (TextMessage) orders.receive(30_000);
            assertEquals("order 1", first.getText());
            assertTrue(first.getJMSRedelivered(), "its delivery count of 1 was lost");
            assertEquals(2, first.getIntProperty("JMSXDeliveryCount"));
            assertEquals("order 3", ((TextMessage) orders.receive(30_000)).getText(),
                    "order 2 is locked by the prepared branch and must not come before it commits");
            assertNull(orders.receive(300));

            try (XAConnection xaConnection = new FerryXAConnectionFactory(url).createXAConnection()) {
                XAResource xa = xaConnection.createXASession().getXAResource();
                Xid[] prepared = xa.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
                assertEquals(1, prepared.length, "the prepared branch after the migration");
                assertEquals(4711, prepared[0].getFormatId());
                assertArrayEquals(HexFormat.of().parseHex(GLOBAL_ID), prepared[0].getGlobalTransactionId());
                assertArrayEquals(HexFormat.of().parseHex(BRANCH_ID), prepared[0].getBranchQualifier());
                xa.commit(prepared[0], false); // acknowledges order 2, sends "xa order"
            }
            assertEquals("xa order", ((TextMessage) orders.receive(30_000)).getText());
            assertNull(orders.receive(300), "order 2 was acknowledged by the committed branch");

            assertEquals(List.of("price 5", "price 50", "price 7"), receive(a.createDurableSubscriber(prices, "all"), 3));
            assertEquals(List.of("price 5", "price 7"),
                    receive(a.createDurableSubscriber(prices, "cheap", "price < 10", false), 2));
            assertEquals(List.of("price 5", "price 50", "price 7"),
                    receive(s.createSharedDurableConsumer(prices, "shared"), 3));
            assertEquals(List.of(), receive(s.createConsumer(s.createQueue("sub:app1:all")), 0),
                    "a queue version 2 could not tell from a subscription's queue starts empty");
        }
        assertEquals(JournalSchema.CURRENT_VERSION, db.queryLong("SELECT MAX(SCHEMA_VERSION) FROM FMQ_SCHEMA_VERSION"),
                "migrated to the newest schema");
        assertEquals(List.of(), retiredTables(), "the version-2 tables stayed");
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"), "only the reference to no queue is left");
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"), "consumed messages stayed stored");

        broker.stop(); // and a version-3 journal opens as it is
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("orders")).send(s.createTextMessage("order 4"));
            assertEquals(List.of("order 4"), receive(s.createConsumer(s.createQueue("orders")), 1));
        }
    }

    /**
     * Version 2's tables, exactly as FerryMQ 0.1 created them, holding: queue {@code orders}
     * with "order 1" (delivered once) and "order 2"; topic {@code prices} with durable
     * subscriptions {@code all} and {@code cheap} (price &lt; 10) of client app1 and the shared
     * {@code shared} without a client ID, holding "price 5" (all three) and "price 50"; a queue
     * {@code sub:app1:all}, whose name version 2 mixed up with the subscription's queue; a
     * prepared XA branch that acknowledged "order 2" and sent "xa order" to {@code orders};
     * and a reference to a queue that no longer exists.
     */
    private void writeVersion2Journal(SqlDialect d) throws Exception {
        String text = d.textType();
        String bytes = d.binaryType();
        String options = d.tableOptions();
        try (java.sql.Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String sql : List.of(
                    "CREATE TABLE FMQ_SCHEMA_VERSION (SCHEMA_VERSION INT NOT NULL PRIMARY KEY, "
                            + "DESCRIPTION VARCHAR(200) NOT NULL, APPLIED_AT BIGINT NOT NULL)" + options,
                    "CREATE TABLE FMQ_LEASE (LEASE_ID INT NOT NULL PRIMARY KEY, HOLDER_BROKER VARCHAR(255), "
                            + "HOLDER_HOST VARCHAR(255), HOLDER_PID BIGINT, HOLDER_INSTANCE VARCHAR(64), "
                            + "ACQUIRED_AT BIGINT, EXPIRES_AT BIGINT)" + options,
                    "INSERT INTO FMQ_LEASE (LEASE_ID) VALUES (1)",
                    "CREATE TABLE FMQ_DESTINATION (DEST_TYPE VARCHAR(10) NOT NULL, DEST_NAME VARCHAR(255) NOT NULL, "
                            + "CREATED_AT BIGINT NOT NULL, PRIMARY KEY (DEST_TYPE, DEST_NAME))" + options,
                    "CREATE TABLE FMQ_SUBSCRIPTION (QUEUE_NAME VARCHAR(512) NOT NULL PRIMARY KEY, "
                            + "TOPIC_NAME VARCHAR(255) NOT NULL, CLIENT_ID VARCHAR(255), SUB_NAME VARCHAR(255) NOT NULL, "
                            + "SELECTOR_TEXT " + text + ", NO_LOCAL SMALLINT NOT NULL, IS_SHARED SMALLINT NOT NULL, "
                            + "CREATED_AT BIGINT NOT NULL)" + options,
                    "CREATE TABLE FMQ_MESSAGE (MSG_NO BIGINT NOT NULL PRIMARY KEY, REF_COUNT INT NOT NULL, "
                            + "JMS_MESSAGE_ID VARCHAR(255), DEST_TYPE VARCHAR(10) NOT NULL, "
                            + "DEST_NAME VARCHAR(255) NOT NULL, JMS_TIMESTAMP BIGINT NOT NULL, CORRELATION_ID " + text
                            + ", CORRELATION_IS_BYTES SMALLINT NOT NULL, REPLY_TO_TYPE VARCHAR(10), "
                            + "REPLY_TO_NAME VARCHAR(255), JMS_TYPE " + text + ", PRIORITY SMALLINT NOT NULL, "
                            + "EXPIRATION BIGINT NOT NULL, DELIVERY_TIME BIGINT NOT NULL, BODY_TYPE VARCHAR(10) NOT NULL, "
                            + "BODY_TEXT " + text + ", BODY_BYTES " + bytes + ", PROPERTY_COUNT INT NOT NULL)" + options,
                    "CREATE TABLE FMQ_MSG_PROPERTY (MSG_NO BIGINT NOT NULL, PROP_NAME VARCHAR(255) NOT NULL, "
                            + "PROP_TYPE VARCHAR(10) NOT NULL, PROP_VALUE " + text + ", PRIMARY KEY (MSG_NO, PROP_NAME))"
                            + options,
                    "CREATE TABLE FMQ_QUEUE_REF (QUEUE_NAME VARCHAR(512) NOT NULL, SEQ_NO BIGINT NOT NULL, "
                            + "MSG_NO BIGINT NOT NULL, DELIVERY_COUNT INT NOT NULL, PRIMARY KEY (QUEUE_NAME, SEQ_NO))"
                            + options,
                    "CREATE TABLE FMQ_XA_BRANCH (TX_NO BIGINT NOT NULL PRIMARY KEY, FORMAT_ID INT NOT NULL, "
                            + "GTRID VARCHAR(128) NOT NULL, BQUAL VARCHAR(128) NOT NULL, "
                            + "PREPARED_AT BIGINT NOT NULL)" + options,
                    "CREATE TABLE FMQ_XA_SEND (TX_NO BIGINT NOT NULL, QUEUE_NAME VARCHAR(512) NOT NULL, "
                            + "MSG_NO BIGINT NOT NULL, PRIMARY KEY (TX_NO, QUEUE_NAME, MSG_NO))" + options,
                    "CREATE TABLE FMQ_XA_ACK (TX_NO BIGINT NOT NULL, QUEUE_NAME VARCHAR(512) NOT NULL, "
                            + "SEQ_NO BIGINT NOT NULL, PRIMARY KEY (TX_NO, QUEUE_NAME, SEQ_NO))" + options,
                    "INSERT INTO FMQ_SCHEMA_VERSION VALUES (1, 'destinations, subscriptions, messages, queue "
                            + "references, lease', 1000)",
                    "INSERT INTO FMQ_SCHEMA_VERSION VALUES (2, 'prepared XA transaction branches', 2000)",

                    "INSERT INTO FMQ_DESTINATION VALUES ('queue', 'orders', 1)",
                    "INSERT INTO FMQ_DESTINATION VALUES ('topic', 'prices', 2)",
                    "INSERT INTO FMQ_DESTINATION VALUES ('queue', 'sub:app1:all', 3)",
                    "INSERT INTO FMQ_SUBSCRIPTION VALUES ('sub:app1:all', 'prices', 'app1', 'all', NULL, 0, 0, 4)",
                    "INSERT INTO FMQ_SUBSCRIPTION VALUES ('sub:app1:cheap', 'prices', 'app1', 'cheap', 'price < 10', "
                            + "0, 0, 5)",
                    "INSERT INTO FMQ_SUBSCRIPTION VALUES ('sub::shared', 'prices', NULL, 'shared', NULL, 0, 1, 6)",

                    message(1, 1, "queue", "orders", "order 1", 0),
                    message(2, 1, "queue", "orders", "order 2", 0),
                    message(3, 3, "topic", "prices", "price 5", 1),
                    message(4, 2, "topic", "prices", "price 50", 1),
                    message(5, 1, "queue", "orders", "xa order", 0),
                    message(7, 1, "queue", "gone", "on no queue", 0),
                    "INSERT INTO FMQ_MSG_PROPERTY VALUES (3, 'price', 'int', '5')",
                    "INSERT INTO FMQ_MSG_PROPERTY VALUES (4, 'price', 'int', '50')",
                    "INSERT INTO FMQ_QUEUE_REF VALUES ('orders', 1, 1, 1)",
                    "INSERT INTO FMQ_QUEUE_REF VALUES ('orders', 2, 2, 0)",
                    "INSERT INTO FMQ_QUEUE_REF VALUES ('sub:app1:all', 1, 3, 0)",
                    "INSERT INTO FMQ_QUEUE_REF VALUES ('sub:app1:all', 2, 4, 0)",
                    "INSERT INTO FMQ_QUEUE_REF VALUES ('sub:app1:cheap', 1, 3, 0)",
                    "INSERT INTO FMQ_QUEUE_REF VALUES ('sub::shared', 1, 3, 0)",
                    "INSERT INTO FMQ_QUEUE_REF VALUES ('sub::shared', 2, 4, 0)",
                    "INSERT INTO FMQ_QUEUE_REF VALUES ('gone', 1, 7, 0)",
                    "INSERT INTO FMQ_XA_BRANCH VALUES (6, 4711, '" + GLOBAL_ID + "', '" + BRANCH_ID + "', 3000)",
                    "INSERT INTO FMQ_XA_SEND VALUES (6, 'orders', 5)",
                    "INSERT INTO FMQ_XA_ACK VALUES (6, 'orders', 2)")) {
                s.execute(sql);
            }
        }
    }

    private static String message(long messageNo, int references, String kind, String destination, String text,
            int properties) {
        return "INSERT INTO FMQ_MESSAGE (MSG_NO, REF_COUNT, JMS_MESSAGE_ID, DEST_TYPE, DEST_NAME, JMS_TIMESTAMP, "
                + "CORRELATION_ID, CORRELATION_IS_BYTES, REPLY_TO_TYPE, REPLY_TO_NAME, JMS_TYPE, PRIORITY, EXPIRATION, "
                + "DELIVERY_TIME, BODY_TYPE, BODY_TEXT, BODY_BYTES, PROPERTY_COUNT) VALUES (" + messageNo + ", "
                + references + ", 'ID:v2-" + messageNo + "', '" + kind + "', '" + destination + "', " + messageNo
                + ", NULL, 0, NULL, NULL, NULL, 4, 0, 0, 'TEXT', '" + text + "', NULL, " + properties + ")";
    }

    /** Receives exactly {@code count} texts, then checks nothing more is waiting; closes the consumer. */
    private static List<String> receive(MessageConsumer consumer, int count) throws JMSException {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Message m = consumer.receive(30_000);
            assertNotNull(m, "only " + texts + " arrived");
            texts.add(((TextMessage) m).getText());
        }
        assertNull(consumer.receive(300), "more than " + texts);
        consumer.close();
        return texts;
    }

    private List<String> retiredTables() throws Exception {
        List<String> retired = new ArrayList<>();
        try (java.sql.Connection c = db.connect();
                var rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String table = rs.getString("TABLE_NAME").toUpperCase(Locale.ROOT);
                if (table.startsWith("FMQ_") && table.endsWith("_V2")) {
                    retired.add(table);
                }
            }
        }
        return retired;
    }
}
