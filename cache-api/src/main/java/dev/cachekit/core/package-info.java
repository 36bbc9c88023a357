/**
 * Where caches start: {@link dev.cachekit.core.Caches} opens one from a URI, and {@link
 * dev.cachekit.core.CacheBuilder} assembles one from a URI or a backend, a codec, TTLs and a
 * prefix.
 *
 * <p>The rest of this package is the implementation (entries and their envelopes, tag checks,
 * single-flight loading, lock renewals) and is not public: it sits above every other cachekit
 * package and nothing below it refers to it.
 */
package dev.cachekit.core;
