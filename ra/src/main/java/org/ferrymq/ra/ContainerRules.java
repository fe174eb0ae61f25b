package org.ferrymq.ra;

import jakarta.jms.IllegalStateException;

/**
 * The one wording of a refusal the Jakarta EE rules for JMS require (Jakarta Messaging 3.1,
 * section 12.2): the handles of connections, sessions, consumers and contexts all refuse the
 * same way, saying what to do instead.
 */
final class ContainerRules {

    private ContainerRules() {
    }

    /** Why {@code method} is refused, and what to do instead. */
    static String forbiddenMessage(String method, String instead) {
        return method + " must not be called in a Jakarta EE web or EJB container (Jakarta Messaging 3.1, "
                + "section 12.2); " + instead;
    }

    /** The classic API's refusal of {@code method}. */
    static IllegalStateException forbidden(String method, String instead) {
        return new IllegalStateException(forbiddenMessage(method, instead));
    }
}
