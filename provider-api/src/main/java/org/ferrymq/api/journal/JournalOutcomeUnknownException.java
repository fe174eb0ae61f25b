package org.ferrymq.api.journal;

/**
 * The journal cannot tell whether a batch became durable: the database failed while
 * committing it (the connection broke, or the commit call itself failed), so it may have
 * committed or not. Unlike a plain {@link JournalException}, which means nothing of the batch
 * is durable, the broker must not undo the batch's effects as if it had failed; a restart
 * reads the outcome from the database.
 */
public class JournalOutcomeUnknownException extends JournalException {

    private static final long serialVersionUID = 1L;

    public JournalOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
