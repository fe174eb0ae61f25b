package org.ferrymq.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The binary form of JMS values, maps and lists: what map and stream bodies are stored and sent as. */
class ValueCodecTest {

    private static Object roundTrip(Object value) throws CodecException {
        ByteArrayOutput out = new ByteArrayOutput();
        ValueCodec.writeValue(out, value);
        ByteBufferInput in = new ByteBufferInput(out.toByteArray());
        Object read = ValueCodec.readValue(in);
        assertEquals(0, in.remaining(), "bytes left after " + value);
        return read;
    }

    @Test
    void everyValueTypeReadsBackAsItself() throws Exception {
        List<Object> values = List.of(true, false, (byte) -128, (short) -32768, 'x', '\uffff', Integer.MIN_VALUE,
                Long.MAX_VALUE, -0.0f, Float.NaN, Float.MAX_VALUE, Double.MIN_VALUE, Double.NEGATIVE_INFINITY, "",
                "plain", "µ € 漢字 \uD83D\uDE00 and a NUL \0 inside");
        for (Object value : values) {
            Object read = roundTrip(value);
            assertEquals(value.getClass(), read.getClass(), "type of " + value);
            assertEquals(value, read);
        }
        assertNull(roundTrip(null));
        assertArrayEquals(new byte[0], (byte[]) roundTrip(new byte[0]));
        assertArrayEquals(new byte[] {0, -1, 127}, (byte[]) roundTrip(new byte[] {0, -1, 127}));
    }

    @Test
    void aStringWithSurrogatePairsKeepsEveryCodePoint() throws Exception {
        String emoji = "\uD83D\uDE80\uD83C\uDDE9\uD83C\uDDEA𝄞";
        String read = (String) roundTrip(emoji);
        assertEquals(emoji, read);
        assertEquals(emoji.codePointCount(0, emoji.length()), read.codePointCount(0, read.length()));
    }

    @Test
    void aValueOfAnotherTypeIsRefusedWhenWritten() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ValueCodec.writeValue(new ByteArrayOutput(), new StringBuilder("x")));
        assertTrue(e.getMessage().contains("java.lang.StringBuilder"), e.getMessage());
    }

    @Test
    void theStoredFormOfAMapBodyIsTheOneEarlierJournalsWrote() throws Exception {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", 1);
        map.put("b", null);
        map.put("c", "é");
        // count 3; "a" INT 1; "b" NULL; "c" STRING (2 UTF-8 bytes)
        String expected = "00000003" + "00000001" + "61" + "05" + "00000001"
                + "00000001" + "62" + "00"
                + "00000001" + "63" + "09" + "00000002" + "c3a9";
        assertEquals(expected, HexFormat.of().formatHex(ValueCodec.encodeMap(map)));
        assertEquals(map, ValueCodec.decodeMap(HexFormat.of().parseHex(expected)));
    }

    @Test
    void mapsAndListsKeepOrderNullsAndEveryBodyType() throws Exception {
        Map<String, Object> map = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        Object[] values = {null, true, (byte) 1, (short) 2, 'c', 3, 4L, 5f, 6d, "seven", new byte[] {8}};
        for (int i = 0; i < values.length; i++) {
            map.put("k" + (values.length - i), values[i]);
            list.add(values[i]);
        }
        Map<String, Object> readMap = ValueCodec.decodeMap(ValueCodec.encodeMap(map));
        List<Object> readList = ValueCodec.decodeList(ValueCodec.encodeList(list));
        assertEquals(new ArrayList<>(map.keySet()), new ArrayList<>(readMap.keySet()));
        for (int i = 0; i < values.length; i++) {
            Object expected = values[i];
            Object fromMap = readMap.get("k" + (values.length - i));
            Object fromList = readList.get(i);
            if (expected instanceof byte[] bytes) {
                assertArrayEquals(bytes, (byte[]) fromMap);
                assertArrayEquals(bytes, (byte[]) fromList);
            } else {
                assertEquals(expected, fromMap);
                assertEquals(expected, fromList);
            }
        }
        assertEquals(Map.of(), ValueCodec.decodeMap(ValueCodec.encodeMap(Map.of())));
        assertEquals(List.of(), ValueCodec.decodeList(ValueCodec.encodeList(List.of())));
    }

    @Test
    void aMapThatAnnouncesMoreEntriesThanItsBytesHoldIsRefusedBeforeAnythingIsAllocated() {
        byte[] bogus = HexFormat.of().parseHex("7fffffff0000");
        CodecException e = assertThrows(CodecException.class, () -> ValueCodec.decodeMap(bogus));
        assertTrue(e.getMessage().contains("a map announces 2147483647 items but only 2 bytes remain"),
                e.getMessage());
    }

    @Test
    void aListThatAnnouncesANegativeSizeIsRefused() {
        CodecException e = assertThrows(CodecException.class,
                () -> ValueCodec.decodeList(HexFormat.of().parseHex("ffffffff")));
        assertTrue(e.getMessage().contains("negative length (-1)"), e.getMessage());
    }

    @Test
    void aStringLongerThanWhatRemainsIsRefused() {
        // a map of one entry whose name announces 1 GiB
        CodecException e = assertThrows(CodecException.class,
                () -> ValueCodec.decodeMap(HexFormat.of().parseHex("00000001" + "40000000" + "6162")));
        assertTrue(e.getMessage().contains("a string announces 1073741824 bytes but only 2 bytes remain"),
                e.getMessage());
    }

    @Test
    void anUnknownTagNamesTheTagAndTheEntry() {
        CodecException e = assertThrows(CodecException.class,
                () -> ValueCodec.decodeMap(HexFormat.of().parseHex("00000001" + "00000001" + "78" + "2a")));
        assertEquals("map entry 'x': unknown value tag 42", e.getMessage());
        CodecException negative = assertThrows(CodecException.class,
                () -> ValueCodec.decodeList(HexFormat.of().parseHex("00000002" + "00" + "ff")));
        assertEquals("list item 1: unknown value tag -1", negative.getMessage());
    }

    @Test
    void aValueCutShortSaysTheInputEndsEarly() {
        byte[] whole = ValueCodec.encodeList(List.of(123456789L));
        CodecException e = assertThrows(CodecException.class,
                () -> ValueCodec.decodeList(Arrays.copyOf(whole, whole.length - 3)));
        assertTrue(e.getMessage().contains("the input ends early: a long needs 8 bytes but only 5 remain"),
                e.getMessage());
    }

    @Test
    void typesAreNamedAsTheJournalWritesThemAndParsedBack() {
        assertEquals(ValueType.INT, ValueType.forName("int"));
        assertEquals(ValueType.STRING, ValueType.forName("string"));
        assertNull(ValueType.forName("decimal"));
        assertTrue(ValueType.INT.isPropertyType() && !ValueType.CHAR.isPropertyType());
        assertEquals(-7, ValueType.INT.parse(String.valueOf(-7)));
        assertEquals(1.5f, ValueType.FLOAT.parse("1.5"));
        assertEquals(Boolean.TRUE, ValueType.BOOLEAN.parse("true"));
        assertNull(ValueType.LONG.parse(null));
        assertThrows(IllegalArgumentException.class, () -> ValueType.BYTE.parse("300"));
        assertTrue(ValueType.isPropertyValue(null));
        assertTrue(ValueType.isPropertyValue(1L));
        assertTrue(!ValueType.isPropertyValue('c') && ValueType.isBodyValue('c'));
        assertTrue(!ValueType.isPropertyValue(new byte[0]) && ValueType.isBodyValue(new byte[0]));
        assertTrue(!ValueType.isBodyValue(new Object()));
    }
}
