package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** A broker journals to a DataSource it is handed (an application server's, say), picking the dialect from it. */
class DataSourceJournalTest {

    @Test
    void aBrokerJournalsToTheDataSourceItIsHanded() throws Exception {
        JournalDatabase db = JournalDatabase.h2().emptied();
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(db.jdbcUrl());
        String name = "datasource-" + UUID.randomUUID();
        FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name);

        EmbeddedBroker.start(new BrokerConfig(name).journalDataSource(dataSource));
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("handed")).send(s.createTextMessage("kept"));
        } finally {
            EmbeddedBroker.stop(name);
        }
        assertEquals(1, db.depth("handed"));

        EmbeddedBroker.start(new BrokerConfig(name).journalDataSource(dataSource));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("handed"));
            assertEquals("kept", ((TextMessage) consumer.receive(5000)).getText());
        } finally {
            EmbeddedBroker.stop(name);
        }
    }
}
