package org.ferrymq.ra;

import jakarta.jms.Topic;
import java.io.Serializable;
import java.util.Objects;

/** A topic as an administered object of the adapter: bound in JNDI by the server, named by {@code physicalName}. */
public class AdminTopic implements Topic, Serializable {

    private static final long serialVersionUID = 1L;

    private String physicalName;

    public String getPhysicalName() {
        return physicalName;
    }

    public void setPhysicalName(String physicalName) {
        this.physicalName = physicalName;
    }

    @Override
    public String getTopicName() {
        return physicalName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdminTopic other && Objects.equals(physicalName, other.physicalName);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(physicalName);
    }

    @Override
    public String toString() {
        return "FerryMQ topic " + physicalName;
    }
}
