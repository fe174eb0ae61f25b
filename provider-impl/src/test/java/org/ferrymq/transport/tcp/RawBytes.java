package org.ferrymq.transport.tcp;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * Bytes as the fuzz corpus keeps them: hexadecimal text, two digits a byte, whitespace free
 * between them; lines starting with {@code #} say what the bytes are and are not bytes.
 */
final class RawBytes {

    private RawBytes() {
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] parse(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            String digits = line.replaceAll("\\s", "");
            out.writeBytes(HexFormat.of().parseHex(digits));
        }
        return out.toByteArray();
    }
}
