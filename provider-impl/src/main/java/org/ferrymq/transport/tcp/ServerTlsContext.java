package org.ferrymq.transport.tcp;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS listener's context, read again when its key store or trust store file changes: each
 * new connection gets the stores as they are on disk (a renewed certificate takes effect
 * without a restart), while connections already open keep theirs. A changed store that cannot
 * be read is logged and the last good context stays in use.
 */
final class ServerTlsContext {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTlsContext.class);

    private final TlsSettings settings;
    private SslContext context;
    private FileTime[] readAt;

    /** @throws IllegalArgumentException when a store cannot be read now (the listener does not start) */
    ServerTlsContext(TlsSettings settings) {
        this.settings = settings;
        this.readAt = modified();
        this.context = settings.serverContext();
    }

    /** The context for a new connection: read again first if a store file changed since it was read. */
    synchronized SslContext current() {
        FileTime[] now = modified();
        if (!Arrays.equals(now, readAt)) {
            readAt = now;
            try {
                context = settings.serverContext();
                LOG.info("Read the TLS stores again: {}", settings);
            } catch (IllegalArgumentException e) {
                LOG.warn("A TLS store changed but cannot be read; new connections use the stores read before: {}",
                        e.getMessage());
            }
        }
        return context;
    }

    private FileTime[] modified() {
        return new FileTime[] {modified(settings.keyStore()), modified(settings.trustStore())};
    }

    private static FileTime modified(Path file) {
        try {
            return file == null ? null : Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null; // gone for now: read again when it is back
        }
    }
}
