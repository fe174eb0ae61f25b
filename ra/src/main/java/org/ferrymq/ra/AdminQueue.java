package org.ferrymq.ra;

import jakarta.jms.Queue;
import java.io.Serializable;
import java.util.Objects;

/** A queue as an administered object of the adapter: bound in JNDI by the server, named by {@code physicalName}. */
public class AdminQueue implements Queue, Serializable {

    private static final long serialVersionUID = 1L;

    private String physicalName;

    public String getPhysicalName() {
        return physicalName;
    }

    public void setPhysicalName(String physicalName) {
        this.physicalName = physicalName;
    }

    @Override
    public String getQueueName() {
        return physicalName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdminQueue other && Objects.equals(physicalName, other.physicalName);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(physicalName);
    }

    @Override
    public String toString() {
        return "FerryMQ queue " + physicalName;
    }
}
