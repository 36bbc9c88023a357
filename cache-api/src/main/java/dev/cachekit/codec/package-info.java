/**
 * Codecs turn values into bytes and back: {@link dev.cachekit.codec.KryoCodec} (the default) and
 * {@link dev.cachekit.codec.JdkCodec}, each with an allow-list of classes and bounds on decoding,
 * since the bytes in a shared store are untrusted. {@link dev.cachekit.codec.Codec} is the
 * interface a custom codec implements.
 */
package dev.cachekit.codec;
