package org.ferrymq.client.message;

import jakarta.jms.JMSException;

/** Where a received large message's body is read from, one chunk at a time: its broker. */
@FunctionalInterface
public interface LargeBodySource {

    /** Chunk {@code index} (from 0) of the body, or null past its last chunk. */
    byte[] chunk(int index) throws JMSException;
}
