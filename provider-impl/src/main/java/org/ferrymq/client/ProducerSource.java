package org.ferrymq.client;

import jakarta.jms.Session;

/**
 * What a {@link FerryJMSProducer} works through: the session that makes the messages it sends
 * from bodies, and the one producer without a destination that sends them. A
 * {@link FerryJMSContext} is one, whatever its {@link SessionSource}; it refuses with an
 * {@code IllegalStateRuntimeException} once closed.
 */
public interface ProducerSource {

    /** The session the producer's messages are made in. */
    Session session();

    /** The producer, without a destination, every send goes through. */
    FerryMessageProducer producer();
}
