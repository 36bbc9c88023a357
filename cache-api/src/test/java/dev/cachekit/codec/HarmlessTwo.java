package dev.cachekit.codec;

import java.io.Serializable;

/** An allowed class whose name has the same length as {@link NeverLoaded}'s. */
class HarmlessTwo implements Serializable {
    private static final long serialVersionUID = 1L;
    int value = 1;
}
