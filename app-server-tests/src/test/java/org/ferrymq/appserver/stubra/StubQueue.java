package org.ferrymq.appserver.stubra;

import jakarta.jms.Queue;
import jakarta.resource.spi.AdministeredObject;
import jakarta.resource.spi.ConfigProperty;

import java.io.Serializable;

/**
 * The stub adapter's administered object: a JMS queue that is only a name. As a
 * {@link Queue} it is usable from deployments that do not see the rar's classes.
 */
@AdministeredObject(adminObjectInterfaces = Queue.class)
public class StubQueue implements Queue, Serializable {

    private static final long serialVersionUID = 1L;

    @ConfigProperty(description = "Name of the queue")
    private String queueName;

    @Override
    public String getQueueName() {
        return queueName;
    }

    public void setQueueName(String queueName) {
        this.queueName = queueName;
    }

    @Override
    public String toString() {
        return "StubQueue '" + queueName + "'";
    }
}
