package org.ferrymq.examples;

/** An example saw an outcome the messaging pattern it shows does not allow. */
public final class ExampleFailure extends Exception {

    public ExampleFailure(String message) {
        super(message);
    }

    public ExampleFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
