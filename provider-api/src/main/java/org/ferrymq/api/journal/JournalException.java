package org.ferrymq.api.journal;

/** The journal could not read or write its storage; the message names the storage and the cause. */
public class JournalException extends Exception {

    private static final long serialVersionUID = 1L;

    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
