package org.ferrymq.client;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.ferrymq.client.message.FerryMessage;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;

/** A look at the messages waiting on a queue, in delivery order, without consuming them. */
public class FerryQueueBrowser implements QueueBrowser {

    private final FerrySession session;
    private final Queue queue;
    private final DestinationName name;
    private final String selector;
    private volatile boolean closed;

    FerryQueueBrowser(FerrySession session, Queue queue, DestinationName name, String selector) {
        this.session = session;
        this.queue = queue;
        this.name = name;
        this.selector = selector == null || selector.isBlank() ? null : selector;
    }

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw JmsExceptions.closed("queue browser");
        }
        session.checkOpen();
    }

    @Override
    public Queue getQueue() throws JMSException {
        checkOpen();
        return queue;
    }

    @Override
    public String getMessageSelector() throws JMSException {
        checkOpen();
        return selector;
    }

    @Override
    public Enumeration<?> getEnumeration() throws JMSException {
        checkOpen();
        List<MessageData> snapshot = session.connection.transport.request(new Command.Browse(name, selector));
        Iterator<MessageData> it = snapshot.iterator();
        return new Enumeration<FerryMessage>() {
            @Override
            public boolean hasMoreElements() {
                return it.hasNext();
            }

            @Override
            public FerryMessage nextElement() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException("No more messages in this browse of " + name);
                }
                return FerryMessage.fromData(it.next(), 1, session.connection.objectMessageFilter);
            }
        };
    }

    @Override
    public void close() throws JMSException {
        closeLocally();
        session.browserClosed(this);
    }

    void closeLocally() {
        closed = true;
    }
}
