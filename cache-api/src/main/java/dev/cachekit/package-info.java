/**
 * The cache API: {@link dev.cachekit.Cache} and its views, locks, loaders, the listener, the
 * policies, and every exception a caller catches.
 *
 * <p>This package is what application code programs against. It depends on nothing else in
 * cachekit but the internal helpers; caches are made in {@link dev.cachekit.core}, from a backend
 * ({@link dev.cachekit.spi}) and a codec ({@link dev.cachekit.codec}).
 */
package dev.cachekit;
