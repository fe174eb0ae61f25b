package org.ferrymq.client;

import jakarta.jms.JMSException;

/** The connection that created a temporary destination, and so the only one that may delete it. */
interface TemporaryDestinationOwner {

    void deleteTemporaryDestination(FerryDestination destination) throws JMSException;
}
