package org.ferrymq.api.journal;

/**
 * A persistent message as the journal sees it. The broker's own message type implements
 * this; a journal that writes to external storage reads the headers from here and keeps the
 * object it gets back from storage to hand to {@link JournalReplay#message}.
 */
public interface StoredMessage {

    String messageId();

    int priority();

    long expiration();

    long deliveryTime();
}
