package org.ferrymq.ra;

import jakarta.resource.spi.ConnectionRequestInfo;

/**
 * What a connection is opened with, and what a pooled connection must match to be reused: the
 * application's {@code createConnection(user, password)} arguments travel to the server as
 * this request info.
 */
record Credentials(String user, String password, String clientId) implements ConnectionRequestInfo {

    @Override
    public String toString() {
        return "Credentials[user " + user + (clientId == null ? "" : ", client ID " + clientId) + "]";
    }
}
