package org.ferrymq.jndi;

import java.util.Hashtable;
import javax.naming.Context;
import javax.naming.Name;
import javax.naming.RefAddr;
import javax.naming.Reference;
import javax.naming.spi.ObjectFactory;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryDestination;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.protocol.DestinationName;

/**
 * Turns the {@link Reference}s that FerryMQ's destinations and connection factories hand to
 * a JNDI tree back into objects, so they can be bound by reference in any naming service.
 * A URL becomes a connection factory only in a reference to one of FerryMQ's factory classes;
 * what the URL may ask of a broker is checked where the broker starts, as for any URL.
 */
public final class FerryObjectFactory implements ObjectFactory {

    public static final String KIND = "kind";
    public static final String NAME = "name";
    public static final String URL = "url";

    @Override
    public Object getObjectInstance(Object obj, Name name, Context nameCtx, Hashtable<?, ?> environment) {
        if (!(obj instanceof Reference ref)) {
            return null;
        }
        String url = value(ref, URL);
        if (url != null) {
            if (FerryXAConnectionFactory.class.getName().equals(ref.getClassName())) {
                return new FerryXAConnectionFactory(url);
            }
            return FerryConnectionFactory.class.getName().equals(ref.getClassName())
                    ? new FerryConnectionFactory(url) : null;
        }
        String kind = value(ref, KIND);
        String physical = value(ref, NAME);
        if (kind == null || physical == null) {
            return null;
        }
        return FerryDestination.of(new DestinationName(DestinationName.Kind.valueOf(kind), physical));
    }

    private static String value(Reference ref, String type) {
        RefAddr addr = ref.get(type);
        return addr == null ? null : (String) addr.getContent();
    }
}
