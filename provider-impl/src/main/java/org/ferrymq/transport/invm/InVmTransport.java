package org.ferrymq.transport.invm;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import org.ferrymq.broker.BrokerConnection;
import org.ferrymq.protocol.ClientChannel;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.Transport;
import org.ferrymq.server.EmbeddedBroker;

/**
 * The in-VM transport: commands are handed to the broker as objects, in the caller's thread,
 * with no copying or serialisation (messages are already immutable snapshots).
 */
public final class InVmTransport implements Transport {

    private final EmbeddedBroker broker;
    private ClientChannel channel;
    private volatile BrokerConnection connection;

    public InVmTransport(EmbeddedBroker broker) {
        this.broker = broker;
    }

    @Override
    public void setClientChannel(ClientChannel channel) {
        this.channel = channel;
    }

    @Override
    public <R> R request(Command<R> command) throws JMSException {
        BrokerConnection c = connection;
        if (c == null) {
            synchronized (this) {
                if (connection == null) {
                    if (channel == null) {
                        throw new IllegalStateException("No client channel set on the in-VM transport");
                    }
                    connection = broker.connect(channel);
                }
                c = connection;
            }
        }
        return c.handle(command);
    }

    /**
     * Closes the broker connection if the client has not (its opening failed, say), so that it
     * holds none of the broker's connection slots.
     */
    @Override
    public void close() {
        BrokerConnection c = connection;
        connection = null;
        if (c != null && !c.isClosed()) {
            try {
                c.handle(new Command.CloseConnection());
            } catch (JMSException e) {
                // closed meanwhile
            }
        }
    }
}
