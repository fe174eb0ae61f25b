package org.ferrymq.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted, slow hash of a password, as a users file keeps it:
 * {@code PBKDF2WithHmacSHA256:<iterations>:<salt, Base64>:<hash, Base64>}. The JDK computes it;
 * {@link #ITERATIONS} follows OWASP's 2023 advice for PBKDF2-HMAC-SHA256, so checking one
 * password costs a noticeable fraction of a second of CPU: guessing is slow even for someone
 * who has the file. A password is compared by its hash in constant time.
 */
public final class PasswordHash {

    public static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    /** The iterations of a hash made now; a file may hold hashes with more (never fewer than {@link #MIN_ITERATIONS}). */
    public static final int ITERATIONS = 210_000;
    /** Fewer iterations than this are refused when a users file is read: such a hash is too fast to guess. */
    public static final int MIN_ITERATIONS = 100_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** A new hash of {@code password} with a fresh random salt. */
    public static PasswordHash of(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(ITERATIONS, salt, derive(password, salt, ITERATIONS, HASH_BITS));
    }

    /**
     * Reads a hash as {@link #toString} writes it.
     *
     * @throws IllegalArgumentException saying what is wrong, never quoting the text
     */
    public static PasswordHash parse(String text) {
        String[] fields = text.trim().split(":", -1);
        if (fields.length != 4 || !fields[0].equals(ALGORITHM)) {
            throw new IllegalArgumentException("is not " + ALGORITHM + ":<iterations>:<salt>:<hash>; write it with "
                    + "bin/ferrymq user add or passwd");
        }
        int iterations;
        byte[] salt;
        byte[] hash;
        try {
            iterations = Integer.parseInt(fields[1]);
            salt = Base64.getDecoder().decode(fields[2]);
            hash = Base64.getDecoder().decode(fields[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("has iterations that are not a number, or a salt or hash that is not "
                    + "Base64; write it again with bin/ferrymq user passwd");
        }
        if (iterations < MIN_ITERATIONS || salt.length < 8 || hash.length < 16) {
            throw new IllegalArgumentException("is too weak (fewer than " + MIN_ITERATIONS + " iterations, or a short "
                    + "salt or hash); set the password again with bin/ferrymq user passwd");
        }
        return new PasswordHash(iterations, salt, hash);
    }

    /** Whether {@code password} is the one hashed: it takes as long whatever the answer. */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations, hash.length * 8));
    }

    /**
     * Compares a password with one kept in plain text (the {@code users} setting, for tests), in
     * time that depends on neither: their SHA-256 digests are compared in constant time.
     */
    public static boolean plainMatches(String expected, String given) {
        return MessageDigest.isEqual(sha256(expected), sha256(given));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM lacks SHA-256, which every Java platform has", e);
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bits) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bits);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM lacks " + ALGORITHM + ", which every Java platform has", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** The form a users file keeps. */
    @Override
    public String toString() {
        return ALGORITHM + ":" + iterations + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(hash);
    }
}
