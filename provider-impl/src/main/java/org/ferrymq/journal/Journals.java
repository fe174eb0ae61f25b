package org.ferrymq.journal;

import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalException;

/** Opens the journal a broker configuration asks for. */
public final class Journals {

    private Journals() {
    }

    public static Journal open(BrokerConfig config) throws JournalException {
        return switch (config.journalKind()) {
            case MEMORY -> new MemoryJournal();
            case JDBC -> JdbcJournal.open(config);
        };
    }
}
