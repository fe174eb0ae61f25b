package org.ferrymq.testing;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32;

/**
 * A message body of any size that no test has to hold: byte {@code i} is a function of
 * {@code i}, so a sender streams it, a receiver checks it by its CRC-32 and length, and
 * neither keeps a copy to compare with.
 */
public final class PatternBody {

    private PatternBody() {
    }

    public static byte at(long i) {
        return (byte) (i * 31 + (i >>> 13) + 7);
    }

    /** The first {@code size} bytes of the pattern as an array. */
    public static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = at(i);
        }
        return bytes;
    }

    /** The CRC-32 of the first {@code size} bytes of the pattern. */
    public static long checksum(long size) {
        Check check = new Check();
        byte[] buffer = new byte[64 * 1024];
        for (long done = 0; done < size; ) {
            int n = (int) Math.min(buffer.length, size - done);
            for (int i = 0; i < n; i++) {
                buffer[i] = at(done + i);
            }
            check.write(buffer, 0, n);
            done += n;
        }
        return check.checksum();
    }

    /** The CRC-32 of {@code bytes}. */
    public static long checksum(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    /** The first {@code size} bytes of the pattern as a stream, made as they are read. */
    public static InputStream stream(long size) {
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                return position < size ? at(position++) & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - position);
                for (int i = 0; i < n; i++) {
                    b[off + i] = at(position + i);
                }
                position += n;
                return n;
            }
        };
    }

    /** An output stream that keeps only the CRC-32 and the count of what is written to it. */
    public static final class Check extends OutputStream {
        private final CRC32 crc = new CRC32();
        private long count;

        @Override
        public void write(int b) {
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            count += len;
        }

        public long checksum() {
            return crc.getValue();
        }

        public long count() {
            return count;
        }
    }
}
