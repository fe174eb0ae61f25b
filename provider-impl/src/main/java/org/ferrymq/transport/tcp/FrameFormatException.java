package org.ferrymq.transport.tcp;

/**
 * A frame that does not follow the frame format: the peer is not a FerryMQ peer of this
 * protocol version, or the bytes were damaged. The connection cannot continue after one.
 */
final class FrameFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    FrameFormatException(String message) {
        super(message);
    }
}
