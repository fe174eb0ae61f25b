package org.ferrymq.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test opened (connections, contexts, sessions of other resources) for its fixture to
 * close after it, in the order opened. A close that fails is ignored: the test closed it
 * already, or its server is gone.
 */
public final class Opened {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    public <C extends AutoCloseable> C track(C closeable) {
        closeables.add(closeable);
        return closeable;
    }

    public void closeAll() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closed by the test, or its server is gone
            }
        }
        closeables.clear();
    }
}
