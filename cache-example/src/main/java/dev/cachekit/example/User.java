package dev.cachekit.example;

/**
 * What the slow database returns.
 *
 * @param id the user's id
 * @param name the user's name
 */
public record User(long id, String name) {}
