package io.nbo.redis;

import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.codec.ToByteBufEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;

/**
 * UTF-8 strings, written straight into the command buffer. Lettuce's own UTF-8 codec only estimates
 * a string's encoded size, so it encodes every argument into a temporary buffer first; for batches of
 * scripts with twenty arguments each, those buffers kept the one I/O thread busy.
 */
final class Utf8Codec implements RedisCodec<String, String>, ToByteBufEncoder<String, String> {

    static final Utf8Codec INSTANCE = new Utf8Codec();

    private Utf8Codec() {
    }

    @Override
    public void encodeKey(String key, ByteBuf target) {
        ByteBufUtil.writeUtf8(target, key);
    }

    @Override
    public void encodeValue(String value, ByteBuf target) {
        ByteBufUtil.writeUtf8(target, value);
    }

    @Override
    public int estimateSize(Object keyOrValue) {
        return keyOrValue == null ? 0 : ByteBufUtil.utf8Bytes((CharSequence) keyOrValue);
    }

    @Override
    public boolean isEstimateExact() {
        return true;
    }

    @Override
    public String decodeKey(ByteBuffer bytes) {
        return StringCodec.UTF8.decodeKey(bytes);
    }

    @Override
    public String decodeValue(ByteBuffer bytes) {
        return StringCodec.UTF8.decodeValue(bytes);
    }

    @Override
    public ByteBuffer encodeKey(String key) {
        return StringCodec.UTF8.encodeKey(key);
    }

    @Override
    public ByteBuffer encodeValue(String value) {
        return StringCodec.UTF8.encodeValue(value);
    }
}
