package dev.cachekit.internal;

/**
 * Renders caller-supplied text (keys, tag and lock names) for messages and log lines: quoted,
 * shortened when long, with control characters, lone surrogates and quotes escaped, so a key can
 * neither forge a log line nor flood one. Not part of the public API.
 */
public final class Printable {

    private static final int MAX_CHARS = 120;
    private static final int KEEP_CHARS = 100;

    private Printable() {}

    /**
     * The text in single quotes, escaped and shortened: {@code 'user:42'}, {@code 'a\nb'}.
     *
     * @param text any text, or {@code null}
     * @return the printable form
     */
    public static String quote(String text) {
        return text == null ? "null" : "'" + escape(text) + "'";
    }

    /**
     * The text escaped and shortened as {@link #quote} does, without the quotes.
     *
     * @param text any text
     * @return the printable form
     */
    public static String escape(String text) {
        String shown = text.length() <= MAX_CHARS ? text : text.substring(0, KEEP_CHARS);
        StringBuilder out = new StringBuilder(shown.length() + 16);
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                default -> {
                    boolean pair = Character.isHighSurrogate(c)
                            && i + 1 < shown.length()
                            && Character.isLowSurrogate(shown.charAt(i + 1));
                    if (pair) {
                        out.append(c).append(shown.charAt(++i));
                    } else if (Character.isISOControl(c)
                            || Character.isSurrogate(c)
                            || c == '\u2028'
                            || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (shown.length() < text.length()) {
            out.append("...(").append(text.length()).append(" chars)");
        }
        return out.toString();
    }
}
