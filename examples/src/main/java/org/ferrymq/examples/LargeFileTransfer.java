package org.ferrymq.examples;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import javax.naming.Context;
import javax.naming.InitialContext;

/**
 * A large file transfer: a 64 MiB file goes from one directory to another through a queue, as
 * one persistent BytesMessage. The sender hands FerryMQ the file as an InputStream (the property
 * JMS_FerryMQ_InputStream) and the receiver gives it an OutputStream to save the body into
 * (JMS_FerryMQ_SaveStream); the body travels, is stored and is delivered in chunks, so neither
 * the application nor the broker holds the file in memory. The copy's SHA-256 must match.
 */
public final class LargeFileTransfer {

    private static final String INPUT_STREAM = "JMS_FerryMQ_InputStream";
    private static final String SAVE_STREAM = "JMS_FerryMQ_SaveStream";
    private static final int MIB = 1024 * 1024;
    private static final int FILE_MIB = 64;
    private static final long RECEIVE_TIMEOUT_MS = 30_000;

    private LargeFileTransfer() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    public static void run() throws Exception {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        Queue files = (Queue) jndi.lookup("files");
        jndi.close();

        Path outbox = Files.createTempDirectory("ferrymq-outbox");
        Path inbox = Files.createTempDirectory("ferrymq-inbox");
        Path original = outbox.resolve("report.bin");
        Path copy = inbox.resolve("report.bin");
        try (Connection connection = factory.createConnection()) {
            String sent = writeFile(original, FILE_MIB);
            System.out.println("Wrote " + original + ": " + FILE_MIB + " MiB, SHA-256 " + sent);
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);

            long start = System.nanoTime();
            MessageProducer producer = session.createProducer(files);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            try (InputStream in = Files.newInputStream(original)) {
                BytesMessage message = session.createBytesMessage();
                message.setStringProperty("fileName", original.getFileName().toString());
                message.setObjectProperty(INPUT_STREAM, in); // read a chunk at a time while sending
                producer.send(message);
            }
            System.out.println("Sent it in " + millisSince(start) + " ms");

            start = System.nanoTime();
            MessageConsumer consumer = session.createConsumer(files);
            BytesMessage received = (BytesMessage) consumer.receive(RECEIVE_TIMEOUT_MS);
            if (received == null) {
                throw new ExampleFailure("No file arrived within " + RECEIVE_TIMEOUT_MS + " ms");
            }
            if (!original.getFileName().toString().equals(received.getStringProperty("fileName"))) {
                throw new ExampleFailure("The file arrived named " + received.getStringProperty("fileName"));
            }
            try (OutputStream out = Files.newOutputStream(copy)) {
                received.setObjectProperty(SAVE_STREAM, out); // returns once the whole body is written
            }
            System.out.println("Received " + received.getBodyLength() / MIB + " MiB into " + copy + " in "
                    + millisSince(start) + " ms");

            String arrived = sha256(copy);
            if (!arrived.equals(sent)) {
                throw new ExampleFailure("The copy's SHA-256 is " + arrived + ", the original's " + sent);
            }
            System.out.println("The copy's SHA-256 matches the original's");
        } finally {
            Files.deleteIfExists(original);
            Files.deleteIfExists(copy);
            Files.deleteIfExists(outbox);
            Files.deleteIfExists(inbox);
        }
    }

    /** Writes mebibytes of random bytes to file, a mebibyte at a time, and returns their SHA-256. */
    private static String writeFile(Path file, int mebibytes) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(42);
        byte[] block = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mebibytes; i++) {
                random.nextBytes(block);
                digest.update(block);
                out.write(block);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
