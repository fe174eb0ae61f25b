package org.ferrymq.protocol.codec;

import java.io.IOException;

/**
 * Bytes that do not decode: they end early, announce a length longer than what remains, or
 * hold a tag or version this codec does not know. The message says what was being read and
 * what was wrong with it, so damaged input is reported, never mistaken for a message.
 */
public class CodecException extends IOException {

    private static final long serialVersionUID = 1L;

    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
