package org.ferrymq.ra;

import java.io.Serializable;
import java.util.Objects;

/**
 * A destination as an administered object of the adapter: the server creates it, sets
 * {@code PhysicalName} and binds it in JNDI. FerryMQ takes any {@code Queue} or {@code Topic} by
 * its name, so these need nothing more.
 */
public abstract class AdminDestination implements Serializable {

    private static final long serialVersionUID = 1L;

    private String physicalName;

    public String getPhysicalName() {
        return physicalName;
    }

    public void setPhysicalName(String physicalName) {
        this.physicalName = physicalName;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Objects.equals(physicalName, ((AdminDestination) o).physicalName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), physicalName);
    }
}
