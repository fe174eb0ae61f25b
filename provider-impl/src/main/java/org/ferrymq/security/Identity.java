package org.ferrymq.security;

import java.util.Set;

/**
 * Who a connection is, once let in: the user name it gave (null: none, on a broker that does
 * not require one) and the roles its users source gives that user.
 */
public record Identity(String user, Set<String> roles) {

    /** A connection without a user name: no roles. */
    public static final Identity ANONYMOUS = new Identity(null, Set.of());

    public Identity {
        roles = Set.copyOf(roles);
    }

    /** The user as a message shows it: 'alice', or "a connection without a user name". */
    public String shown() {
        return user == null ? "A connection without a user name" : "User '" + user + "'";
    }
}
