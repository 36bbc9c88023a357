package dev.cachekit.example;

/**
 * What the slow database returns, with a note of the load that produced it, so that every process
 * reading it from the cache can say who loaded it.
 *
 * @param id the user's id
 * @param name the user's name
 * @param loadedBy the process that loaded it ({@code process 4242})
 * @param round the round of that process in which it was loaded (1, or 2 after the flush)
 * @param loadId a random id of the load
 */
public record User(long id, String name, String loadedBy, int round, String loadId) {}
