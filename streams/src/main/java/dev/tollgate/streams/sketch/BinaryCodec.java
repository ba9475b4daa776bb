package dev.tollgate.streams.sketch;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The primitives of the binary store formats (rollups, alert series): unsigned LEB128 varints, zigzag varints for
 * sums that could in principle be negative, and length-prefixed UTF-8 strings. Why not JSON: see
 * {@code rollups.RollupSerde}.
 */
public final class BinaryCodec {

    private BinaryCodec() {
    }

    /** A growable byte buffer to write into; {@link #toByteArray()} copies out what was written. */
    public static final class Writer {
        private byte[] bytes;
        private int length;

        public Writer(int initialCapacity) {
            bytes = new byte[initialCapacity];
        }

        public void writeByte(int value) {
            ensure(1);
            bytes[length++] = (byte) value;
        }

        /** {@code value} as an unsigned varint; negative values take ten bytes, so use zigzag for those. */
        public void writeVarLong(long value) {
            ensure(10);
            while ((value & ~0x7FL) != 0) {
                bytes[length++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            bytes[length++] = (byte) value;
        }

        public void writeZigZag(long value) {
            writeVarLong((value << 1) ^ (value >> 63));
        }

        public void writeString(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            writeVarLong(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, bytes, length, utf8.length);
            length += utf8.length;
        }

        public byte[] toByteArray() {
            return Arrays.copyOf(bytes, length);
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }

    /** Reads what a {@link Writer} wrote; fails with {@link IllegalArgumentException} on truncated input. */
    public static final class Reader {
        private final byte[] bytes;
        private int position;

        public Reader(byte[] bytes, int position) {
            this.bytes = bytes;
            this.position = position;
        }

        /** The index of the next byte to read. */
        public int position() {
            return position;
        }

        public int readByte() {
            require(1);
            return bytes[position++] & 0xFF;
        }

        public long readVarLong() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                require(1);
                byte b = bytes[position++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes");
        }

        public long readZigZag() {
            long raw = readVarLong();
            return (raw >>> 1) ^ -(raw & 1);
        }

        public String readString() {
            int n = Math.toIntExact(readVarLong());
            require(n);
            String value = new String(bytes, position, n, StandardCharsets.UTF_8);
            position += n;
            return value;
        }

        private void require(int n) {
            if (n < 0 || position + n > bytes.length) {
                throw new IllegalArgumentException("truncated binary value");
            }
        }
    }
}
